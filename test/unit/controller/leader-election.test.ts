// LeaderElector loop with an in-memory Lease (resourceVersion CAS, JSON round trip): acquire, renew, standby, takeover, loss, release.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiException } from "@kubernetes/client-node";
import { KubeConfig } from "../../../src/kube/http/index.ts";
import type { V1Lease } from "@kubernetes/client-node";
import { FakeClock, type Clock } from "../../../src/controller/clock.ts";
import { LeaderElector } from "../../../src/controller/leader-election.ts";
import type { LeaseApi } from "../../../src/controller/leader-election.ts";
import { TEST_TIMEOUT_MS, settle } from "./helpers.ts";

/** One Lease with the apiserver's contract for these three calls (404, 409 on create/stale resourceVersion). */
class MemoryLease implements LeaseApi {
  stored: V1Lease | undefined;
  failWith: number | undefined;
  hang = false;
  calls = 0;
  private rv = 0;
  async readNamespacedLease(): Promise<V1Lease> {
    await this.gate();
    if (!this.stored) throw apiError(404, "NotFound");
    return JSON.parse(JSON.stringify(this.stored)) as V1Lease; // times come back as strings, like client-node
  }
  async createNamespacedLease(p: { body: V1Lease }): Promise<V1Lease> {
    await this.gate();
    if (this.stored) throw apiError(409, "AlreadyExists");
    return this.write(p.body);
  }
  async replaceNamespacedLease(p: { body: V1Lease }): Promise<V1Lease> {
    await this.gate();
    if (p.body.metadata?.resourceVersion !== this.stored?.metadata?.resourceVersion) throw apiError(409, "Conflict");
    return this.write(p.body);
  }
  write(body: V1Lease): V1Lease {
    const wire = JSON.parse(JSON.stringify(body)) as V1Lease;
    wire.metadata = { ...wire.metadata, resourceVersion: String(++this.rv) };
    this.stored = wire;
    return JSON.parse(JSON.stringify(wire)) as V1Lease;
  }
  holder(): string | undefined {
    return this.stored?.spec?.holderIdentity;
  }
  private async gate(): Promise<void> {
    this.calls++;
    if (this.hang) await new Promise(() => {});
    if (this.failWith) throw apiError(this.failWith, "InternalError");
  }
}

function apiError(code: number, reason: string): ApiException<unknown> {
  return new ApiException(code, reason, { kind: "Status", reason }, {});
}

function elector(api: LeaseApi, clock: Clock, identity: string) {
  const events: string[] = [];
  const e = new LeaderElector({ kc: new KubeConfig(), namespace: "ops", name: "secrets-bridge", identity, api, clock });
  const callbacks = { onStartedLeading: () => events.push("started"), onStoppedLeading: () => events.push("stopped") };
  return { e, events, run: () => e.run(callbacks) };
}

async function advance(clock: FakeClock, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await settle(1);
  }
}

test("acquires an absent Lease, then renews it every retryPeriod keeping acquireTime", { timeout: TEST_TIMEOUT_MS }, async () => {
  const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
  const api = new MemoryLease();
  const a = elector(api, clock, "a");
  const start = clock.now();
  a.run();
  await advance(clock, 100);
  assert.deepEqual(a.events, ["started"]);
  assert.equal(a.e.isLeader(), true);
  assert.equal(api.holder(), "a");
  const acquired = api.stored?.spec?.acquireTime;
  assert.match(String(api.stored?.spec?.renewTime), /\.\d{6}Z$/, "MicroTime with 6 fraction digits");
  await advance(clock, 6000);
  assert.equal(api.stored?.spec?.acquireTime, acquired);
  // The stub answers on the next step of `advance`, so the first write lands at start+100.
  assert.equal(Date.parse(String(acquired)), start + 100);
  assert.equal(Date.parse(String(api.stored?.spec?.renewTime)), start + 100 + 6000, "renewed 2s, 4s and 6s after acquiring");
  assert.equal(api.calls, 8, "4 attempts (create + 3 renewals), a read and a write each");
  assert.equal(api.stored?.spec?.leaseTransitions, 0);
  await a.e.stop();
});

test("a standby waits while the leader renews, then takes over a leaseDuration after renewals stop", { timeout: TEST_TIMEOUT_MS }, async () => {
  const clock = new FakeClock(0);
  const api = new MemoryLease();
  const a = elector(api, clock, "a");
  const b = elector(api, clock, "b");
  a.run();
  await advance(clock, 100);
  b.run();
  await advance(clock, 30_000);
  assert.deepEqual(b.events, [], "never leads while a renews");
  assert.equal(api.holder(), "a");
  await a.e.stop(); // crash-like: no release
  const lastRenewal = Date.parse(String(api.stored?.spec?.renewTime));
  const stoppedAt = clock.now();
  await advance(clock, lastRenewal + 15_000 - stoppedAt);
  assert.deepEqual(b.events, [], "not before the lease expires");
  await advance(clock, 7000);
  assert.deepEqual(b.events, ["started"]);
  assert.equal(api.holder(), "b");
  assert.equal(api.stored?.spec?.leaseTransitions, 1);
  assert.deepEqual(a.events, ["started"], "stop() is voluntary: no onStoppedLeading");
  await b.e.stop();
});

test("renewals failing for renewDeadline end leadership once, for good", { timeout: TEST_TIMEOUT_MS }, async () => {
  const clock = new FakeClock(0);
  const api = new MemoryLease();
  const a = elector(api, clock, "a");
  a.run();
  await advance(clock, 100);
  api.failWith = 500;
  const lastRenewalAt = clock.now() - 100;
  await advance(clock, lastRenewalAt + 9_900 - clock.now());
  assert.equal(a.e.isLeader(), true, "still within renewDeadline");
  await advance(clock, 200);
  assert.equal(a.e.isLeader(), false);
  assert.deepEqual(a.events, ["started", "stopped"]);
  const calls = api.calls;
  api.failWith = undefined;
  await advance(clock, 30_000);
  assert.equal(api.calls, calls, "no more attempts after losing");
  assert.deepEqual(a.events, ["started", "stopped"]);
  assert.equal(clock.pending(), 0);
});

test("a hung apiserver cannot keep us leading: leadership ends at renewDeadline", { timeout: TEST_TIMEOUT_MS }, async () => {
  const clock = new FakeClock(0);
  const api = new MemoryLease();
  const a = elector(api, clock, "a");
  a.run();
  await advance(clock, 100);
  api.hang = true;
  await advance(clock, 10_000);
  assert.deepEqual(a.events, ["started", "stopped"]);
  assert.equal(a.e.isLeader(), false);
});

test("a candidate whose request hangs gives up on it after renewDeadline and tries again", { timeout: TEST_TIMEOUT_MS }, async () => {
  const clock = new FakeClock(0);
  const api = new MemoryLease();
  api.hang = true;
  const b = elector(api, clock, "b");
  b.run();
  await advance(clock, 5000);
  api.hang = false; // the apiserver is back; the first request is still stuck
  await advance(clock, 20_000);
  assert.deepEqual(b.events, ["started"]);
  await b.e.stop();
});

test("a leader that finds another holder on its Lease steps down at once", { timeout: TEST_TIMEOUT_MS }, async () => {
  const clock = new FakeClock(0);
  const api = new MemoryLease();
  const a = elector(api, clock, "a");
  a.run();
  await advance(clock, 100);
  api.write({ ...api.stored, spec: { ...api.stored?.spec, holderIdentity: "intruder" } });
  await advance(clock, 2000);
  assert.deepEqual(a.events, ["started", "stopped"]);
  assert.equal(api.holder(), "intruder", "we never write over the new holder");
});

test("release() clears holderIdentity and a standby takes over at its next retry, not after leaseDuration", { timeout: TEST_TIMEOUT_MS }, async () => {
  const clock = new FakeClock(0);
  const api = new MemoryLease();
  const a = elector(api, clock, "a");
  const b = elector(api, clock, "b");
  a.run();
  await advance(clock, 100);
  b.run();
  await advance(clock, 5000);
  await a.e.release();
  assert.equal(api.holder(), "");
  assert.equal(a.e.isLeader(), false);
  await advance(clock, 4500); // one jittered retry period at most (2s * 2.2)
  assert.deepEqual(b.events, ["started"]);
  assert.deepEqual(a.events, ["started"]);
  await b.e.stop();
});

test("two candidates racing for an absent Lease: exactly one wins (409 for the other)", { timeout: TEST_TIMEOUT_MS }, async () => {
  const clock = new FakeClock(0);
  const api = new MemoryLease();
  const a = elector(api, clock, "a");
  const b = elector(api, clock, "b");
  a.run();
  b.run();
  await advance(clock, 20_000);
  const leaders = [a, b].filter((x) => x.e.isLeader()).map((x) => x.events);
  assert.equal(leaders.length, 1);
  assert.deepEqual(leaders[0], ["started"]);
  await a.e.stop();
  await b.e.stop();
});

const startCases = [
  { name: "a Lease left by a long-dead leader is taken at once", given: { renewedAgoMs: 60_000 }, want: ["started"] },
  { name: "a freshly renewed Lease of another holder is respected", given: { renewedAgoMs: 1_000 }, want: [] },
];

for (const c of startCases) {
  test(`first sight: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
    const api = new MemoryLease();
    api.write({ metadata: { name: "secrets-bridge" }, spec: { holderIdentity: "old", leaseDurationSeconds: 15, renewTime: new Date(clock.now() - c.given.renewedAgoMs).toISOString() as never } });
    const b = elector(api, clock, "b");
    b.run();
    await advance(clock, 100);
    assert.deepEqual(b.events, c.want);
    await b.e.stop();
  });
}

test("options are validated like client-go (leaseDuration > renewDeadline > retryPeriod)", { timeout: TEST_TIMEOUT_MS }, () => {
  assert.throws(() => new LeaderElector({ kc: new KubeConfig(), namespace: "n", name: "l", identity: "i", api: new MemoryLease(), leaseDurationMs: 5000, renewDeadlineMs: 10_000 }));
});

/** One replica's view of `base`: its wall clock set off by `offsetMs` (movable), its timers and monotonic time real. */
function jumpable(base: FakeClock): Clock & { offsetMs: number } {
  return { offsetMs: 0, now() { return base.now() + this.offsetMs; }, monotonic: () => base.now(), setTimeout: (fn, ms) => base.setTimeout(fn, ms), clearTimeout: (h) => base.clearTimeout(h) };
}

test("a wall-clock jump changes nothing: a standby jumped an hour ahead waits out the lease, a leader jumped ahead keeps leading", { timeout: TEST_TIMEOUT_MS }, async () => {
  const base = new FakeClock(0);
  const api = new MemoryLease();
  const clockA = jumpable(base);
  const clockB = jumpable(base);
  const a = elector(api, clockA, "a");
  const b = elector(api, clockB, "b");
  a.run();
  await advance(base, 100);
  b.run();
  await advance(base, 5_000);
  // The leader's own wall clock jumps: its renew deadline is measured on the monotonic clock.
  clockA.offsetMs += 3_600_000;
  assert.equal(a.e.isLeader(), true, "a forward jump does not end a healthy term");
  await advance(base, 5_000);
  assert.equal(api.holder(), "a");
  await a.e.stop(); // crash-like: the Lease stays as last renewed
  // The standby's wall clock jumps an hour ahead right after: on a wall clock the Lease would look long expired.
  clockB.offsetMs += 3_600_000;
  await advance(base, 5_000);
  assert.deepEqual(b.events, [], "not before a leaseDuration of its own time has passed");
  // Takeover comes a leaseDuration (15 s) after b last saw the record change, which is up to a jittered retry period
  // after a's last renewal, plus one more retry period: up to ~20 s after the stop. 20 s more leaves slack for a
  // loaded machine, where the fake clock's steps can outrun the elector's promise chains (seen once in a full run).
  await advance(base, 20_000);
  assert.deepEqual(b.events, ["started"]);
  // And back: a leader whose clock is set back two hours keeps leading, renewing as before.
  clockB.offsetMs -= 7_200_000;
  await advance(base, 10_000);
  assert.equal(b.e.isLeader(), true);
  assert.equal(api.holder(), "b");
  await b.e.stop();
});
