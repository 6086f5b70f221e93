// From results to SVG files: every figure the runs have data for, drawn and written under one directory.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sizeFigures } from "./charts-sizes.ts";
import { scenarioFigures } from "./charts-scenarios.ts";
import { renderFigure } from "./figure.ts";
import type { Run } from "./results.ts";

/** The charts for these runs as { file, svg }, in a fixed order; pure, so the tests need no disk. */
export function chartsFor(runs: Run[]): Array<{ file: string; svg: string }> {
  return [...sizeFigures(runs), ...scenarioFigures(runs)].map((figure) => ({ file: figure.file, svg: renderFigure(figure) }));
}

/** Writes the charts into `outDir` (created if missing) and returns the paths written. */
export function writeCharts(runs: Run[], outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  return chartsFor(runs).map(({ file, svg }) => {
    const path = join(outDir, file);
    writeFileSync(path, svg);
    return path;
  });
}
