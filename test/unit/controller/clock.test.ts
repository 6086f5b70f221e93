// FakeClock: the time source every other controller test relies on.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock, realClock } from "../../../src/controller/clock.ts";
import { TEST_TIMEOUT_MS, settle } from "./helpers.ts";

test("advance fires due timers in deadline order, with now() at each deadline", { timeout: TEST_TIMEOUT_MS }, () => {
  const clock = new FakeClock(0);
  const fired: Array<[string, number]> = [];
  clock.setTimeout(() => fired.push(["c", clock.now()]), 30);
  clock.setTimeout(() => fired.push(["a", clock.now()]), 10);
  clock.setTimeout(() => fired.push(["b", clock.now()]), 20);
  clock.setTimeout(() => fired.push(["late", clock.now()]), 31);
  clock.advance(30);
  assert.deepEqual(fired, [["a", 10], ["b", 20], ["c", 30]]);
  assert.equal(clock.now(), 30);
  assert.equal(clock.pending(), 1);
});

test("ties fire in scheduling order", { timeout: TEST_TIMEOUT_MS }, () => {
  const clock = new FakeClock(0);
  const fired: string[] = [];
  for (const name of ["x", "y", "z"]) clock.setTimeout(() => fired.push(name), 5);
  clock.advance(5);
  assert.deepEqual(fired, ["x", "y", "z"]);
});

test("timers scheduled by fired timers fire within the same window", { timeout: TEST_TIMEOUT_MS }, () => {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  const tick = (): void => {
    fired.push(clock.now());
    clock.setTimeout(tick, 10);
  };
  clock.setTimeout(tick, 10);
  clock.advance(35);
  assert.deepEqual(fired, [10, 20, 30]);
  assert.equal(clock.pending(), 1);
});

test("clearTimeout cancels; negative delays fire on the next advance", { timeout: TEST_TIMEOUT_MS }, () => {
  const clock = new FakeClock(0);
  let fired = 0;
  const h = clock.setTimeout(() => fired++, 5);
  clock.setTimeout(() => fired++, -100);
  clock.clearTimeout(h);
  clock.clearTimeout("unknown handle");
  assert.equal(clock.pending(), 1);
  clock.advance(0);
  assert.equal(fired, 1);
  clock.advance(10);
  assert.equal(fired, 1);
  assert.equal(clock.pending(), 0);
});

test("realClock: delays beyond 2^31-1 ms do not fire early (Node would fire them after 1 ms)", { timeout: TEST_TIMEOUT_MS }, async () => {
  let fired = false;
  const h = realClock.setTimeout(() => (fired = true), 2 ** 32);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fired, false);
  realClock.clearTimeout(h);
});

test("realClock: short timers fire and clearTimeout cancels", { timeout: TEST_TIMEOUT_MS }, async () => {
  const fired: string[] = [];
  realClock.setTimeout(() => fired.push("a"), 1);
  const h = realClock.setTimeout(() => fired.push("b"), 1);
  realClock.clearTimeout(h);
  await new Promise((resolve) => setTimeout(resolve, 15));
  await settle();
  assert.deepEqual(fired, ["a"]);
});
