// dataFrom.rewrite.merge as ESO 2.9's RewriteMerge: strategies, priority, conflicts, Go's JSON bytes, limits.
// Expected bytes were produced by Go 1.24's encoding/json and strconv (the calls ESO makes); during development
// 6,000 random inputs (nested documents, escapes, number spellings, duplicate fields, non-objects) also gave
// Go's bytes for both strategies.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { jsonDepth, MERGE_INPUT_BYTES, MERGE_MAX_DEPTH, mergeRewrite, type MergeRule } from "../../../src/reconcilers/external-secret/rewrite-merge.ts";
import { rewriteMap } from "../../../src/reconcilers/external-secret/shaping.ts";
import { ConfigError, ProviderError, ResponseTooLargeError } from "../../../src/provider/errors.ts";

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const input = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, bytes(v)]));
const text = (out: Record<string, Uint8Array>) => Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Buffer.from(v).toString("utf8")]));

const creds = { "mongo-credentials": '{"USERNAME":"XXXX","PASSWORD":"YYYY"}', "object-storage-credentials": '{"ACCESS_KEY":"XXXX","SECRET_KEY":"YYYY"}' };
const goValues = '{"z":1e21,"a":"<&>\\u2028","n":null,"f":1.5e-7,"i":12345678901234567890,"neg":-0,"t":true,"nest":{"b":"<x>","a":[1,2.50,true]}}';

describe("mergeRewrite", () => {
  const table: { name: string; given: Record<string, string>; rule: MergeRule; want: Record<string, string> }[] = [
    { name: "merge: {} hoists every field (ESO's guide example)", given: creds, rule: {}, want: { USERNAME: "XXXX", PASSWORD: "YYYY", ACCESS_KEY: "XXXX", SECRET_KEY: "YYYY" } },
    {
      name: "Extract: values as GetByteValue makes them (floats without exponent, null empty, nested json.Marshal with HTML escaping)",
      given: { k: goValues },
      rule: { strategy: "Extract" },
      want: { z: "1000000000000000000000", a: "<&>\u2028", n: "", f: "0.00000015", i: "12345678901234567000", neg: "-0", t: "true", nest: '{"a":[1,2.5,true],"b":"\\u003cx\\u003e"}' },
    },
    {
      name: "JSON: the merged object under into, keys sorted, no HTML escaping, U+2028 escaped, Go floats; other keys kept",
      given: { k: goValues, other: "null" },
      rule: { strategy: "JSON", into: "all" },
      want: { k: goValues, other: "null", all: '{"a":"<&>\\u2028","f":1.5e-7,"i":12345678901234567000,"n":null,"neg":-0,"nest":{"a":[1,2.5,true],"b":"<x>"},"t":true,"z":1e+21}' },
    },
    { name: "JSON: into replaces an existing key of that name", given: { all: '{"a":"1"}', b: '{"b":"2"}' }, rule: { strategy: "JSON", into: "all" }, want: { all: '{"a":"1","b":"2"}', b: '{"b":"2"}' } },
    { name: "later keys win in Go's sort order when conflicts are ignored", given: { b: '{"x":"from b"}', a: '{"x":"from a"}', B: '{"x":"from B"}' }, rule: { conflictPolicy: "Ignore" }, want: { x: "from b" } },
    { name: "priority keys go last, in the order given", given: { a: '{"x":"a"}', b: '{"x":"b"}', c: '{"x":"c"}' }, rule: { conflictPolicy: "Ignore", priority: ["c", "a"] }, want: { x: "a" } },
    { name: "IgnoreNotFound skips a priority key that is absent", given: { a: '{"x":"a"}' }, rule: { priority: ["gone"], priorityPolicy: "IgnoreNotFound" }, want: { x: "a" } },
    { name: "a null value is an empty object", given: { a: "null", b: '{"x":"b"}' }, rule: {}, want: { x: "b" } },
    { name: "duplicate fields inside one value: the last wins, no conflict", given: { a: '{"x":"1","x":"2"}' }, rule: {}, want: { x: "2" } },
    { name: "a field named __proto__ stays a key", given: { a: '{"__proto__":"p"}' }, rule: {}, want: JSON.parse('{"__proto__":"p"}') },
    { name: "empty input gives an empty map (Extract)", given: {}, rule: {}, want: {} },
    { name: "empty input gives {} under into (JSON)", given: {}, rule: { strategy: "JSON", into: "all" }, want: { all: "{}" } },
  ];
  for (const c of table) {
    it(c.name, () => {
      const got = text(mergeRewrite(input(c.given), c.rule));
      assert.deepEqual(Object.keys(got).sort(), Object.keys(c.want).sort());
      for (const key of Object.keys(c.want)) assert.equal(got[key], c.want[key], key);
    });
  }

  const failures: { name: string; given: Record<string, string>; rule: MergeRule; error: new (...a: never[]) => Error; message: RegExp }[] = [
    { name: "conflicts are errors by default, named in processing order", given: { a: '{"x":"1","y":"1"}', b: '{"y":"2","x":"2"}', c: '{"x":"3"}' }, rule: {}, error: ProviderError, message: /^merge failed with conflicts: x, y, x$/ },
    { name: "a missing priority key is an error under Strict", given: { a: '{"x":"1"}' }, rule: { priority: ["gone"] }, error: ProviderError, message: /^merge failed with key "gone" not found in input map$/ },
    { name: "a value that is not JSON", given: { a: "s3cr3t-not-json" }, rule: {}, error: ProviderError, message: /^merge failed with failed to unmarshal JSON: the value of key "a" is not valid JSON$/ },
    { name: "an array", given: { a: "[1]" }, rule: {}, error: ProviderError, message: /cannot unmarshal array into Go value of type map\[string\]interface \{\} \(key "a"\)/ },
    { name: "a bool", given: { a: "true" }, rule: {}, error: ProviderError, message: /cannot unmarshal bool into Go value/ },
    { name: "a number beyond float64", given: { a: '{"n":1e400}' }, rule: {}, error: ProviderError, message: /holds a number beyond float64/ },
    { name: "JSON without into", given: { a: '{"x":"1"}' }, rule: { strategy: "JSON" }, error: ConfigError, message: /^merge failed with missing 'into' field$/ },
    { name: "too deep", given: { a: "[".repeat(MERGE_MAX_DEPTH + 1) + "]".repeat(MERGE_MAX_DEPTH + 1) }, rule: {}, error: ProviderError, message: /nests deeper than 64 levels/ },
  ];
  for (const c of failures) {
    it(`fails: ${c.name}`, () => {
      assert.throws(() => mergeRewrite(input(c.given), c.rule), (err: Error) => {
        assert.ok(err instanceof c.error, `${err.constructor.name}: ${err.message}`);
        assert.match(err.message, c.message);
        assert.ok(!err.message.includes("s3cr3t"), "no value in the message");
        return true;
      });
    });
  }

  it("bounds the input it parses", () => {
    const big = `{"x":"${"a".repeat(MERGE_INPUT_BYTES / 2)}"}`;
    assert.throws(() => mergeRewrite(input({ a: big, b: big.replace('"x"', '"y"') }), {}), ResponseTooLargeError);
  });
  it("bounds the JSON output at a Secret's size", () => {
    const half = `"${"a".repeat(600_000)}"`;
    assert.throws(() => mergeRewrite(input({ a: `{"x":${half}}`, b: `{"y":${half}}` }), { strategy: "JSON", into: "all" }), ResponseTooLargeError);
  });
  it("jsonDepth skips brackets inside strings and stops past the limit", () => {
    assert.equal(jsonDepth('{"a":"[[[[{{{","b":[{"c":"\\"["}]}', 10), 3);
    assert.equal(jsonDepth("[".repeat(1000), 5), 6);
  });
});

describe("rewriteMap", () => {
  it("applies regexp, merge and regexp in order, and names the failing rule", () => {
    const rules = [{ regexp: { source: "^path/", target: "" } }, { merge: { strategy: "JSON" as const, into: "merged" } }, { regexp: { source: "^(.*)$", target: "app-$1" } }];
    const got = text(rewriteMap(input({ "path/a": '{"x":"1"}', "path/b": '{"y":"2"}' }), rules));
    assert.deepEqual(got, { "app-a": '{"x":"1"}', "app-b": '{"y":"2"}', "app-merged": '{"x":"1","y":"2"}' });
    assert.throws(() => rewriteMap(input({ a: "nope" }), [{ regexp: { source: "a", target: "b" } }, { merge: {} }]), /: dataFrom\.rewrite\[1\]\.merge: merge failed with failed to unmarshal JSON: the value of key "b" is not valid JSON$/);
  });
});
