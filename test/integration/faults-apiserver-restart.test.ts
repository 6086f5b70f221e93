// Issue 23's reduced apiserver restart in `npm test` (test/faults/apiserver-restart.ts; `npm run faults` runs it at
// full size): one relist per informer, no write while nothing changed, no update missed after the restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runApiserverRestart } from "../faults/apiserver-restart.ts";

test("an apiserver restart: one relist per informer, no write while nothing changed, no missed update", async () => {
  const figures = await runApiserverRestart({ externalSecrets: 30, keys: 5, quietSeconds: 8 }, (line) => console.log(line));
  console.log(`figures: ${JSON.stringify(figures)}`);
  // The apiserver counts every LIST it answered, a 503 while it was still starting included: an informer whose first
  // relist came too early retries once after its backoff (1-2 s), so one informer is 1-2 LISTs. Secrets are also
  // listed by kube-controller-manager after the restart. A relist storm would be many more.
  const bound: Record<string, number> = { externalsecrets: 2, secretstores: 2, clustersecretstores: 2, pushsecrets: 2, secrets: 3 };
  for (const [resource, most] of Object.entries(bound)) {
    const lists = figures.listsAfterRestart[resource] ?? 0;
    assert.ok(lists >= 1 && lists <= most, `${resource}: ${lists} LISTs after the restart (at most ${most})`);
  }
  assert.equal(figures.writesWhileNothingChanged, 0);
  assert.equal(figures.missedUpdates, 0);
});
