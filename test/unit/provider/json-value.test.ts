import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { explodeJson, pickProperty, splitPath } from "../../../src/provider/json-value.ts";
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
    { name: "null as JSON", given: "n", want: "null" },
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
});
