// Trailing-run trims on tenant text (template source before `{{-`, `base`, `b32dec`): the same results, in
// linear time after a long run of the trimmed character (a bare `x+$` rescans the run from each start).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderString, stringData } from "../../../src/template/engine.ts";

const render = (template: string, values: Record<string, string> = {}) =>
  renderString("t", template, stringData(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))]))));
const RUN = 200_000;

describe("trailing-run trims", () => {
  const table: { name: string; given: { template: string; values?: Record<string, string> }; want: string }[] = [
    { name: "{{- trims the spaces before it", given: { template: 'a \n\t{{- "b" }}' }, want: "ab" },
    { name: "{{- after a long run of spaces then text", given: { template: `${" ".repeat(RUN)}x {{- "y" }}` }, want: `${" ".repeat(RUN)}xy` },
    { name: "base trims trailing slashes", given: { template: "{{ base .p }}", values: { p: "/a/b//" } }, want: "b" },
    { name: "base after a long run of slashes", given: { template: "{{ base .p }}", values: { p: `${"/".repeat(RUN)}x` } }, want: "x" },
    { name: "b32dec with padding", given: { template: "{{ b32dec .s }}", values: { s: "MFRGG===" } }, want: "abc" },
    { name: "b32dec after a long run of = then data (Go's error text)", given: { template: "{{ b32dec .s }}", values: { s: `${"=".repeat(RUN)}MFRGG===` } }, want: "illegal base32 data at input byte 0" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(render(given.template, given.values), want));
});
