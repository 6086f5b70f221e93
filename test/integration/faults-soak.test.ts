// Issue 23's reduced soak in `npm test` (test/faults/soak.ts; `npm run faults` runs 30 minutes at 1,000): the
// operator process under 90 s of churn (creates, updates, deletes, rotations, store changes) converges afterwards,
// leaves no Secret of a deleted ExternalSecret behind, and is still ready. The memory slopes are printed, not
// asserted: 90 s is too short to tell a leak from warm-up (the full run's figures are in docs/reliability.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { runSoak } from "../faults/soak.ts";

test("a short soak with churn: everything converges, nothing left behind, the operator still ready", async () => {
  const figures = await runSoak({ externalSecrets: 100, keys: 10, minutes: 1.5, intervalSeconds: 10, churnEverySeconds: 3, rotateEvery: 5, storeChangeEvery: 7, seed: 4242 }, (line) => console.log(line));
  console.log(`figures: ${JSON.stringify(figures)}`);
  assert.ok(figures.churn.created > 0 && figures.churn.deleted > 0 && figures.churn.updated > 0 && figures.churn.rotations > 0, "the churn ran");
  assert.equal(figures.notConverged, 0);
  assert.equal(figures.leftBehind, 0);
  assert.equal(figures.operatorAlive, true);
  assert.ok(figures.samples >= 5, `${figures.samples} samples`);
});
