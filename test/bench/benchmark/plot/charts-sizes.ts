// The figures by ExternalSecret count, one series per provider run: W1 time to Ready, W2 provider calls and
// apiserver writes in an idle cycle, and operator RSS (W1 peak, W2 after the idle cycle).
import type { Figure, Series } from "./chart.ts";
import { bar, machineAndDays, providerStyles, runNames, unique } from "./charts-common.ts";
import { formatNumber } from "./format.ts";
import type { Run, W1, W2 } from "./results.ts";

const SET_UP = "N ExternalSecrets over 100 keys in 50 namespaces";
const X_LABEL = "ExternalSecrets (N)";

export function sizeFigures(allRuns: Run[]): Figure[] {
  const runs = allRuns.filter((run) => run.sizes.length > 0);
  if (runs.length === 0) return [];
  const styleOf = providerStyles(allRuns);
  const names = runNames(runs);
  const sizes = unique(runs.flatMap((run) => run.sizes.map((size) => size.n))).sort((a, b) => a - b);
  const categories = sizes.map((n) => formatNumber(n));
  const about = machineAndDays(runs);
  // One series per run, a bar per size; `pick` turns that size's W1/W2 into a bar (or none).
  const seriesOf = (pick: (w1: W1 | undefined, w2: W2 | undefined) => ReturnType<typeof bar>): Series[] =>
    runs.map((run, i) => ({
      name: names[i]!,
      style: styleOf(run.provider),
      bars: sizes.map((n) => {
        const size = run.sizes.find((s) => s.n === n);
        return size ? pick(size.W1, size.W2) : undefined;
      }),
    }));
  const cycles = unique(runs.flatMap((run) => run.sizes.map((size) => size.W2?.cycleSeconds)).filter((s) => s !== undefined));
  const cycle = cycles.length === 1 ? `${cycles[0]} s cycle` : "cycle";
  const figures: Figure[] = [
    {
      file: "time-to-ready.svg",
      title: "W1 burst create: time to Ready by size",
      subtitle: `${SET_UP} created at once; ${about}`,
      footnote: "Bar: until every ExternalSecret was Ready. Marks: p50 and p99 of one ExternalSecret's time from create to Ready.",
      width: 760,
      height: 420,
      panels: [
        {
          title: "Time to Ready",
          categories,
          xLabel: X_LABEL,
          yLabel: "seconds",
          decimals: 1,
          marks: ["p50 of one ExternalSecret", "p99"],
          series: seriesOf((w1) => bar(w1?.allReadySeconds, [ms(w1?.readyP50Ms), ms(w1?.readyP99Ms)])),
        },
      ],
    },
    {
      file: "idle-cycle.svg",
      title: `W2 one idle refresh ${cycle}: provider calls and apiserver writes`,
      subtitle: `${SET_UP}, nothing changed at the provider; ${about}`,
      footnote: "Calls counted at the provider (fake: its counter, OpenBao: audit log, moto: its proxy); writes from kube-apiserver's request counter.",
      width: 760,
      height: 420,
      panels: [
        { title: `Provider calls per ${cycle}`, categories, xLabel: X_LABEL, yLabel: "calls", decimals: 0, integer: true, series: seriesOf((_, w2) => bar(w2?.providerCallsPerCycle)) },
        { title: `Apiserver writes per ${cycle}`, categories, xLabel: X_LABEL, yLabel: "writes", decimals: 0, integer: true, series: seriesOf((_, w2) => bar(w2?.apiserverWritesPerCycle)) },
      ],
    },
    {
      file: "rss.svg",
      title: "Operator memory (RSS) by size",
      subtitle: `${SET_UP}; ${howRun(runs)}; ${about}`,
      footnote: "Bar: peak RSS during the burst create (W1). Mark: RSS after the idle refresh cycle that follows (W2).",
      width: 760,
      height: 420,
      panels: [
        {
          title: "Operator RSS",
          categories,
          xLabel: X_LABEL,
          yLabel: "MiB",
          decimals: 0,
          marks: ["after one idle cycle (W2)"],
          series: seriesOf((w1, w2) => bar(w1?.peakRssMiB, [w2?.rssMiB])),
        },
      ],
    },
  ];
  const floored = runs.filter((run) => run.sizes.some((size) => size.W1?.floorSeconds !== undefined));
  if (floored.length > 0) figures.push(floorFigure(floored, sizes, categories, about, styleOf));
  return figures;
}

/** W1 against its floor (issue 22): the burst's time next to the same writes made alone, and the ratio (goal 1.25). */
function floorFigure(runs: Run[], sizes: number[], categories: string[], about: string, styleOf: ReturnType<typeof providerStyles>): Figure {
  const names = runNames(runs);
  const seriesOf = (pick: (w1: W1 | undefined) => ReturnType<typeof bar>): Series[] =>
    runs.map((run, i) => ({ name: names[i]!, style: styleOf(run.provider), bars: sizes.map((n) => pick(run.sizes.find((s) => s.n === n)?.W1)) }));
  return {
    file: "burst-floor.svg",
    title: "W1 burst create against its floor",
    subtitle: `${SET_UP}; the floor: the same writes alone (N Secret creates + N status patches, 8 workers, no operator); ${about}`,
    footnote: "Left bar: until every ExternalSecret was Ready; mark: the floor. Right: W1 / floor (goal: at most 1.25). Medians where the run repeated the pair.",
    width: 760,
    height: 420,
    panels: [
      { title: "Time to all Ready", categories, xLabel: X_LABEL, yLabel: "seconds", decimals: 1, marks: ["floor"], series: seriesOf((w1) => bar(w1?.medianAllReadySeconds ?? w1?.allReadySeconds, [w1?.floorSeconds])) },
      { title: "W1 / floor", categories, xLabel: X_LABEL, yLabel: "ratio", decimals: 2, series: seriesOf((w1) => bar(w1?.floorRatio)) },
    ],
  };
}

/** How the runs ran the operator: the image's compiled JavaScript (since 2026-12-04) or its TypeScript sources. */
function howRun(runs: Run[]): string {
  const kinds = unique(runs.map((run) => (run.operator?.includes("dist/") ? "compiled" : "sources")));
  if (kinds.length > 1) return "operator compiled (newer runs) or from its TypeScript sources (older)";
  return kinds[0] === "compiled" ? "the operator compiled, as the image runs it" : "the operator run from its TypeScript sources";
}

const ms = (value: number | undefined) => (value === undefined ? undefined : value / 1000);
