// Issue 23's reduced object fuzzing in `npm test` (test/faults/object-fuzz.ts; `npm run faults` runs more objects):
// every fuzzed ExternalSecret, SecretStore, PushSecret, ClusterExternalSecret and generator (behind an ExternalSecret) is refused by the CRD with a message or reconciled to a Ready
// condition with a message, the operator keeps running, logs no planted value and leaves a foreign Secret alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runObjectFuzz } from "../faults/object-fuzz.ts";

test("fuzzed objects: refused with a message or reconciled to a clear condition; no crash, no leak, no foreign write", async () => {
  // A fixed seed: a failure is reproducible; `npm run faults -- --fuzz-seed` tries others.
  const figures = await runObjectFuzz({ runs: 60, seed: 20261204, conditionTimeoutMs: 30_000 }, (line) => console.log(line));
  console.log(`figures: ${JSON.stringify(figures)}`);
  assert.ok(figures.refused > 0 && figures.refused < figures.tried, "the grammar makes both refused and accepted objects");
  assert.ok((figures.generators ?? 0) > 0, "generators were among them");
  assert.ok((figures.acceptedByKind?.["ClusterExternalSecret"] ?? 0) > 0, "ClusterExternalSecrets were among them");
  assert.equal(figures.refusedWithoutMessage, 0);
  assert.deepEqual(figures.noCondition, [], "every accepted object got a Ready condition");
  assert.equal(figures.readyFalseWithoutMessage, 0);
  assert.ok(figures.operatorStillReady, "the operator still runs");
  assert.equal(figures.leakedValues, 0, "no planted value in the logs");
  assert.equal(figures.foreignSecretTouched, false, "a Secret the operator does not own was not written");
});
