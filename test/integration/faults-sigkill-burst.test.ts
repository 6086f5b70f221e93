// Issue 23's reduced SIGKILL burst in `npm test` (test/faults/sigkill-burst.ts; `npm run faults` runs it at full
// size): the operator process killed four times at random points of a burst of new ExternalSecrets and started
// again each time; no Secret written twice, none lost, every ExternalSecret converged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runSigkillBurst } from "../faults/sigkill-burst.ts";

test("SIGKILL at random points of a burst: no duplicate Secret write, no lost Secret, all converged", async () => {
  const seed = Date.now() % 1_000_000;
  const figures = await runSigkillBurst({ externalSecrets: 300, keys: 20, kills: 4, runMs: [50, 400], seed }, (line) => console.log(line));
  console.log(`figures (seed ${seed}): ${JSON.stringify(figures)}`);
  assert.equal(figures.lostSecrets, 0, "Secrets missing or wrong");
  assert.equal(figures.notConverged, 0, "ExternalSecrets not Ready after the last start");
  assert.equal(figures.duplicateSecretWrites, 0, `Secret writes beyond one per ExternalSecret (seed ${seed})`);
});
