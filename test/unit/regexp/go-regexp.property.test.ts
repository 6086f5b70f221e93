// Random patterns from a small grammar (groups, alternation, classes, anchors, +, *, ? and counted
// repetition, nested quantifiers, plus fragments Go rejects) over random inputs of up to a few thousand
// characters: every pattern either compiles and every operation returns, or is rejected with the typed
// error. A backtracking engine fails this by never returning; the results also keep Go's invariants.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { GoRegexp, GoRegexpError } from "../../../src/regexp/index.ts";

const ATOMS = ["a", "b", "é", ".", "[ab]", "[^a]", "[a-c]", "\\d", "\\w", "\\s", "\\pL", "[[:alpha:]]", "^", "$", "\\b", "\\A", "\\z", "(?:)"];
// Fragments Go rejects (or that make their neighbours invalid): the typed error must be all that escapes.
const BROKEN = ["(", ")", "[", "*", "\\1", "(?=a)", "(?<=a)", "(?!a)", "a{1001}", "\\", "(?P<", "[b-a]", "\\C", "(?z)"];
const QUANTIFIERS = ["+", "*", "?", "{2}", "{1,3}", "{0,}", "+?", "*?", "??"];
const OPEN = ["(", "(?:", "(?P<g>", "(?i)(", "(?s:", "(?U:"];

const { pattern } = fc.letrec<{ pattern: string; atom: string; concat: string; alt: string; group: string; repeat: string }>((tie) => ({
  pattern: fc.oneof({ maxDepth: 5, depthIdentifier: "re" }, tie("atom"), tie("concat"), tie("alt"), tie("group"), tie("repeat")),
  atom: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...ATOMS) }, { weight: 1, arbitrary: fc.constantFrom(...BROKEN) }),
  concat: fc.array(tie("pattern"), { minLength: 2, maxLength: 4 }).map((xs) => xs.join("")),
  alt: fc.array(tie("pattern"), { minLength: 2, maxLength: 3 }).map((xs) => xs.join("|")),
  group: fc.tuple(fc.constantFrom(...OPEN), tie("pattern")).map(([open, inner]) => `${open}${inner})`),
  // Usually wrapped so the quantifier applies to the whole sub-pattern (nesting quantifiers); bare
  // sometimes, which can stack two quantifiers (a Go error).
  repeat: fc.tuple(tie("pattern"), fc.constantFrom(...QUANTIFIERS), fc.boolean()).map(([inner, q, bare]) => (bare ? `${inner}${q}` : `(?:${inner})${q}`)),
}));

const UNIT = fc.constantFrom("a", "b", "c", " ", "\n", "é", "1", "_");
// Long runs are where backtracking engines blow up: a repeated chunk, then a tail that may break the match.
const input = fc.oneof(
  fc.string({ unit: UNIT, maxLength: 40 }),
  fc.tuple(fc.string({ unit: UNIT, minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 3000 }), fc.string({ unit: UNIT, maxLength: 3 })).map(([chunk, length, tail]) => chunk.repeat(Math.ceil(length / chunk.length)).slice(0, length) + tail),
);

const bin = (text: string) => Buffer.from(text, "utf8").toString("latin1");

describe("GoRegexp on random patterns and inputs (property)", () => {
  it("compiles and runs every operation, or rejects the pattern with GoRegexpError; Go's invariants hold", () => {
    fc.assert(
      fc.property(pattern, input, (p, s) => {
        let re: GoRegexp;
        try {
          re = GoRegexp.compile(p);
        } catch (err) {
          assert.ok(err instanceof GoRegexpError, `${p}: ${String(err)}`);
          assert.match(err.message, /^error parsing regexp: .*: `/s);
          return;
        }
        const all = re.findAll(s, -1);
        assert.equal(re.test(s), all.length > 0);
        assert.deepEqual(re.findAll(s, 2), all.slice(0, 2));
        // Split's pieces are exactly the text between the matches ReplaceAll replaces.
        assert.equal(re.split(s, -1).join(""), re.replaceAllLiteral(s, ""));
        assert.ok(re.split(s, 3).length <= 3);
        assert.equal(typeof re.replaceAll(s, "<$1|${g}|$$>"), "string");
        // The byte-string form agrees with the text form on valid UTF-8.
        assert.deepEqual(GoRegexp.compile(bin(p), "latin1").findAll(bin(s), -1), all.map(bin));
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });
});
