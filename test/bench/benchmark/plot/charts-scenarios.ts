// The figures of the single-size scenarios: W4 (RSS against unrelated Secrets), W10 (rollout restarts after one
// rotation) and W12 (PushSecrets: writes at rest, reads, how fast a change is pushed).
import type { Figure } from "./chart.ts";
import { bar, machineAndDays, providerStyles, unique } from "./charts-common.ts";
import { formatNumber } from "./format.ts";
import type { Run } from "./results.ts";

export function scenarioFigures(runs: Run[]): Figure[] {
  return [w4Figure(runs), w10Figure(runs), w12Figure(runs)].filter((figure) => figure !== undefined);
}

function w4Figure(allRuns: Run[]): Figure | undefined {
  const runs = allRuns.filter((run) => run.W4.length > 0);
  if (runs.length === 0) return undefined;
  // Styled by run, not by provider: W4 runs are usually one provider at different sizes (the 10,000 and 1,000 runs).
  const counts = unique(runs.flatMap((run) => run.W4.map((row) => row.unrelatedSecrets)).filter((n) => n !== undefined)).sort((a, b) => a - b);
  return {
    file: "rss-unrelated-secrets.svg",
    title: "W4 operator RSS with unrelated Secrets in the cluster",
    subtitle: `Secrets the operator does not manage, created next to its ExternalSecrets; ${machineAndDays(runs)}`,
    footnote: "Each series is one run, named by the ExternalSecrets it managed meanwhile.",
    width: 760,
    height: 420,
    panels: [
      {
        title: "Operator RSS",
        categories: counts.map((n) => formatNumber(n)),
        xLabel: "unrelated Secrets in the cluster",
        yLabel: "MiB",
        decimals: 0,
        series: runs.map((run, i) => ({
          name: `${run.provider}, ${formatNumber(run.allSizes[run.allSizes.length - 1] ?? 0)} ExternalSecrets (${run.day ?? run.source})`,
          style: i,
          bars: counts.map((n) => bar(run.W4.find((row) => row.unrelatedSecrets === n)?.rssMiB)),
        })),
      },
    ],
  };
}

function w10Figure(allRuns: Run[]): Figure | undefined {
  const runs = allRuns.filter((run) => run.W10.length > 0);
  if (runs.length === 0) return undefined;
  const rows = runs.flatMap((run) => run.W10);
  const deployments = unique(rows.map((row) => row.deployments).filter((n) => n !== undefined));
  const measures = [
    { name: "every Secret updated", value: (i: number) => rows[i]!.allSecretsUpdatedSeconds },
    { name: "first Deployment rolled", value: (i: number) => rows[i]!.firstRolledSeconds },
    { name: "median Deployment rolled", value: (i: number) => rows[i]!.rolledP50Seconds },
    { name: "last Deployment rolled", value: (i: number) => rows[i]!.allRolledSeconds },
  ];
  const restarts = rows.map((row) => `${row.layout}: ${row.restartsMin ?? "?"} to ${row.restartsMax ?? "?"}`).join("; ");
  return {
    file: "rollout-restarts.svg",
    title: "W10 rollout restarts after one key rotation",
    subtitle: `${deployments.length === 1 ? formatNumber(deployments[0]!) : "N"} Deployments, each fed by its own ExternalSecret of the rotated key; default restart budget; ${machineAndDays(runs)}`,
    footnote: `Restarts per Deployment, min to max (goal: exactly 1): ${restarts}.`,
    width: 860,
    height: 420,
    panels: [
      {
        title: "Seconds from the rotation",
        categories: rows.map((row) => row.layout),
        xLabel: "layout (namespaces x Deployments each)",
        yLabel: "seconds",
        decimals: 1,
        series: measures.map((measure, style) => ({ name: measure.name, style, bars: rows.map((_, i) => bar(measure.value(i))) })),
      },
    ],
  };
}

function w12Figure(allRuns: Run[]): Figure | undefined {
  const runs = allRuns.filter((run) => run.W12.length > 0);
  if (runs.length === 0) return undefined;
  const styleOf = providerStyles(allRuns);
  const rows = runs.flatMap((run) => run.W12);
  const series = (pick: (row: (typeof rows)[number]) => Array<number | undefined>) => rows.map((row) => ({ name: row.backend, style: styleOf(row.backend), bars: pick(row).map((value) => bar(value)) }));
  const one = <T>(values: Array<T | undefined>): T | undefined => {
    const distinct = unique(values.filter((v) => v !== undefined));
    return distinct.length === 1 ? distinct[0] : undefined;
  };
  const pushSecrets = one(rows.map((row) => row.pushSecrets));
  const cycle = one(rows.map((row) => row.idleCycleSeconds));
  const changed = one(rows.map((row) => row.changedSources));
  const cycleText = cycle === undefined ? "idle cycle" : `idle ${cycle} s cycle`;
  return {
    file: "push-secrets.svg",
    title: "W12 PushSecrets: writes and reads at rest, time to push a change",
    subtitle: `${pushSecrets === undefined ? "N" : formatNumber(pushSecrets)} PushSecrets, one key each, measured one interval after creation; ${machineAndDays(runs)}`,
    footnote: "Writes and reads counted at the provider (fake: its counter, OpenBao: audit log, moto: its proxy) and at kube-apiserver.",
    width: 900,
    height: 420,
    panels: [
      { title: `Writes per ${cycleText}`, categories: ["provider", "apiserver"], xLabel: "where the writes land", yLabel: "writes", decimals: 0, integer: true, series: series((row) => [row.idleProviderWrites, row.idleApiserverWrites]) },
      { title: `Provider reads per ${cycleText}`, categories: ["reads"], xLabel: "comparisons with the provider", yLabel: "reads", decimals: 0, integer: true, series: series((row) => [row.idleProviderReads]) },
      { title: "Change pushed after", categories: [`${changed === undefined ? "N" : changed} sources changed`], xLabel: "until every change reached the provider", yLabel: "seconds", decimals: 2, series: series((row) => [row.changePushedSeconds]) },
    ],
  };
}
