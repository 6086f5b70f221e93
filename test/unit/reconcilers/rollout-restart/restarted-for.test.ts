import { test } from "node:test";
import assert from "node:assert/strict";
import { changedSince, formatRestartedFor, parseRestartedFor } from "../../../../src/reconcilers/rollout-restart/restarted-for.ts";

const d = (prefix: string) => prefix.padEnd(64, "0");

test("restarted-for: sorted, shortened, unknown digests left out; parsed back", () => {
  const text = formatRestartedFor([["zeta", d("ab")], ["alpha", d("cd")], ["gone", undefined]]);
  assert.equal(text, `alpha=${d("cd").slice(0, 16)},zeta=${d("ab").slice(0, 16)}`);
  assert.deepEqual([...parseRestartedFor(text)], [["alpha", d("cd").slice(0, 16)], ["zeta", d("ab").slice(0, 16)]]);
  assert.equal(parseRestartedFor(undefined).size, 0);
  assert.equal(parseRestartedFor("garbage,=x").size, 0);
});

test("restarted-for: too long a record is not written, and not trusted when read", () => {
  const many = Array.from({ length: 1000 }, (_, i) => [`secret-number-${i}`, d("ab")] as const);
  assert.equal(formatRestartedFor(many), undefined);
  assert.equal(parseRestartedFor("a=b,".repeat(5000)).size, 0);
});

test("changedSince: only recorded Secrets whose digest is known and differs", () => {
  const record = parseRestartedFor(formatRestartedFor([["a", d("11")], ["b", d("22")], ["c", d("33")]]));
  const now: Record<string, string> = { a: d("11"), b: d("99") };
  assert.deepEqual(changedSince(record, (secret) => now[secret]), ["b"]);
});
