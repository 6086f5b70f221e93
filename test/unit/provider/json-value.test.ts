import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { explodeJson, goFormatFloatF, pickProperty, splitPath } from "../../../src/provider/json-value.ts";
import { NoSecretError, PropertyNotFoundError, ProviderError } from "../../../src/provider/errors.ts";

const doc = JSON.stringify({ user: "app", "dotted.key": "d", nested: { port: 5432, list: ["a", { b: true }] }, n: null });

describe("pickProperty (gjson subset)", () => {
  const table = [
    { name: "top-level string", given: "user", want: "app" },
    { name: "literal dotted key first", given: "dotted.key", want: "d" },
    { name: "escaped dot", given: "dotted\\.key", want: "d" },
    { name: "nested number", given: "nested.port", want: "5432" },
    { name: "array index", given: "nested.list.0", want: "a" },
    { name: "object as JSON", given: "nested.list.1", want: '{"b":true}' },
    { name: "null as empty (gjson's String())", given: "n", want: "" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(pickProperty(doc, given, "k"), want));
  // The key exists, so a missing property is never "secret gone": deletionPolicy must not act on a rename (issue 14).
  const missing = [
    { name: "a missing top-level property", given: "password" },
    { name: "a missing nested property", given: "nested.nope" },
    { name: "an index past the end of an array", given: "nested.list.5" },
    { name: "a path through a scalar", given: "user.x" },
  ];
  for (const { name, given } of missing) {
    it(`${name} is PropertyNotFoundError, not NoSecretError`, () =>
      assert.throws(() => pickProperty(doc, given, "key app/db"), (err: Error) => err instanceof PropertyNotFoundError && !(err instanceof NoSecretError) && err.message === `property "${given}" does not exist in key app/db`));
  }
  it("a non-JSON value is not NoSecretError (it must never trigger deletionPolicy)", () => {
    assert.throws(() => pickProperty("plain", "x", "k"), (err: Error) => err instanceof ProviderError && !(err instanceof NoSecretError) && !err.message.includes("plain"));
  });
  it("splitPath honours escapes", () => assert.deepEqual(splitPath("a.b\\.c.d"), ["a", "b.c", "d"]));
});

describe("explodeJson", () => {
  it("keeps strings raw and JSON-encodes the rest", () => {
    const out = explodeJson(doc, "k");
    assert.equal(Buffer.from(out.user!).toString(), "app");
    assert.equal(Buffer.from(out.nested!).toString(), '{"port":5432,"list":["a",{"b":true}]}');
    assert.equal(Buffer.from(out.n!).toString(), "");
  });
  it("refuses non-objects", () => assert.throws(() => explodeJson("[1]", "k"), ProviderError));
  it("keeps each non-string value's raw text, byte for byte (ESO: json.RawMessage)", () => {
    const raw = '{ "a" : {"b": "c",  "d" : [1, 2.50]}, "n": 1.0, "big": 12345678901234567890, "t": true, "s": "x\\u00e9\\n", "z": null, "__proto__": "p", "a": { "last" : "wins" } }';
    const out = Object.fromEntries(Object.entries(explodeJson(raw, "k")).map(([k, v]) => [k, Buffer.from(v).toString()]));
    assert.deepEqual(out, { a: '{ "last" : "wins" }', n: "1.0", big: "12345678901234567890", t: "true", s: "x\u00e9\n", z: "", ["__proto__"]: "p" });
    assert.equal(Object.getPrototypeOf(explodeJson(raw, "k")), Object.prototype);
  });
  it("a null document is no keys (Go unmarshals null into an empty map)", () => assert.deepEqual(explodeJson(" null ", "k"), {}));
});

describe("raw JSON text, as gjson returns it (ESO's aws, gcpsm and fake)", () => {
  const rawDoc = '{"db": {"user": "app",\n  "port": 5432}, "list": [ {"a": "b"} , 2 ], "f": 1.50, "e": 1e3, "neg": -0.000001, "dup": "first", "dup": "second", "esc\\u002ekey": { "x" : 1 }}';
  const table = [
    { name: "an object keeps its whitespace", given: "db", want: '{"user": "app",\n  "port": 5432}' },
    { name: "an array element object", given: "list.0", want: '{"a": "b"}' },
    { name: "an array", given: "list", want: '[ {"a": "b"} , 2 ]' },
    { name: "a non-integer number as Go's FormatFloat 'f'", given: "f", want: "1.5" },
    { name: "an exponent number spelled out", given: "e", want: "1000" },
    { name: "a small number without exponent", given: "neg", want: "-0.000001" },
    { name: "of duplicate keys the first (gjson)", given: "dup", want: "first" },
    { name: "an escaped key compares decoded", given: "esc\\.key", want: '{ "x" : 1 }' },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(pickProperty(rawDoc, given, "k"), want));
  it("goFormatFloatF matches Go's FormatFloat(x, 'f', -1, 64)", () => {
    const cases: Array<[number, string]> = [[1e21, "1000000000000000000000"], [1.5e-7, "0.00000015"], [-0, "-0"], [123.456, "123.456"], [Infinity, "+Inf"], [0.1 + 0.2, "0.30000000000000004"]];
    for (const [x, want] of cases) assert.equal(goFormatFloatF(x), want, String(x));
  });
  it("a deeply nested document is walked without recursion", () => {
    const deep = `{"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}, "b": "ok"}`;
    assert.equal(pickProperty(deep, "b", "k"), "ok");
  });
});
