import { test } from "node:test";
import assert from "node:assert/strict";
import { rolloutCondition } from "../../../../src/reconcilers/rollout-restart/condition.ts";

const now = new Date("2026-12-03T20:00:00.000Z");
const earlier = "2026-12-01T00:00:00Z";
const failed = { type: "RolloutRestart", status: "False" as const, reason: "RolloutRestartFailed", message: "Deployment a not found; StatefulSet b forbidden", lastTransitionTime: earlier };

test("rolloutCondition", () => {
  const cases = [
    { name: "no failure, none before: no condition at all", given: { failures: [], previous: undefined }, want: undefined },
    {
      name: "failures: False, messages in workload order",
      given: { failures: [["StatefulSet b", "StatefulSet b forbidden"], ["Deployment a", "Deployment a not found"]], previous: undefined },
      want: { ...failed, lastTransitionTime: "2026-12-03T20:00:00Z" },
    },
    { name: "the same failures again: nothing to write", given: { failures: [["Deployment a", "Deployment a not found"], ["StatefulSet b", "StatefulSet b forbidden"]], previous: failed }, want: undefined },
    {
      name: "one failure fewer: still False, transition time kept",
      given: { failures: [["Deployment a", "Deployment a not found"]], previous: failed },
      want: { ...failed, message: "Deployment a not found" },
    },
    {
      name: "all restarted after a failure: True",
      given: { failures: [], previous: failed },
      want: { type: "RolloutRestart", status: "True", reason: "RolloutRestarted", message: "every workload depending on the secret was restarted", lastTransitionTime: "2026-12-03T20:00:00Z" },
    },
  ] as const;
  for (const { name, given, want } of cases) {
    assert.deepEqual(rolloutCondition(new Map(given.failures as ReadonlyArray<[string, string]>), given.previous, now), want, name);
  }
});
