// Issue 23's reduced apiserver restart in `npm test` (test/faults/apiserver-restart.ts; `npm run faults` runs it at
// full size): one relist per informer, no write while nothing changed, no update missed after the restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runApiserverRestart } from "../faults/apiserver-restart.ts";

test("an apiserver restart: informers relist at most twice (or resume their watch), no write while nothing changed, no missed update", async () => {
  const figures = await runApiserverRestart({ externalSecrets: 30, keys: 5, quietSeconds: 8 }, (line) => console.log(line));
  console.log(`figures: ${JSON.stringify(figures)}`);
  // The operator's own informers (its log): none in a loop. A watch whose next attempt fails while the apiserver is
  // down restarts its informer (one relist; a watch opened while the apiserver still settles can fail once more and
  // cost a second, seen in CI's full run); a watch that reconnects after the apiserver is back resumes from its
  // resourceVersion and needs no relist at all (the apiserver replays what it missed, or answers 410 -> relist).
  for (const informer of ["externalsecrets", "secretstores", "clustersecretstores", "secrets", "pushsecrets"]) {
    const relists = figures.relistsByInformer[informer] ?? 0;
    assert.ok(relists <= 2, `${informer} relisted ${relists} times`);
  }
  assert.ok(Object.values(figures.relistsByInformer).some((relists) => relists >= 1), "no informer noticed the restart");
  // The apiserver's count holds every client's LISTs, and the ones it answered 503 while starting (an informer that
  // relisted too early retries after its 1-2 s backoff; kube-controller-manager relists too): a few, never a storm.
  for (const [resource, lists] of Object.entries(figures.listsAfterRestart)) assert.ok(lists >= 1 && lists <= 5, `${resource}: ${lists} LISTs after the restart`);
  assert.equal(figures.writesWhileNothingChanged, 0);
  assert.equal(figures.missedUpdates, 0);
});
