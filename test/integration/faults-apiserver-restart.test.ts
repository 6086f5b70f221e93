// Issue 23's reduced apiserver restart in `npm test` (test/faults/apiserver-restart.ts; `npm run faults` runs it at
// full size): one relist per informer, no write while nothing changed, no update missed after the restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runApiserverRestart } from "../faults/apiserver-restart.ts";

test("an apiserver restart: each informer relists (once, or twice while it settles), no write while nothing changed, no missed update", async () => {
  const figures = await runApiserverRestart({ externalSecrets: 30, keys: 5, quietSeconds: 8 }, (line) => console.log(line));
  console.log(`figures: ${JSON.stringify(figures)}`);
  // The operator's own informers (its log): each relisted, none in a loop. Usually once; a watch opened while the
  // apiserver still settles can fail once more and cost a second relist (seen in CI's full run).
  for (const informer of ["externalsecrets", "secretstores", "clustersecretstores", "secrets", "pushsecrets"]) {
    const relists = figures.relistsByInformer[informer] ?? 0;
    assert.ok(relists >= 1 && relists <= 2, `${informer} relisted ${relists} times`);
  }
  // The apiserver's count holds every client's LISTs, and the ones it answered 503 while starting (an informer that
  // relisted too early retries after its 1-2 s backoff; kube-controller-manager relists too): a few, never a storm.
  for (const [resource, lists] of Object.entries(figures.listsAfterRestart)) assert.ok(lists >= 1 && lists <= 5, `${resource}: ${lists} LISTs after the restart`);
  assert.equal(figures.writesWhileNothingChanged, 0);
  assert.equal(figures.missedUpdates, 0);
});
