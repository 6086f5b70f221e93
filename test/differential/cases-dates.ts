// Differential cases for Sprig's toDate/mustToDate (Go's time.Parse with its layouts, widths, ranges and error
// texts) and duration (string or int64 seconds only). Values with a zone offset other than UTC or with
// sub-millisecond digits are left out: the engine keeps UTC milliseconds (README: Templates, not supported).
import fc from "fast-check";
import type { Case } from "./go-render.ts";

const q = (s: string) => JSON.stringify(s);
const LAYOUTS = ["2006-01-02", "2006-01-02T15:04:05Z07:00", "02 Jan 06 15:04 MST", "Monday, 02-Jan-06 15:04:05 MST", "Jan _2 15:04:05", "2006-01-02 15:04:05.000", "2006.002", "3:04PM", "3:04:05 pm", "January 2, 2006", "20060102150405", "2006-1-2", "15:04:05", "2006", "06/01/02", "2006-01-02T15:04:05.999Z07:00"];
const VALUES = ["2020-02-29", "2021-02-29", "2020-13-01", "2020-00-10", "2020-1-5", "2020-01-02T03:04:05Z", "2020-01-02T03:04:05.5Z", "2020-01-02T03:04:05.123Z", "02 Jan 20 15:04 UTC", "Sunday, 12-Jan-20 15:04:05 UTC", "Feb  3 04:05:06", "Feb 13 04:05:06", "2006-01-02 15:04:05.123", "2006-01-02 15:04:05.12", "2020.060", "2021.366", "3:04PM", "12:00AM", "12:30:00 pm", "March 7, 2021", "march 7, 2021", "20200102030405", "2020-01-32", "25:00:00", "23:60:00", "2020", "20", "", "2020-01-02 extra", "x", "99/12/31", "69/01/01", "68/01/01"];

export const dateCases: Case[] = LAYOUTS.map((layout) => ({
  name: `toDate ${layout}`,
  template: VALUES.map((v) => `{{ toDate ${q(layout)} ${q(v)} | unixEpoch }} {{ toDate ${q(layout)} ${q(v)} }} {{ with $e := (mustToDate ${q(layout)} ${q(v)}) }}ok{{ end }}\n`).join(""),
})).flatMap((c) => [
  { name: c.name, template: c.template.replace(/ \{\{ with \$e[^\n]*\}\}/g, "") },
  // mustToDate one value per case: its first error ends the render.
  ...VALUES.map((v) => ({ name: `${c.name} must ${v}`, template: `{{ mustToDate ${q(c.name.slice(7))} ${q(v)} }}` })),
]).concat(
  ['"3"', '"+3"', '"-90"', '"0x10"', '"1_000"', '"3.5"', '" 3"', "(int64 3)", "(int64 -3)", "3", "3.5", "true", '"99999999999999999999"', '"-99999999999999999999"', '"9223372036854"', "(int64 9223372036)"].map((d) => ({ name: `duration ${d}`, template: `{{ duration ${d} }}` })),
);

/** Random UTC instants printed with a random layout, then maybe one character changed: toDate must agree on both. */
export function generatedDateCases(count: number, seed: number): Case[] {
  const instant = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2099, 11, 31) });
  const arb = fc.tuple(fc.constantFrom(...LAYOUTS.filter((l) => !l.includes("Z07"))), instant, fc.nat(40), fc.constantFrom("0", "9", " ", "-", "a", ":", ""));
  return fc.sample(arb, { numRuns: count, seed }).map(([layout, ms, at, ch]) => ({
    name: "generated toDate",
    template: `{{ $s := date ${q(layout)} (toDate "2006-01-02T15:04:05Z07:00" ${q(new Date(ms - (ms % 1000)).toISOString().replace(".000Z", "Z"))}) }}{{ $t := printf "%s%s%s" (substr 0 ${at} $s) ${q(ch)} (substr ${at + (ch === "" ? 1 : 0)} 99 $s) }}{{ $t }} {{ toDate ${q(layout)} $t | unixEpoch }} {{ toDate ${q(layout)} $t }}`,
  }));
}
