import { test } from "node:test";
import assert from "node:assert/strict";
import { LabelSelectorError, matchesRequirements, parseLabelSelector } from "../../../src/kube/label-selector-string.ts";
import { shardFilter, SHARD_LABEL } from "../../../src/operator/shard-filter.ts";

test("parseLabelSelector: every form kubectl -l takes", () => {
  assert.deepEqual(parseLabelSelector("a=b, c==d,e!=f"), [
    { key: "a", op: "=", value: "b" },
    { key: "c", op: "=", value: "d" },
    { key: "e", op: "!=", value: "f" },
  ]);
  assert.deepEqual(parseLabelSelector("sharding.secrets-bridge.dev/key in (s1, s2),tier notin (x),present,!absent"), [
    { key: "sharding.secrets-bridge.dev/key", op: "in", values: ["s1", "s2"] },
    { key: "tier", op: "notin", values: ["x"] },
    { key: "present", op: "exists" },
    { key: "absent", op: "!exists" },
  ]);
  assert.deepEqual(parseLabelSelector("  "), []);
  assert.deepEqual(parseLabelSelector("a="), [{ key: "a", op: "=", value: "" }], "an empty value is a value");
});

test("parseLabelSelector: what Kubernetes refuses fails with the selector named", () => {
  for (const bad of ["a in (b", "a,,b", "foo/bar/baz=1", "-a=b", "a=b c", "a=-b", `a=${"x".repeat(64)}`, `${"x".repeat(64)}=a`, "UPPER.example/a=b", "a in (b c)"]) {
    assert.throws(() => parseLabelSelector(bad), LabelSelectorError, bad);
  }
});

test("matchesRequirements: Kubernetes semantics (!= and notin match a missing key)", () => {
  const match = (selector: string, labels?: Record<string, string>) => matchesRequirements(parseLabelSelector(selector), labels);
  assert.equal(match("a=b", { a: "b" }), true);
  assert.equal(match("a=b", {}), false);
  assert.equal(match("a!=b", {}), true);
  assert.equal(match("a!=b", { a: "b" }), false);
  assert.equal(match("a in (b,c)", { a: "c" }), true);
  assert.equal(match("a in (b,c)", undefined), false);
  assert.equal(match("a notin (b)", undefined), true);
  assert.equal(match("a notin (b)", { a: "b" }), false);
  assert.equal(match("a,!z", { a: "" }), true);
  assert.equal(match("a,!z", { a: "", z: "1" }), false);
  assert.equal(match("", undefined), true);
});

test("shardFilter: the documented convention splits objects between a shard and the rest", () => {
  const shard = shardFilter(`${SHARD_LABEL}=shard1`);
  const rest = shardFilter(`!${SHARD_LABEL}`);
  const cases: Array<Record<string, string> | undefined> = [undefined, { [SHARD_LABEL]: "shard1" }, { [SHARD_LABEL]: "shard2" }, { other: "x" }];
  for (const labels of cases) {
    assert.ok(!(shard.admits(labels) && rest.admits(labels)), "never both");
  }
  assert.equal(shard.admits({ [SHARD_LABEL]: "shard1" }), true);
  assert.equal(rest.admits({ other: "x" }), true);
  assert.equal(shard.selector, `${SHARD_LABEL}=shard1`);
});
