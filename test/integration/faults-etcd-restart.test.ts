// Issue 23's reduced etcd restart in `npm test` (test/faults/apiserver-restart.ts with peer etcd; `npm run faults`
// runs it at full size): etcd down for a few seconds under current ExternalSecrets, the apiserver staying up.
// No relist storm, no write while nothing changed, no update missed after etcd is back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runApiserverRestart } from "../faults/apiserver-restart.ts";

test("an etcd restart (down 5 s): no relist storm, no write while nothing changed, no missed update", async () => {
  const figures = await runApiserverRestart({ peer: "etcd", etcdDownSeconds: 5, externalSecrets: 30, keys: 5, quietSeconds: 8 }, (line) => console.log(line));
  console.log(`figures: ${JSON.stringify(figures)}`);
  // The apiserver's watch cache rides the restart out; the operator's watches may stay open (no relist) or be
  // closed and relisted once. Never in a loop.
  for (const [informer, relists] of Object.entries(figures.relistsByInformer)) assert.ok(relists <= 2, `${informer} relisted ${relists} times`);
  for (const [resource, lists] of Object.entries(figures.listsAfterRestart)) assert.ok(lists <= 5, `${resource}: ${lists} LISTs after the restart`);
  assert.equal(figures.writesWhileNothingChanged, 0);
  assert.equal(figures.missedUpdates, 0);
});
