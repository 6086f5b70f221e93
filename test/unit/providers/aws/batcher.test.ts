// The batcher: one call per id within the TTL, distinct ids within the window in one call (up to maxBatch),
// per-id errors, nothing cached on failure. A fake clock and a manual timer drive it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Batcher } from "../../../../providers/aws/batcher.ts";
import { NoSecretError } from "../../../../src/provider/errors.ts";

function harness(maxBatch = 3, ttlMs = 1000) {
  let now = 0;
  const timers: Array<() => void> = [];
  const calls: string[][] = [];
  const batcher = new Batcher<string>({
    fetch: async (ids) => {
      calls.push(ids);
      return new Map(ids.map((id) => [id, id.startsWith("missing") ? new NoSecretError(`${id} gone`) : `value-of-${id}`]));
    },
    windowMs: 20,
    maxBatch,
    ttlMs,
    now: () => now,
    setTimer: (fn) => timers.push(fn),
  });
  const fire = async () => {
    for (const fn of timers.splice(0)) fn();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batcher, calls, fire, advance: (ms: number) => (now += ms) };
}

describe("Batcher", () => {
  it("sends distinct ids requested in one window as one call", async () => {
    const h = harness();
    const got = Promise.all([h.batcher.get("a"), h.batcher.get("b")]);
    await h.fire();
    assert.deepEqual(await got, ["value-of-a", "value-of-b"]);
    assert.deepEqual(h.calls, [["a", "b"]]);
  });
  it("shares one call between identical requests, in flight and within the TTL", async () => {
    const h = harness();
    const first = Promise.all([h.batcher.get("a"), h.batcher.get("a")]);
    await h.fire();
    await first;
    h.advance(999);
    assert.equal(await h.batcher.get("a"), "value-of-a");
    assert.equal(h.calls.length, 1);
    h.advance(1);
    const again = h.batcher.get("a");
    await h.fire();
    await again;
    assert.equal(h.calls.length, 2);
  });
  it("flushes at maxBatch without waiting for the window", async () => {
    const h = harness(2);
    const got = Promise.all(["a", "b", "c"].map((id) => h.batcher.get(id)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(h.calls, [["a", "b"]]);
    await h.fire();
    await got;
    assert.deepEqual(h.calls, [["a", "b"], ["c"]]);
  });
  it("rejects only the ids that failed and caches no failure", async () => {
    const h = harness();
    const ok = h.batcher.get("a");
    const gone = h.batcher.get("missing-1");
    await h.fire();
    assert.equal(await ok, "value-of-a");
    await assert.rejects(gone, NoSecretError);
    const retry = h.batcher.get("missing-1");
    await h.fire();
    await assert.rejects(retry, NoSecretError);
    assert.equal(h.calls.length, 2);
  });
  it("drops expired values at the next call instead of keeping them", async () => {
    const h = harness(3, 1000);
    const first = h.batcher.get("a");
    await h.fire();
    await first;
    assert.equal(h.batcher.cachedCount(), 1);
    h.advance(1000);
    const other = h.batcher.get("b");
    await h.fire();
    await other;
    assert.equal(h.batcher.cachedCount(), 1, "a expired and was dropped; b is cached");
  });
  it("clear() drops the cache", async () => {
    const h = harness(3, 1000);
    const first = h.batcher.get("a");
    await h.fire();
    await first;
    h.batcher.clear();
    const second = h.batcher.get("a");
    await h.fire();
    await second;
    assert.equal(h.calls.length, 2);
  });
});
