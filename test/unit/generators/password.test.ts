// Passwords meet their policy exactly (property tests over random policies), ESO's defaults and encodings,
// and impossible or absurd policies are refused before any work.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { base32, encodePassword } from "../../../src/generators/encodings.ts";
import { password, passwordPolicy } from "../../../src/generators/password.ts";
import { DEFAULT_SYMBOLS, DIGITS, LOWER, policyProblem, randomPassword, UPPER, type PasswordPolicy } from "../../../src/generators/password-policy.ts";
import { GeneratorError } from "../../../src/generators/types.ts";
import { PasswordSpec } from "../../../src/api/generators.ts";

const count = (text: string[], set: string) => text.filter((ch) => set.includes(ch)).length;
// Symbol sets drawn from ESO's default set: disjoint from letters and digits, so each class is countable.
const symbolSet = fc.uniqueArray(fc.constantFrom(...Array.from(DEFAULT_SYMBOLS)), { minLength: 1, maxLength: DEFAULT_SYMBOLS.length }).map((chars) => chars.join(""));

const feasiblePolicy: fc.Arbitrary<PasswordPolicy> = fc
  .record({ length: fc.integer({ min: 1, max: 200 }), digitShare: fc.double({ min: 0, max: 1, noNaN: true }), symbolShare: fc.double({ min: 0, max: 1, noNaN: true }), symbolCharacters: symbolSet, noUpper: fc.boolean(), allowRepeat: fc.boolean() })
  .map(({ length, digitShare, symbolShare, ...rest }) => {
    const digits = Math.floor(length * digitShare);
    return { length, digits, symbols: Math.floor((length - digits) * symbolShare), ...rest };
  })
  .filter((policy) => policyProblem(policy) === undefined);

describe("Password policy (property)", () => {
  it("length, digit count, symbol count, symbol set, noUpper and allowRepeat hold exactly", () => {
    fc.assert(
      fc.property(feasiblePolicy, (policy) => {
        const chars = Array.from(randomPassword(policy));
        assert.equal(chars.length, policy.length);
        assert.equal(count(chars, DIGITS), policy.digits);
        assert.equal(count(chars, policy.symbolCharacters), policy.symbols);
        assert.equal(count(chars, LOWER) + count(chars, UPPER), policy.length - policy.digits - policy.symbols);
        if (policy.noUpper) assert.equal(count(chars, UPPER), 0);
        if (!policy.allowRepeat) assert.equal(new Set(chars).size, chars.length, "no character twice");
        for (const ch of chars) assert.ok((LOWER + UPPER + DIGITS + policy.symbolCharacters).includes(ch), `unexpected ${ch}`);
      }),
      { numRuns: 500 },
    );
  });

  it("an overlapping symbol set never yields a repeat or a wrong length when the policy is accepted", () => {
    const overlapping = fc.uniqueArray(fc.constantFrom(...Array.from(`${DIGITS}abcXYZ!?`)), { minLength: 1 }).map((c) => c.join(""));
    const policy = fc.record({ length: fc.integer({ min: 1, max: 40 }), digits: fc.integer({ min: 0, max: 12 }), symbols: fc.integer({ min: 0, max: 12 }), symbolCharacters: overlapping, noUpper: fc.boolean(), allowRepeat: fc.constant(false) });
    fc.assert(
      fc.property(policy, (p) => {
        if (policyProblem(p) !== undefined) return;
        const chars = Array.from(randomPassword(p));
        assert.equal(chars.length, p.length);
        assert.equal(new Set(chars).size, chars.length);
      }),
      { numRuns: 500 },
    );
  });

  it("an infeasible policy is named, never attempted", () => {
    const base = { symbolCharacters: DEFAULT_SYMBOLS, noUpper: false, allowRepeat: false };
    const table: Array<{ name: string; given: PasswordPolicy; want: RegExp }> = [
      { name: "digits + symbols over the length", given: { ...base, length: 4, digits: 3, symbols: 2 }, want: /exceed the length/ },
      { name: "more letters than exist without repeats", given: { ...base, length: 60, digits: 0, symbols: 0 }, want: /letters without repeats/ },
      { name: "noUpper halves the letters", given: { ...base, length: 27, digits: 0, symbols: 0, noUpper: true }, want: /26 available/ },
      { name: "eleven distinct digits", given: { ...base, length: 20, digits: 11, symbols: 0 }, want: /digits without repeats/ },
      { name: "more symbols than symbolCharacters", given: { ...base, length: 20, digits: 0, symbols: 3, symbolCharacters: "!?" }, want: /symbols without repeats/ },
      { name: "symbols without characters", given: { ...base, length: 20, digits: 0, symbols: 1, symbolCharacters: "" }, want: /symbolCharacters is empty/ },
      { name: "symbols that can eat the digits", given: { ...base, length: 20, digits: 10, symbols: 1, symbolCharacters: "0" }, want: /overlap/ },
    ];
    for (const c of table) assert.match(policyProblem(c.given) ?? "", c.want, c.name);
    assert.equal(policyProblem({ ...base, length: 60, digits: 0, symbols: 0, allowRepeat: true }), undefined, "repeats lift the limits");
  });
});

describe("Password generator (ESO's spec)", () => {
  it("ESO's defaults: length 24, 6 digits, 6 symbols from ESO's set, upper case allowed, no repeats, key password", async () => {
    assert.deepEqual(passwordPolicy({}), { length: 24, digits: 6, symbols: 6, symbolCharacters: DEFAULT_SYMBOLS, noUpper: false, allowRepeat: false });
    assert.equal(passwordPolicy({ length: 0 }).length, 24, "0 means the default, as ESO");
    assert.deepEqual(passwordPolicy({ length: 10 }), { ...passwordPolicy({}), length: 10, digits: 2, symbols: 2 }, "25% rounded down");
    const out = await password.generate({});
    assert.deepEqual(Object.keys(out), ["password"]);
    assert.equal(Buffer.from(out.password!).toString().length, 24);
  });

  it("secretKeys: one independent password per key; duplicates refused", async () => {
    const out = await password.generate({ secretKeys: ["a", "b", "c"], length: 32 });
    assert.deepEqual(Object.keys(out), ["a", "b", "c"]);
    assert.equal(new Set(Object.values(out).map((v) => Buffer.from(v).toString())).size, 3);
    await assert.rejects(password.generate({ secretKeys: ["a", "a"] }), GeneratorError);
  });

  it("an impossible policy is a GeneratorError naming the rule", async () => {
    await assert.rejects(password.generate({ length: 8, digits: 5, symbols: 5 }), (err: Error) => err instanceof GeneratorError && /exceed the length \(8\)/.test(err.message));
  });

  it("absurd values are refused by the schema (and so by the CRD)", () => {
    for (const spec of [{ length: 1025 }, { digits: -1 }, { secretKeys: [] }, { secretKeys: Array.from({ length: 65 }, (_, i) => `k${i}`) }, { symbolCharacters: "!".repeat(257) }, { encoding: "rot13" }]) {
      assert.equal(PasswordSpec.safeParse(spec).success, false, JSON.stringify(spec).slice(0, 60));
    }
    assert.equal(PasswordSpec.safeParse({ length: 1024, allowRepeat: true }).success, true);
  });

  it("encodings as Go writes them (ESO's documented example; base64url and base32 keep their padding)", async () => {
    const table: Array<[Parameters<typeof encodePassword>[1], string]> = [
      ["raw", "Test>>Pass??word"],
      ["base64", "VGVzdD4+UGFzcz8/d29yZA=="],
      ["base64url", "VGVzdD4-UGFzcz8_d29yZA=="],
      ["base32", "KRSXG5B6HZIGC43TH47XO33SMQ======"],
      ["hex", "546573743e3e506173733f3f776f7264"],
    ];
    for (const [encoding, want] of table) assert.equal(encodePassword("Test>>Pass??word", encoding), want, encoding);
    for (const [input, want] of [["", ""], ["a", "ME======"], ["abcde", "MFRGGZDF"], ["abcdef", "MFRGGZDFMY======"]] as const) assert.equal(base32(Buffer.from(input)), want, input);
    // Any length: against a bit-string reference (the encoder keeps only the pending bits in an int).
    const reference = (bytes: Uint8Array) => {
      const bits = Array.from(bytes, (b) => b.toString(2).padStart(8, "0")).join("");
      const out = (bits.padEnd(Math.ceil(bits.length / 5) * 5, "0").match(/.{5}/g) ?? []).map((chunk) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[parseInt(chunk, 2)]).join("");
      return out.padEnd(Math.ceil(out.length / 8) * 8, "=");
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => assert.equal(base32(bytes), reference(bytes))));
    const hex = await password.generate({ encoding: "hex", length: 16 });
    assert.match(Buffer.from(hex.password!).toString(), /^[0-9a-f]{32}$/);
  });
});
