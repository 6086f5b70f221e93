import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../../src/controller/clock.ts";
import { StoreRecovery } from "../../../src/operator/store-recovery.ts";

const S = "SecretStore/team/aws";
const OTHER = "ClusterSecretStore//shared";

function harness(probeMs = 5000) {
  const clock = new FakeClock();
  const woken: string[][] = [];
  const recovery = new StoreRecovery((keys) => woken.push([...keys].sort()), { clock, probeMs });
  return { clock, woken, recovery };
}

test("StoreRecovery: the provider's first answer wakes the ExternalSecrets its outage failed, once", () => {
  const { woken, recovery } = harness();
  recovery.synced("team/a", [S], false);
  recovery.synced("team/b", [S], false);
  recovery.synced("team/c", [OTHER], false);
  recovery.providerAnswered(S, false);
  assert.deepEqual(woken, [], "still unavailable: nothing woken");
  recovery.synced("team/a", [S], true);
  assert.equal(recovery.waiting(), 2, "a synced (a cache hit, say): not a sign the provider is back");
  recovery.providerAnswered(S, true);
  assert.deepEqual(woken, [["team/b"]]);
  recovery.providerAnswered(S, true);
  assert.equal(woken.length, 1, "nothing left on that store");
  recovery.providerAnswered(OTHER, true);
  assert.deepEqual(woken[1], ["team/c"]);
  assert.equal(recovery.waiting(), 0);
});

test("StoreRecovery: while a store is out, one of its ExternalSecrets is retried per probe interval, in turn", () => {
  const { clock, woken, recovery } = harness(5000);
  recovery.synced("team/a", [S], false);
  recovery.synced("team/b", [S], false);
  clock.advance(4999);
  assert.deepEqual(woken, []);
  clock.advance(1);
  assert.deepEqual(woken, [["team/a"]]);
  recovery.synced("team/a", [S], false); // the probe failed: a goes to the back
  clock.advance(5000);
  assert.deepEqual(woken[1], ["team/b"]);
  recovery.synced("team/a", [S], true);
  recovery.synced("team/b", [S], true);
  clock.advance(20_000);
  assert.equal(woken.length, 2, "no probe once nothing waits");
  assert.equal(clock.pending(), 0);
});

test("StoreRecovery: a provider answering only some calls wakes a store at most once per probe interval", () => {
  const { clock, woken, recovery } = harness(5000);
  recovery.synced("team/a", [S], false);
  recovery.providerAnswered(S, true);
  recovery.synced("team/a", [S], false);
  clock.advance(4000);
  recovery.providerAnswered(S, true);
  assert.equal(woken.length, 1, "too soon after the last wake");
  clock.advance(1000); // the probe fires too: one retry
  assert.equal(woken.length, 2);
  recovery.providerAnswered(S, true);
  assert.equal(woken.length, 3, "a window later, an answer wakes them again");
});

test("StoreRecovery: a deleted ExternalSecret is not woken; stop clears the probes", () => {
  const { clock, woken, recovery } = harness();
  recovery.synced("team/gone", [S], false);
  recovery.forget("team/gone");
  recovery.providerAnswered(S, true);
  assert.deepEqual(woken, []);
  recovery.synced("team/x", [S], false);
  recovery.stop();
  clock.advance(60_000);
  assert.deepEqual(woken, []);
  assert.equal(recovery.waiting(), 0);
});
