// Reads the benchmark's result JSON (test/bench/benchmark/main.ts writes it; docs/benchmark-*.json are recorded
// ones) into the few numbers the charts draw. Missing or non-numeric fields become undefined, so a chart leaves
// the bar out instead of failing: older recordings lack fields that newer runs have.

/** `floorSeconds`/`floorRatio`: the floor under the burst and W1's ratio to it (medians when the run repeated them). */
export interface W1 { allReadySeconds?: number; readyP50Ms?: number; readyP99Ms?: number; peakRssMiB?: number; floorSeconds?: number; floorRatio?: number; medianAllReadySeconds?: number }
export interface W2 { cycleSeconds?: number; providerCallsPerCycle?: number; apiserverWritesPerCycle?: number; rssMiB?: number }
export interface W4 { unrelatedSecrets?: number; rssMiB?: number }
export interface W10 { layout: string; deployments?: number; allSecretsUpdatedSeconds?: number; allPatchedSeconds?: number; firstRolledSeconds?: number; rolledP50Seconds?: number; allRolledSeconds?: number; restartsMin?: number; restartsMax?: number }
export interface W12 { backend: string; pushSecrets?: number; changedSources?: number; idleCycleSeconds?: number; idleProviderWrites?: number; idleApiserverWrites?: number; idleProviderReads?: number; changePushedSeconds?: number }

/** One results file, as far as the charts are concerned. */
export interface Run {
  /** The file it came from, as given. */
  source: string;
  /** The provider's display name ("fake", "vault (OpenBao)"), as the bench records it. */
  provider: string;
  /** How the operator ran ("secrets-bridge (node dist/src/cli.js run)"), if recorded. */
  operator?: string;
  /** The day of the run (YYYY-MM-DD), if recorded. */
  day?: string;
  cpus?: number;
  /** Every ExternalSecret count the run measured, ascending, whatever the input kept (W4 runs at the largest). */
  allSizes: number[];
  /** W1/W2 by ExternalSecret count, ascending. */
  sizes: Array<{ n: number; W1?: W1; W2?: W2 }>;
  W4: W4[];
  W10: W10[];
  W12: W12[];
}

/**
 * A command-line input: a file, optionally restricted to some scenarios with a `:W4,W10` suffix. Ad-hoc runs
 * (W10 at 10 ExternalSecrets, say) always carry W1 and W2 too; the suffix keeps those out of the by-size charts.
 */
export interface Input {
  path: string;
  only?: Set<string>;
}

export function parseInput(arg: string): Input {
  const match = /^(.*):(W\d+(?:,W\d+)*)$/.exec(arg);
  return match ? { path: match[1]!, only: new Set(match[2]!.split(",")) } : { path: arg };
}

export function runFromResults(results: unknown, source: string, only?: Set<string>): Run {
  const root = record(results);
  const wanted = (scenario: string) => !only || only.has(scenario);
  const allSizes = Object.keys(record(root.sizes)).map(Number).filter(Number.isFinite).sort((a, b) => a - b);
  const sizes = Object.entries(record(root.sizes))
    .map(([n, row]) => ({ n: Number(n), row: record(row) }))
    .filter(({ n }) => Number.isFinite(n))
    .sort((a, b) => a.n - b.n)
    .map(({ n, row }) => ({
      n,
      W1: wanted("W1") && row.W1 ? { ...numbers(row.W1, ["allReadySeconds", "readyP50Ms", "readyP99Ms", "peakRssMiB"]), ...floorOf(row) } : undefined,
      W2: wanted("W2") && row.W2 ? numbers(row.W2, ["cycleSeconds", "providerCallsPerCycle", "apiserverWritesPerCycle", "rssMiB"]) : undefined,
    }))
    .filter((size) => size.W1 || size.W2);
  const machine = record(root.machine);
  // W12 is one object in a run's own file; docs/benchmark-w12.json gathers three runs under `runs`.
  const w12Rows = root.W12 ? [root.W12] : Object.values(record(root.runs));
  return {
    source,
    provider: typeof root.provider === "string" ? root.provider : "unknown provider",
    operator: typeof root.operator === "string" ? root.operator : undefined,
    day: typeof root.date === "string" ? root.date.slice(0, 10) : undefined,
    cpus: typeof machine.cpus === "number" ? machine.cpus : undefined,
    allSizes,
    sizes,
    W4: wanted("W4") ? list(root.W4).map((row) => numbers(row, ["unrelatedSecrets", "rssMiB"])) : [],
    W10: wanted("W10")
      ? list(root.W10).map((row) => ({ layout: String(record(row).layout ?? "?"), ...numbers(row, ["deployments", "allSecretsUpdatedSeconds", "allPatchedSeconds", "firstRolledSeconds", "rolledP50Seconds", "allRolledSeconds", "restartsMin", "restartsMax"]) }))
      : [],
    W12: wanted("W12")
      ? w12Rows.map((row) => ({ backend: String(record(row).backend ?? root.provider ?? "?"), ...numbers(row, ["pushSecrets", "changedSources", "idleCycleSeconds", "idleProviderWrites", "idleApiserverWrites", "idleProviderReads", "changePushedSeconds"]) }))
      : [],
  };
}

/** The floor and W1's ratio to it: the medians of a run with --repeats (W1's too), else the one pair. */
function floorOf(row: Record<string, unknown>): { floorSeconds?: number; floorRatio?: number; medianAllReadySeconds?: number } {
  const w1 = numbers(row.W1, ["medianFloorSeconds", "medianFloorRatio", "floorRatio", "medianAllReadySeconds"]);
  const floor = numbers(row.floor, ["floorSeconds"]);
  const floorSeconds = w1.medianFloorSeconds ?? floor.floorSeconds;
  const floorRatio = w1.medianFloorRatio ?? w1.floorRatio;
  const median = w1.medianAllReadySeconds;
  return { ...(floorSeconds === undefined ? {} : { floorSeconds }), ...(floorRatio === undefined ? {} : { floorRatio }), ...(median === undefined ? {} : { medianAllReadySeconds: median }) };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function numbers<K extends string>(value: unknown, keys: readonly K[]): Partial<Record<K, number>> {
  const source = record(value);
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const field = source[key];
    if (typeof field === "number" && Number.isFinite(field)) out[key] = field;
  }
  return out;
}
