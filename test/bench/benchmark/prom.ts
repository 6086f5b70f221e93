// Sums Prometheus text-format series by name and label filter (the operator's /metrics, the apiserver's).

export function sumSeries(text: string, name: string, labels: Record<string, string | RegExp> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const have: Record<string, string> = {};
    for (const m of (match[1] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) have[m[1]!] = m[2]!;
    const ok = Object.entries(labels).every(([key, want]) => (typeof want === "string" ? have[key] === want : want.test(have[key] ?? "")));
    if (ok) sum += Number(match[2]);
  }
  return sum;
}

/**
 * The q-quantile (0..1) of a Prometheus histogram, summed over the series that match `labels`, interpolated
 * linearly inside the bucket it falls in (as PromQL's histogram_quantile does). undefined when it counted nothing.
 */
export function histogramQuantile(text: string, name: string, q: number, labels: Record<string, string | RegExp> = {}): number | undefined {
  const bounds = new Set<string>();
  for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"`, "gm"))) bounds.add(m[1]!);
  const buckets = [...bounds]
    .map((le) => ({ le: le === "+Inf" ? Infinity : Number(le), count: sumSeries(text, `${name}_bucket`, { ...labels, le }) }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lower;
      const inBucket = bucket.count - below;
      return inBucket === 0 ? bucket.le : lower + ((bucket.le - lower) * (rank - below)) / inBucket;
    }
    lower = bucket.le;
    below = bucket.count;
  }
  return lower;
}
