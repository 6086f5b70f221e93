// Property pushes on JSON text (push-property.ts): merge keeps other fields, nested paths, unchanged is detected
// without re-serialising, removal of the last property empties the secret, and errors never quote the text.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mergeProperty, propertyValue, removeProperty } from "../../../../providers/aws/push-property.ts";
import { ProviderError } from "../../../../src/provider/errors.ts";

describe("mergeProperty", () => {
  const table = [
    { name: "into nothing", given: [undefined, "user", "app"], want: '{"user":"app"}' },
    { name: "into an empty value", given: ["", "user", "app"], want: '{"user":"app"}' },
    { name: "keeps the other fields", given: ['{"a":1,"b":"x"}', "user", "app"], want: '{"a":1,"b":"x","user":"app"}' },
    { name: "replaces a different value", given: ['{"user":"old","b":"x"}', "user", "new"], want: '{"user":"new","b":"x"}' },
    { name: "same string: nothing to write", given: ['{ "user" : "app" }', "user", "app"], want: undefined },
    { name: "a number is not the same string", given: ['{"n":5}', "n", "5"], want: '{"n":"5"}' },
    { name: "dots nest (sjson)", given: ['{"db":{"host":"h"}}', "db.user", "app"], want: '{"db":{"host":"h","user":"app"}}' },
    { name: "an escaped dot is a literal key", given: ["{}", "a\\.b", "v"], want: '{"a.b":"v"}' },
    { name: "__proto__ is a plain field", given: ["{}", "__proto__", "v"], want: '{"__proto__":"v"}' },
  ] as const;
  for (const { name, given, want } of table) it(name, () => assert.equal(mergeProperty(given[0], given[1], given[2], "secret k"), want));

  for (const text of ["not json SECRET-TEXT", "[1,2]", '"SECRET-TEXT"', "null"]) {
    it(`refuses ${text.slice(0, 8)}... without quoting it`, () => {
      assert.throws(() => mergeProperty(text, "p", "v", "secret k"), (err: unknown) => {
        assert.ok(err instanceof ProviderError);
        assert.match(err.message, /^secret k is not a JSON object/);
        assert.ok(!err.message.includes("SECRET-TEXT"));
        return true;
      });
    });
  }
  it("refuses to nest into a non-object field", () => assert.throws(() => mergeProperty('{"a":"SECRET-TEXT"}', "a.b", "v", "secret k"), /not a JSON object/));
});

describe("removeProperty", () => {
  const table = [
    { name: "keeps the others", given: ['{"a":"1","b":"2"}', "a"], want: { kind: "rest", text: '{"b":"2"}' } },
    { name: "the last one empties the secret", given: ['{"a":"1"}', "a"], want: { kind: "empty" } },
    { name: "a missing one is absent", given: ['{"a":"1"}', "b"], want: { kind: "absent" } },
    { name: "a missing parent is absent", given: ['{"a":"1"}', "x.y"], want: { kind: "absent" } },
    { name: "nested: drops parents left empty", given: ['{"db":{"user":"u"},"k":"v"}', "db.user"], want: { kind: "rest", text: '{"k":"v"}' } },
    { name: "nested: the last one empties the secret", given: ['{"db":{"user":"u"}}', "db.user"], want: { kind: "empty" } },
  ] as const;
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(removeProperty(given[0], given[1], "secret k"), want));
});

describe("propertyValue", () => {
  it("reads nested and missing properties", () => {
    assert.equal(propertyValue('{"db":{"user":"u"}}', "db.user", "secret k"), "u");
    assert.equal(propertyValue('{"db":"x"}', "db.user", "secret k"), undefined);
    assert.equal(propertyValue("{}", "toString", "secret k"), undefined);
  });
});
