// Controller: parallel workers, per-key exclusivity, outcomes (ok/error/terminal), requeueAfter and graceful stop.
import assert from "node:assert/strict";
import { test } from "node:test";
import { pino } from "pino";
import { ExponentialBackoff } from "../../../src/controller/backoff.ts";
import { FakeClock } from "../../../src/controller/clock.ts";
import { Controller, TerminalError } from "../../../src/controller/controller.ts";
import type { ReconcileOutcome, ReconcileResult } from "../../../src/controller/controller.ts";
import { WorkQueue } from "../../../src/controller/work-queue.ts";
import { TEST_TIMEOUT_MS, deferred, settle } from "./helpers.ts";

function setup(reconcile: (key: string) => Promise<ReconcileResult>, workers = 4, log?: pino.Logger) {
  const clock = new FakeClock(0);
  const queue = new WorkQueue({ clock, backoff: new ExponentialBackoff({ baseMs: 100, maxMs: 10_000 }) });
  const results: Array<[string, ReconcileOutcome]> = [];
  const controller = new Controller({ name: "test", queue, reconcile, workers, log, onResult: (key, outcome) => results.push([key, outcome]) });
  return { clock, queue, controller, results };
}

test("N workers reconcile distinct keys in parallel, never more than N at once", { timeout: TEST_TIMEOUT_MS }, async () => {
  const inFlight = new Map<string, () => void>();
  let maxParallel = 0;
  const { queue, controller } = setup(async (key) => {
    const d = deferred();
    inFlight.set(key, d.resolve);
    maxParallel = Math.max(maxParallel, inFlight.size);
    await d.promise;
    inFlight.delete(key);
  }, 3);
  controller.start();
  for (const k of ["a", "b", "c", "d", "e"]) queue.add(k);
  await settle();
  assert.deepEqual([...inFlight.keys()].sort(), ["a", "b", "c"]);
  inFlight.get("a")?.();
  await settle();
  assert.deepEqual([...inFlight.keys()].sort(), ["b", "c", "d"], "a freed worker picks the next key");
  for (const k of ["b", "c", "d"]) inFlight.get(k)?.();
  await settle();
  inFlight.get("e")?.();
  await controller.stop();
  assert.equal(maxParallel, 3);
});

test("the same key is never reconciled twice at once, and a re-add during reconcile runs once more afterwards", { timeout: TEST_TIMEOUT_MS }, async () => {
  const running = new Map<string, number>();
  const calls = new Map<string, number>();
  let violations = 0;
  let gate = deferred();
  const { queue, controller } = setup(async (key) => {
    running.set(key, (running.get(key) ?? 0) + 1);
    calls.set(key, (calls.get(key) ?? 0) + 1);
    if ((running.get(key) ?? 0) > 1) violations++;
    await gate.promise;
    running.set(key, (running.get(key) ?? 0) - 1);
  }, 4);
  controller.start();
  queue.add("hot");
  await settle();
  for (let i = 0; i < 10; i++) queue.add("hot"); // events keep arriving while it reconciles
  queue.add("other");
  await settle();
  assert.equal(calls.get("hot"), 1);
  assert.equal(calls.get("other"), 1, "idle workers still serve other keys");
  const first = gate;
  gate = deferred();
  first.resolve();
  await settle();
  assert.equal(calls.get("hot"), 2, "the ten re-adds collapse into one more run");
  gate.resolve();
  await settle();
  assert.equal(calls.get("hot"), 2);
  assert.equal(violations, 0);
  await controller.stop();
});

test("TerminalError: not retried, backoff forgotten, reported as terminal", { timeout: TEST_TIMEOUT_MS }, async () => {
  let calls = 0;
  const { queue, controller, clock, results } = setup(async () => {
    calls++;
    throw new TerminalError("bad spec");
  });
  controller.start();
  queue.add("k");
  await settle();
  clock.advance(60_000);
  await settle();
  assert.equal(calls, 1);
  assert.equal(queue.retries("k"), 0);
  assert.equal(queue.waitingDelayed(), 0);
  assert.deepEqual(results, [["k", "terminal"]]);
  await controller.stop();
});

test("other errors retry with growing backoff; success forgets the backoff", { timeout: TEST_TIMEOUT_MS }, async () => {
  const callTimes: number[] = [];
  let failuresLeft = 3;
  const { queue, controller, clock, results } = setup(async () => {
    callTimes.push(clock.now());
    if (failuresLeft-- > 0) throw new Error("provider unavailable");
  });
  controller.start();
  queue.add("k");
  for (let t = 0; t < 2000; t += 10) {
    await settle(1);
    clock.advance(10);
  }
  assert.deepEqual(callTimes, [0, 100, 300, 700], "retried after 100, 200, 400 ms");
  assert.deepEqual(results.map(([, o]) => o), ["error", "error", "error", "ok"]);
  assert.equal(queue.retries("k"), 0, "success forgets the failures");
  await controller.stop();
});

test("requeueAfterMs schedules the next run; no requeue without it", { timeout: TEST_TIMEOUT_MS }, async () => {
  const calls: Array<[string, number]> = [];
  const { queue, controller, clock } = setup(async (key) => {
    calls.push([key, clock.now()]);
    return key === "periodic" ? { requeueAfterMs: 5000 } : undefined;
  });
  controller.start();
  queue.add("periodic");
  queue.add("once");
  await settle();
  clock.advance(4999);
  await settle();
  assert.equal(calls.length, 2);
  clock.advance(1);
  await settle();
  assert.deepEqual(calls, [["periodic", 0], ["once", 0], ["periodic", 5000]]);
  await controller.stop();
});

test("stop() waits for in-flight reconciles and starts no new ones", { timeout: TEST_TIMEOUT_MS }, async () => {
  const started: string[] = [];
  const finish = deferred();
  const { queue, controller, clock } = setup(async (key) => {
    started.push(key);
    await finish.promise;
    return { requeueAfterMs: 10 };
  }, 1);
  controller.start();
  queue.add("busy");
  queue.add("queued");
  await settle();
  let stopped = false;
  const stopping = controller.stop().then(() => (stopped = true));
  await settle();
  assert.equal(stopped, false, "stop() must wait for the in-flight reconcile");
  finish.resolve();
  await stopping;
  assert.deepEqual(started, ["busy"], "no key is handed out after stop()");
  clock.advance(1000);
  await settle();
  assert.deepEqual(started, ["busy"], "the requeue of a draining reconcile is dropped");
  assert.equal(queue.isShuttingDown(), true);
});

test("failures are logged by message (safeMessage first), never as raw objects", { timeout: TEST_TIMEOUT_MS }, async () => {
  const lines: string[] = [];
  const log = pino({ level: "debug" }, { write: (s: string) => void lines.push(s) });
  const secret = "s3cr3t-value";
  const { queue, controller } = setup(async (key) => {
    const err = Object.assign(new Error(`template failed near ${secret}`), { safeMessage: "template failed", data: { password: secret } });
    if (key === "plain") throw Object.assign(new Error("boom"), { data: { password: secret } });
    throw err;
  }, 1, log);
  controller.start();
  queue.add("safe");
  queue.add("plain");
  await settle();
  await controller.stop();
  const failures = lines.map((l) => JSON.parse(l) as { key?: string; err?: unknown }).filter((l) => l.key);
  assert.deepEqual(failures.map((l) => [l.key, l.err]), [["safe", "template failed"], ["plain", "boom"]]);
  assert.ok(!lines.join("").includes(secret), "no secret value in any log line");
});

test("gate: a key the gate refuses is dropped unreconciled with no retry; an admitted one leaves the gate when its reconcile ends", { timeout: TEST_TIMEOUT_MS }, async () => {
  const clock = new FakeClock(0);
  const queue = new WorkQueue({ clock });
  const reconciled: string[] = [];
  const left: string[] = [];
  const running = deferred();
  const gate = { enter: (key: string) => (key.startsWith("mine/") ? () => left.push(key) : undefined) };
  const controller = new Controller({
    name: "test",
    queue,
    workers: 2,
    gate,
    reconcile: async (key) => {
      reconciled.push(key);
      if (key === "mine/slow") await running.promise;
      throw new Error("retry me");
    },
  });
  controller.start();
  queue.add("theirs/a");
  queue.add("mine/slow");
  await settle();
  assert.deepEqual(reconciled, ["mine/slow"]);
  assert.deepEqual(left, [], "still in the gate while reconciling");
  running.resolve();
  await settle();
  assert.deepEqual(left, ["mine/slow"]);
  assert.equal(queue.waitingDelayed(), 1, "the admitted key's failure retries with backoff");
  clock.advance(60_000);
  await settle();
  assert.ok(!reconciled.includes("theirs/a"), "the refused key never ran and was not retried");
  await controller.stop();
});

test("finishing writes: the worker moves on, the key stays in progress until they settle, their failure is retried", { timeout: TEST_TIMEOUT_MS }, async () => {
  const finishing = new Map<string, { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void }>();
  const calls: string[] = [];
  const { queue, controller, results } = setup(async (key) => {
    calls.push(key);
    const d = deferred<void>();
    finishing.set(key, { promise: d.promise, resolve: () => d.resolve(), reject: d.reject });
    return { finishing: d.promise };
  }, 1);
  controller.start();
  queue.add("a");
  await settle();
  queue.add("b");
  await settle();
  assert.deepEqual(calls, ["a", "b"], "one worker reconciled b while a's writes were in flight");
  assert.equal(queue.processing(), 2, "a and b are still in progress");
  queue.add("a");
  await settle();
  assert.deepEqual(calls, ["a", "b"], "a is not reconciled again before its writes settled");
  finishing.get("a")!.resolve();
  await settle();
  assert.deepEqual(calls, ["a", "b", "a"], "re-added meanwhile: handed out right after");
  assert.deepEqual(results, [["a", "ok"]]);
  finishing.get("b")!.reject(new Error("status patch refused"));
  await settle();
  assert.deepEqual(results, [["a", "ok"], ["b", "error"]]);
  assert.equal(queue.retries("b"), 1, "a failed write is retried with backoff");
  finishing.get("a")!.resolve();
  await controller.stop();
});

test("finishing writes are bounded: with every worker's writes in flight and one more, no key is taken", { timeout: TEST_TIMEOUT_MS }, async () => {
  const pending: Array<() => void> = [];
  const calls: string[] = [];
  const { queue, controller } = setup(async (key) => {
    calls.push(key);
    const d = deferred();
    pending.push(d.resolve);
    return { finishing: d.promise };
  }, 1);
  controller.start();
  for (const key of ["a", "b", "c", "d"]) queue.add(key);
  await settle();
  assert.deepEqual(calls, ["a", "b"], "one worker: one reconcile's writes may overlap the next, no more");
  pending.shift()!();
  await settle();
  assert.deepEqual(calls, ["a", "b", "c"]);
  const stopped = controller.stop();
  let done = false;
  void stopped.then(() => (done = true));
  await settle();
  assert.equal(done, false, "stop() waits for writes in flight");
  for (const resolve of pending.splice(0)) resolve();
  await stopped;
});
