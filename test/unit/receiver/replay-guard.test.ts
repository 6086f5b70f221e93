// The replay guard remembers delivery ids for a bounded time and a bounded count.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ReplayGuard } from "../../../src/receiver/replay-guard.ts";

describe("ReplayGuard", () => {
  it("an id is seen until it expires", () => {
    let now = 0;
    const guard = new ReplayGuard({ ttlMs: 1000, maxEntries: 10, now: () => now });
    assert.equal(guard.seen("a"), false);
    guard.remember("a");
    now = 999;
    assert.equal(guard.seen("a"), true);
    now = 1000;
    assert.equal(guard.seen("a"), false);
    assert.equal(guard.size(), 0, "expired entries are dropped");
  });

  it("past maxEntries the oldest are forgotten first; memory stays bounded", () => {
    let now = 0;
    const guard = new ReplayGuard({ ttlMs: 60_000, maxEntries: 3, now: () => now });
    for (const id of ["a", "b", "c", "d"]) {
      guard.remember(id);
      now++;
    }
    assert.equal(guard.size(), 3);
    assert.equal(guard.seen("a"), false);
    assert.deepEqual(["b", "c", "d"].map((id) => guard.seen(id)), [true, true, true]);
    for (let i = 0; i < 1000; i++) guard.remember(`flood-${i}`);
    assert.equal(guard.size(), 3);
  });
});
