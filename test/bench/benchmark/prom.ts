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
