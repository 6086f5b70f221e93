// WorkQueue: de-duplication, one-worker-per-key, priority lanes, delays, backoff and shutdown.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExponentialBackoff } from "../../../src/controller/backoff.ts";
import { FakeClock } from "../../../src/controller/clock.ts";
import { Priority, WorkQueue } from "../../../src/controller/work-queue.ts";
import type { WorkItem } from "../../../src/controller/work-queue.ts";
import { TEST_TIMEOUT_MS, settle } from "./helpers.ts";

function newQueue(clock = new FakeClock(0)): { q: WorkQueue; clock: FakeClock } {
  return { q: new WorkQueue({ clock, backoff: new ExponentialBackoff({ baseMs: 100, maxMs: 1000 }) }), clock };
}

/** Takes everything currently queued (marking it done), in hand-out order. */
async function drain(q: WorkQueue): Promise<WorkItem[]> {
  const out: WorkItem[] = [];
  while (q.len() > 0) {
    const item = await q.get();
    assert.ok(item);
    out.push(item);
    q.done(item.key);
  }
  return out;
}

const orderCases: Array<{ name: string; given: Array<[string, Priority?]>; want: Array<[string, Priority]> }> = [
  { name: "FIFO within a lane", given: [["a"], ["b"], ["c"]], want: [["a", "normal"], ["b", "normal"], ["c", "normal"]] },
  { name: "duplicates are queued once", given: [["a"], ["b"], ["a"], ["a"]], want: [["a", "normal"], ["b", "normal"]] },
  {
    name: "high lane overtakes normal lane",
    given: [["refresh-1"], ["refresh-2"], ["new", Priority.High], ["refresh-3"], ["changed", Priority.High]],
    want: [["new", "high"], ["changed", "high"], ["refresh-1", "normal"], ["refresh-2", "normal"], ["refresh-3", "normal"]],
  },
  {
    name: "re-adding a normal key as high promotes it",
    given: [["a"], ["b"], ["b", Priority.High]],
    want: [["b", "high"], ["a", "normal"]],
  },
  {
    name: "re-adding a high key as normal keeps it high",
    given: [["a"], ["b", Priority.High], ["b", Priority.Normal]],
    want: [["b", "high"], ["a", "normal"]],
  },
];

for (const c of orderCases) {
  test(`order: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const { q } = newQueue();
    for (const [key, p] of c.given) q.add(key, p);
    assert.equal(q.len(), c.want.length);
    const got = (await drain(q)).map((i) => [i.key, i.priority]);
    assert.deepEqual(got, c.want);
  });
}

test("a key is never handed to two workers at once; re-added while processing comes back after done", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { q } = newQueue();
  q.add("a");
  const first = await q.get();
  assert.equal(first?.key, "a");
  q.add("a");
  q.add("a", Priority.High);
  assert.equal(q.len(), 0, "a key being processed is not queued again");
  let second: WorkItem | undefined;
  void q.get().then((i) => (second = i));
  await settle();
  assert.equal(second, undefined, "a second worker must not get 'a' while it is processing");
  q.done("a");
  await settle();
  const again = second as WorkItem | undefined; // assigned in the .then above; TS narrowed it to undefined
  assert.deepEqual(again && { key: again.key, priority: again.priority }, { key: "a", priority: "high" }, "handed out again, with the highest priority it was re-added with");
  assert.equal(q.processing(), 1);
  q.done("a");
  assert.equal(q.processing(), 0);
  assert.equal(q.len(), 0, "re-added once, handed out once");
});

test("waiting workers are woken in order, each with a different key", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { q } = newQueue();
  const got: string[] = [];
  const workers = [q.get(), q.get(), q.get()].map((p) => p.then((i) => got.push(i?.key ?? "none")));
  q.add("x");
  q.add("y");
  q.add("x");
  await settle();
  assert.deepEqual(got, ["x", "y"]);
  q.shutDown();
  await Promise.all(workers);
  assert.deepEqual(got, ["x", "y", "none"]);
});

test("addAfter: the key joins its lane when due", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { q, clock } = newQueue();
  q.addAfter("later", 1000, Priority.High);
  q.add("now");
  assert.equal(q.waitingDelayed(), 1);
  clock.advance(999);
  assert.equal(q.len(), 1);
  clock.advance(1);
  assert.equal(q.waitingDelayed(), 0);
  assert.deepEqual((await drain(q)).map((i) => i.key), ["later", "now"], "a due High key overtakes queued Normal ones");
});

const deadlineCases = [
  { name: "later request does not postpone an earlier one", given: [500, 2000], want: 500, wantTimersLeft: 0 },
  { name: "earlier request replaces a later one", given: [2000, 500], want: 500, wantTimersLeft: 0 },
  // As client-go: a zero delay is a plain add and leaves the pending delay alone.
  { name: "zero delay adds immediately", given: [2000, 0], want: 0, wantTimersLeft: 1 },
];

for (const c of deadlineCases) {
  test(`addAfter keeps the earliest deadline: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, () => {
    const { q, clock } = newQueue();
    for (const ms of c.given) q.addAfter("k", ms);
    if (c.want > 0) {
      clock.advance(c.want - 1);
      assert.equal(q.len(), 0, "not before the deadline");
      clock.advance(1);
    }
    assert.equal(q.len(), 1, `queued at ${c.want}ms`);
    assert.equal(clock.pending(), c.wantTimersLeft, "a replaced timer is cleared, so nothing fires twice");
  });
}

test("addRateLimited delays grow exponentially per key; forget resets", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { q, clock } = newQueue();
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = clock.now();
    q.addRateLimited("k");
    let waited = 0;
    while (q.len() === 0) {
      clock.advance(1);
      waited = clock.now() - t0;
      assert.ok(waited <= 5000, "never queued");
    }
    delays.push(waited);
    await drain(q);
  }
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
  assert.equal(q.retries("k"), 6);
  q.forget("k");
  assert.equal(q.retries("k"), 0);
  q.addRateLimited("k");
  clock.advance(100);
  assert.equal(q.len(), 1);
});

test("shutDown: ignores adds, drops delays, still hands out queued keys, then undefined", { timeout: TEST_TIMEOUT_MS }, async () => {
  const { q, clock } = newQueue();
  q.add("queued");
  q.addAfter("delayed", 100);
  q.shutDown();
  q.add("too-late");
  assert.equal(q.isShuttingDown(), true);
  assert.equal(q.waitingDelayed(), 0);
  assert.equal(clock.pending(), 0, "delay timers are cleared so the process can exit");
  const item = await q.get();
  assert.equal(item?.key, "queued");
  q.done("queued");
  assert.equal(await q.get(), undefined);
  clock.advance(1000);
  assert.equal(q.len(), 0);
});

test("done for a key that is not processing is ignored", { timeout: TEST_TIMEOUT_MS }, () => {
  const { q } = newQueue();
  q.done("ghost");
  q.add("a");
  assert.equal(q.len(), 1);
  assert.equal(q.processing(), 0);
});

test("waitedMs: how long a key sat ready in its lane before a worker took it", async () => {
  const clock = new FakeClock();
  const queue = new WorkQueue({ clock });
  queue.add("a");
  clock.advance(250);
  queue.add("a"); // a duplicate does not reset the wait
  clock.advance(50);
  const item = await queue.get();
  assert.equal(item?.waitedMs, 300);
  queue.done("a");
  queue.addAfter("b", 1000);
  clock.advance(1000); // the delay is not waiting: it counts from when the key became ready
  clock.advance(20);
  assert.equal((await queue.get())?.waitedMs, 20);
});
