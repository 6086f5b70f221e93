// templateFrom target paths (target.manifest): ESO 2.9's grammar and its documented examples, and our bounds.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_PATH_TOKENS, parseTargetPath, setAtPath } from "../../../src/template/target-path.ts";

describe("parseTargetPath", () => {
  it("reads keys and indexes as ESO documents them", () => {
    assert.deepEqual(parseTargetPath("spec.rules[0].from[0].source.notRemoteIpBlocks"), [
      { key: "spec" },
      { key: "rules" },
      { index: 0 },
      { key: "from" },
      { index: 0 },
      { key: "source" },
      { key: "notRemoteIpBlocks" },
    ]);
    assert.deepEqual(parseTargetPath("spec.matrix[1][2]"), [{ key: "spec" }, { key: "matrix" }, { index: 1 }, { index: 2 }]);
    // Mixed case is kept (ESO issue #6458): nested custom-resource fields are case-sensitive.
    assert.deepEqual(parseTargetPath("spec.headers.customRequestHeaders"), [{ key: "spec" }, { key: "headers" }, { key: "customRequestHeaders" }]);
  });

  const refused: Array<[string, RegExp]> = [
    ["", /empty segment/],
    ["spec..x", /empty segment/],
    ["spec.", /empty segment/],
    ["[0].foo", /must start with a key/],
    ["spec.a[", /unterminated/],
    ["spec.a[x]", /bad index "x"/],
    ["spec.a[-1]", /negative index -1/],
    ["spec.a[10001]", /exceeds maximum \(10000\)/],
    ["spec.a[0]x", /expected '\['/],
    ["spec.a[99999999999999999999999]", /bad index/],
  ];
  for (const [path, why] of refused) it(`refuses ${JSON.stringify(path)}`, () => assert.throws(() => parseTargetPath(path), why));

  it("refuses a path deeper than the bound, in time linear in its length", () => {
    assert.throws(() => parseTargetPath(Array.from({ length: MAX_PATH_TOKENS + 1 }, () => "a").join(".")), /deeper than/);
    assert.throws(() => parseTargetPath(`spec${"[0]".repeat(100_000)}`), /deeper than/);
  });
});

describe("setAtPath", () => {
  it("creates intermediate maps and arrays and keeps siblings in the same element", () => {
    const obj: Record<string, unknown> = { spec: { rules: [{ from: [{ source: { principals: ["a"] } }] }] } };
    setAtPath(obj, "p", parseTargetPath("spec.rules[0].from[0].source.notRemoteIpBlocks"), () => ["10.0.0.0/8"]);
    assert.deepEqual(obj, { spec: { rules: [{ from: [{ source: { principals: ["a"], notRemoteIpBlocks: ["10.0.0.0/8"] } }] }] } });
    const fresh: Record<string, unknown> = {};
    setAtPath(fresh, "p", parseTargetPath("spec.list[2].name"), () => "x");
    assert.deepEqual(fresh, { spec: { list: [null, null, { name: "x" }] } });
  });

  it("hands the existing value to the leaf", () => {
    const obj: Record<string, unknown> = { spec: { db: { host: "a", port: 1 } } };
    setAtPath(obj, "p", parseTargetPath("spec.db"), (existing) => ({ ...(existing as object), port: 2 }));
    assert.deepEqual(obj, { spec: { db: { host: "a", port: 2 } } });
  });

  it("names the value of the wrong shape, as ESO", () => {
    assert.throws(() => setAtPath({ spec: "text" }, "spec.a", parseTargetPath("spec.a"), () => 1), /failed to set path spec\.a: expected map at key "a" but found string/);
    assert.throws(() => setAtPath({ spec: { a: { b: 1 } } }, "spec.a[0]", parseTargetPath("spec.a[0]"), () => 1), /expected array at index 0 but found map\[string\]interface \{\}/);
  });
});
