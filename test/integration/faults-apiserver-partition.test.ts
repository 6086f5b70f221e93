// Issue 23's reduced apiserver partition in `npm test` (test/faults/apiserver-partition.ts; `npm run faults` runs it
// at full size): every update made while the operator was cut off arrives after the heal, without a relist storm,
// without a retry hot loop while cut, and with one Secret write per ExternalSecret that changed or appeared.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runApiserverPartition } from "../faults/apiserver-partition.ts";

test("an apiserver partition: nothing missed after the heal, no relist storm, no retry loop, writes only for what changed", async () => {
  const figures = await runApiserverPartition({ externalSecrets: 30, keys: 5, partitionSeconds: 20, createdDuring: 5, quietSeconds: 5 }, (line) => console.log(line));
  console.log(`figures: ${JSON.stringify(figures)}`);
  assert.equal(figures.missedUpdates, 0);
  assert.equal(figures.operatorReady, true);
  // The operator's own informers relist about once each after the heal (a watch that fails again while it settles
  // costs one more); kube-controller-manager, which was never cut off, lists nothing of these.
  for (const [resource, lists] of Object.entries(figures.listsAfterHeal)) assert.ok(lists <= 3, `${resource}: ${lists} LISTs after the heal`);
  // Retries while cut off: each informer and in-flight request backs off; a hot loop would open hundreds in 20 s.
  assert.ok(figures.connectionsWhileCut <= 60, `${figures.connectionsWhileCut} connections while cut off`);
  assert.equal(figures.secretWritesAfterHeal, figures.expectedSecretWrites);
});
