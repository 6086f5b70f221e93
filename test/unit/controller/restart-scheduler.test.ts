// RestartScheduler: error restarts after jittered backoff (reset after a healthy run), stale restarts after silence.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExponentialBackoff } from "../../../src/controller/backoff.ts";
import { FakeClock } from "../../../src/controller/clock.ts";
import { RestartScheduler } from "../../../src/controller/restart-scheduler.ts";
import type { RestartReason } from "../../../src/controller/restart-scheduler.ts";
import { TEST_TIMEOUT_MS } from "./helpers.ts";

type Step = { at: number; do: "runStarted" | "touch" | "failed" | "cancel" };

function simulate(steps: Step[], until: number, random = () => 0) {
  const clock = new FakeClock(0);
  const restarts: Array<[RestartReason, number]> = [];
  const s = new RestartScheduler({
    clock,
    backoff: new ExponentialBackoff({ baseMs: 100, maxMs: 1000 }),
    key: "informer",
    staleAfterMs: 1000,
    resetAfterMs: 5000,
    random,
    restart: (reason) => {
      restarts.push([reason, clock.now()]);
      s.runStarted(); // what the informer does: a new run starts right away
    },
  });
  for (const step of steps) {
    clock.advance(step.at - clock.now());
    s[step.do]();
  }
  clock.advance(until - clock.now());
  return { restarts, pending: clock.pending() };
}

const cases: Array<{ name: string; given: { steps: Step[]; until: number }; want: Array<[RestartReason, number]> }> = [
  {
    name: "an error restarts after the base backoff",
    given: { steps: [{ at: 0, do: "runStarted" }, { at: 50, do: "failed" }], until: 500 },
    want: [["error", 150]],
  },
  {
    name: "consecutive quick failures double the delay",
    given: { steps: [{ at: 0, do: "runStarted" }, { at: 0, do: "failed" }, { at: 110, do: "failed" }, { at: 320, do: "failed" }], until: 800 },
    want: [["error", 100], ["error", 310], ["error", 720]],
  },
  {
    name: "a run that was healthy for resetAfterMs starts the backoff over",
    given: {
      steps: [{ at: 0, do: "runStarted" }, { at: 0, do: "failed" }, { at: 100, do: "touch" }, { at: 600, do: "touch" }, { at: 1200, do: "touch" }, { at: 1800, do: "touch" }, { at: 2400, do: "touch" }, { at: 3000, do: "touch" }, { at: 3600, do: "touch" }, { at: 4200, do: "touch" }, { at: 4800, do: "touch" }, { at: 5200, do: "failed" }],
      until: 5400,
    },
    want: [["error", 100], ["error", 5300]],
  },
  {
    name: "silence for staleAfterMs restarts at once; every restart resets the silence clock",
    given: { steps: [{ at: 0, do: "runStarted" }], until: 2500 },
    want: [["stale", 1000], ["stale", 2000]],
  },
  {
    name: "touches postpone the stale restart to 1000ms after the last one",
    given: { steps: [{ at: 0, do: "runStarted" }, { at: 700, do: "touch" }, { at: 1500, do: "touch" }], until: 2600 },
    want: [["stale", 2500]],
  },
  {
    name: "no stale restart while an error restart is pending, and a second failure is ignored",
    given: { steps: [{ at: 0, do: "runStarted" }, { at: 990, do: "failed" }, { at: 1000, do: "failed" }], until: 1089 },
    want: [], // the error restart is due at 1090 (next test); the stale one (due at 1000) was cancelled
  },
  {
    name: "cancel stops everything",
    given: { steps: [{ at: 0, do: "runStarted" }, { at: 10, do: "failed" }, { at: 20, do: "cancel" }], until: 10_000 },
    want: [],
  },
];

for (const c of cases) {
  test(`restart scheduler: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, () => {
    const { restarts } = simulate(c.given.steps, c.given.until);
    assert.deepEqual(restarts, c.want);
  });
}

test("restart scheduler: the pending error restart fires once at its backoff, not earlier", { timeout: TEST_TIMEOUT_MS }, () => {
  const { restarts } = simulate([{ at: 0, do: "runStarted" }, { at: 990, do: "failed" }, { at: 1000, do: "failed" }], 1090);
  assert.deepEqual(restarts, [["error", 1090]]);
});

test("restart scheduler: jitter spreads error delays upwards within 20%", { timeout: TEST_TIMEOUT_MS }, () => {
  const low = simulate([{ at: 0, do: "runStarted" }, { at: 0, do: "failed" }], 200, () => 0).restarts;
  const high = simulate([{ at: 0, do: "runStarted" }, { at: 0, do: "failed" }], 200, () => 0.999).restarts;
  assert.deepEqual(low, [["error", 100]]);
  assert.equal(high[0]?.[0], "error");
  assert.ok((high[0]?.[1] ?? 0) > 119 && (high[0]?.[1] ?? 0) <= 120);
});

test("restart scheduler: no timers left after cancel", { timeout: TEST_TIMEOUT_MS }, () => {
  const { pending } = simulate([{ at: 0, do: "runStarted" }, { at: 5, do: "cancel" }], 5);
  assert.equal(pending, 0);
});
