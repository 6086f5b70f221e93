// Prints the benchmark's numbers as tables and writes them as JSON.
import { writeFileSync } from "node:fs";

const fmt = (value: unknown): string =>
  typeof value !== "number" ? String(value) : Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 2 : 1);

export function table(title: string, rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return `${title}: (no rows)\n`;
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => fmt(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [`### ${title}`, "", line(columns), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map((r) => line(columns.map((c) => fmt(r[c])))), ""].join("\n");
}

export function writeJson(path: string, data: unknown): void {
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
