// What the chart builders share: one style per provider across every figure (fake is the same fill in each
// chart), and the "where from" line under each title.
import type { Bar } from "./chart.ts";
import type { Run } from "./results.ts";

/** Assigns style indices by first appearance: providers in input order, so the same inputs give the same fills. */
export function providerStyles(runs: Run[]): (name: string) => number {
  const styles = new Map<string, number>();
  const styleOf = (name: string) => {
    if (!styles.has(name)) styles.set(name, styles.size);
    return styles.get(name)!;
  };
  for (const run of runs) {
    styleOf(run.provider);
    for (const row of run.W12) styleOf(row.backend);
  }
  return styleOf;
}

/** "2 cores, 2026-11-22": the machines and days behind a figure, each once, in input order. */
export function machineAndDays(runs: Run[]): string {
  const cores = unique(runs.map((run) => run.cpus).filter((cpus) => cpus !== undefined)).map((cpus) => `${cpus} cores`);
  const days = unique(runs.map((run) => run.day).filter((day) => day !== undefined));
  return [...cores, ...days].join(", ");
}

/**
 * The series name of each run: its provider, plus its day where two runs of the same provider are drawn
 * side by side (otherwise the legend would show one name for two fills).
 */
export function runNames(runs: Run[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.provider, (counts.get(run.provider) ?? 0) + 1);
  return runs.map((run) => (counts.get(run.provider)! > 1 ? `${run.provider} (${run.day ?? run.source})` : run.provider));
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** A bar if the value was measured. */
export function bar(value: number | undefined, marks?: Array<number | undefined>): Bar | undefined {
  return value === undefined ? undefined : marks ? { value, marks } : { value };
}
