// Values the tests plant in providers, recorded for the whole run: test/e2e/zz-planted-sweep.test.ts (the
// last file of `npm test`) searches every status, Event and operator log of the run for each of them.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadBench } from "./bench.ts";

const registry = (): string => join(loadBench().dir, "planted-values.txt");

/** A fresh value (`<label>-<16 hex>`), remembered for the run's sweep. */
export function planted(label = "planted"): string {
  const value = `${label}-${randomBytes(8).toString("hex")}`;
  rememberForSweep(value);
  return value;
}

/** A value made elsewhere (a generator's output) that must not leak either, remembered for the run's sweep. */
export function rememberForSweep(value: string): void {
  appendFileSync(registry(), `${value}\n`);
}

/** Every value planted so far in this run. */
export function plantedValues(): string[] {
  const file = registry();
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
}

/** The forms a leaked value takes: raw, JSON/Go-quoted, upper- and lower-cased, base64. */
export function leakForms(value: string): string[] {
  return [value, JSON.stringify(value), value.toUpperCase(), value.toLowerCase(), Buffer.from(value).toString("base64")];
}
