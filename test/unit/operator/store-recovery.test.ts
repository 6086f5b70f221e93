import { test } from "node:test";
import assert from "node:assert/strict";
import { StoreRecovery } from "../../../src/operator/store-recovery.ts";

const S = "SecretStore/team/aws";
const OTHER = "ClusterSecretStore//shared";

test("StoreRecovery: the provider's first answer wakes the ExternalSecrets its outage failed, once", () => {
  const woken: string[][] = [];
  let now = 0;
  const recovery = new StoreRecovery((keys) => woken.push(keys.sort()), { now: () => now, minWakeIntervalMs: 5000 });
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

test("StoreRecovery: a provider answering only some calls wakes a store at most once per interval", () => {
  const woken: string[][] = [];
  let now = 0;
  const recovery = new StoreRecovery((keys) => woken.push(keys), { now: () => now, minWakeIntervalMs: 5000 });
  recovery.synced("team/a", [S], false);
  recovery.providerAnswered(S, true);
  recovery.synced("team/a", [S], false);
  now = 4999;
  recovery.providerAnswered(S, true);
  assert.equal(woken.length, 1, "too soon after the last wake");
  now = 5000;
  recovery.providerAnswered(S, true);
  assert.equal(woken.length, 2);
});

test("StoreRecovery: a deleted ExternalSecret is not woken", () => {
  const woken: string[][] = [];
  const recovery = new StoreRecovery((keys) => woken.push(keys));
  recovery.synced("team/gone", [S], false);
  recovery.forget("team/gone");
  recovery.providerAnswered(S, true);
  assert.deepEqual(woken, []);
  assert.equal(recovery.waiting(), 0);
});
