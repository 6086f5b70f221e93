// Go's number syntax checks on tenant text (strconv.ParseFloat for template values, number literals in
// template source) with our constant JS patterns: same answers, and linear on long digit runs (the long
// inputs would take minutes with the former patterns, which backtracked quadratically).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseGoFloat } from "../../../src/template/convert.ts";
import { parseNumber } from "../../../src/template/unquote.ts";

const DIGITS = "1".repeat(200_000);

describe("parseGoFloat", () => {
  const table = [
    { name: "integer", given: "42", want: 42 },
    { name: "fraction", given: "3.25", want: 3.25 },
    { name: "trailing point", given: "3.", want: 3 },
    { name: "leading point", given: ".5", want: 0.5 },
    { name: "exponent", given: "-1.5e3", want: -1500 },
    { name: "underscores between digits", given: "1_000.000_1", want: 1000.0001 },
    { name: "underscore after the point", given: "1._5", want: undefined },
    { name: "doubled underscore", given: "1__0", want: undefined },
    { name: "a lone point", given: ".", want: undefined },
    { name: "text", given: "1x", want: undefined },
    { name: "a long digit run then text", given: `${DIGITS}x`, want: undefined },
    { name: "a long digit run with an exponent then text", given: `${DIGITS}e${DIGITS}x`, want: undefined },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(parseGoFloat(given), want));
});

describe("parseNumber (template number literals)", () => {
  it("reads a float literal", () => assert.equal(parseNumber("2.50", 1).float, 2.5));
  it("rejects a long digit run then text as Go does", () => assert.throws(() => parseNumber(`${DIGITS}.5.`, 1), /illegal number syntax/));
});
