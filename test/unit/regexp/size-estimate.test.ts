import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { RE2JS } from "re2js";
import { estimateProgramSize, MAX_PROGRAM } from "../../../src/regexp/size-estimate.ts";
import { GoRegexp, GoRegexpError } from "../../../src/regexp/index.ts";

describe("estimateProgramSize", () => {
  const table = [
    { name: "literal", given: "abc", atMost: 10 },
    { name: "class and escapes", given: "^[a-z\\]]+\\d\\p{Greek}$", atMost: 20 },
    { name: "counted repeat", given: "a{1000}", atLeast: 1000 },
    { name: "nested counted repeats multiply", given: "(a{100}b){100}", atLeast: 10_000 },
    { name: "alternatives add up", given: Array.from({ length: 100 }, (_, i) => `${"x".repeat((i % 7) + 1)}y{1000}`).join("|"), atLeast: 100_000 },
    { name: "a brace that is no repeat is a literal", given: "a{b}", atMost: 10 },
  ];
  for (const c of table) {
    it(c.name, () => {
      const size = estimateProgramSize(c.given);
      if (c.atMost !== undefined) assert.ok(size <= c.atMost, `${size}`);
      if (c.atLeast !== undefined) assert.ok(size >= c.atLeast, `${size}`);
    });
  }

  it("refuses a pattern whose program would be too large, with Go's message, before compiling it", () => {
    const big = Array.from({ length: 100 }, (_, i) => `${"x".repeat((i % 7) + 1)}y{1000}`).join("|");
    assert.throws(() => GoRegexp.compile(big), (err: unknown) => err instanceof GoRegexpError && /^error parsing regexp: expression too large/.test(err.message));
  });

  it("property: the estimate bounds re2js's program size for patterns it accepts", () => {
    const atom = fc.constantFrom("a", "b", ".", "[a-z]", "\\d", "(?:ab)");
    const piece = fc.tuple(atom, fc.constantFrom("", "*", "+", "?", "{2}", "{3,5}", "{10}", "{0,20}")).map(([a, q]) => a + q);
    const pattern = fc.array(fc.oneof(piece, fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => `(${p.join("")}){4}`)), { minLength: 1, maxLength: 8 }).map((p) => p.join(""));
    fc.assert(
      fc.property(pattern, (p) => {
        const size = RE2JS.compile(p).programSize();
        return estimateProgramSize(p) * 4 + 8 >= size && size < MAX_PROGRAM;
      }),
      { numRuns: 300 },
    );
  });
});
