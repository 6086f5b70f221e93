// `npm run bench:plot`: SVG charts from recorded benchmark results, without running the benchmark.
//   node test/bench/benchmark/plot/main.ts docs/benchmark-fake.json docs/benchmark-w10.json:W10 --out docs/charts
// A `:W4,W10` suffix keeps only those scenarios of a file (see results.ts). `npm run bench -- --plot` draws a
// run's own results through the same writeCharts.
import { Command } from "commander";
import { readFileSync } from "node:fs";
import { writeCharts } from "./plot.ts";
import { parseInput, runFromResults } from "./results.ts";

const program = new Command("bench-plot")
  .argument("<results...>", "benchmark result JSON files, each optionally with :W1,W2,... to keep only those scenarios")
  .option("--out <dir>", "where the SVG files go", "docs/charts");
program.parse();
const { out } = program.opts<{ out: string }>();
const runs = program.args.map((arg) => {
  const input = parseInput(arg);
  return runFromResults(JSON.parse(readFileSync(input.path, "utf8")), input.path, input.only);
});
for (const path of writeCharts(runs, out)) console.log(path);
