// Issue 23's reduced set in `npm test`: a provider outage under 40 ExternalSecrets on 10 keys (see
// test/faults/provider-outage.ts; `npm run faults` runs it at full size). Counts are asserted, times only printed.
// The outage outlasts the read cache (10 s), which hides shorter ones from ExternalSecrets entirely.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runProviderOutage } from "../faults/provider-outage.ts";

test("a provider outage loses no Secret, stays within the store's budget, and is recovered without a herd", async () => {
  const figures = await runProviderOutage(
    { externalSecrets: 40, keys: 10, intervalSeconds: 2, outageSeconds: 12, storeRequestsPerSecond: 5, storeRequestsBurst: 10 },
    (line) => console.log(line),
  );
  console.log(`figures: ${JSON.stringify(figures)}`);
  assert.equal(figures.secretsLost, 0, "no Secret deleted");
  assert.equal(figures.secretsChanged, 0, "no Secret blanked or changed");
  assert.ok(figures.reportedNotReady > 0, "the outage was reported");
  assert.ok(figures.requestsDuringOutage <= figures.budgetBound, `requests to the failing provider ${figures.requestsDuringOutage} within the budget's ${figures.budgetBound}`);
  // One read per distinct key per interval, plus the store's validation and a retry's worth of slack.
  assert.ok(figures.readsDuringRecovery <= 3 * figures.keys, `reads from the return until recovered: ${figures.readsDuringRecovery} for ${figures.keys} keys`);
});
