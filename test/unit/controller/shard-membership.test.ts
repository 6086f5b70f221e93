// Automatic shards: rendezvous hashing of slots, the claims bitmap, and the membership protocol over in-memory Leases
// (resourceVersion CAS, JSON round trip) on a fake clock. The invariant checked after every 100 ms step of every
// scenario: no slot is owned by two members at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiException, V1MicroTime, type V1Lease, type V1LeaseList } from "@kubernetes/client-node";
import { KubeConfig } from "../../../src/kube/http/index.ts";
import { FakeClock } from "../../../src/controller/clock.ts";
import { decodeClaims, encodeClaims } from "../../../src/controller/shards/claims.ts";
import { MEMBER_LABEL, type MemberLeaseApi } from "../../../src/controller/shards/member-lease.ts";
import { ShardMembership } from "../../../src/controller/shards/membership.ts";
import { slotOf, slotsWonBy } from "../../../src/controller/shards/rendezvous.ts";
import { settle, TEST_TIMEOUT_MS } from "./helpers.ts";

const SLOTS = 64;

test("rendezvous: the members' slots partition all slots, evenly enough", () => {
  const members = ["a", "b", "c"];
  const won = members.map((m) => slotsWonBy(m, members, 1024));
  const all = won.flatMap((s) => [...s]);
  assert.equal(all.length, 1024, "every slot won exactly once");
  assert.equal(new Set(all).size, 1024);
  for (const slots of won) assert.ok(slots.size > 1024 / 3 - 80 && slots.size < 1024 / 3 + 80, `share ${slots.size}`);
});

test("rendezvous: a member joining takes slots only from the others, a member leaving gives only its own", () => {
  const before = new Map(["a", "b"].map((m) => [m, slotsWonBy(m, ["a", "b"], 1024)]));
  const after = new Map(["a", "b", "c"].map((m) => [m, slotsWonBy(m, ["a", "b", "c"], 1024)]));
  for (const m of ["a", "b"]) for (const slot of after.get(m)!) assert.ok(before.get(m)!.has(slot), `${m} gained ${slot} when c joined`);
  assert.ok(after.get("c")!.size > 200);
});

test("slotOf: stable and in range", () => {
  assert.equal(slotOf("ns/app"), slotOf("ns/app"));
  for (const key of ["", "a", "SecretStore/vault|db/password", "x".repeat(10_000)]) {
    const slot = slotOf(key, 16);
    assert.ok(Number.isInteger(slot) && slot >= 0 && slot < 16);
  }
});

test("claims: round trip, slots past the count dropped, a malformed digit claims its four slots", () => {
  const slots = [0, 1, 5, 63, 64, 1000];
  assert.deepEqual([...decodeClaims(encodeClaims(slots, 64), 64)].sort((a, b) => a - b), [0, 1, 5, 63]);
  assert.equal(encodeClaims([], 64), "0".repeat(16));
  assert.deepEqual([...decodeClaims("z0", 64)], [0, 1, 2, 3]);
  assert.equal(decodeClaims(undefined, 64).size, 0);
});

/** The Leases of one namespace with the apiserver's contract for these calls; each member's calls can be failed. */
class MemoryLeases {
  readonly stored = new Map<string, V1Lease>();
  private rv = 0;
  api(failing: () => boolean = () => false): MemberLeaseApi {
    const gate = async () => {
      await Promise.resolve();
      if (failing()) throw new ApiException(503, "Unavailable", {}, {});
    };
    const round = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
    return {
      listNamespacedLease: async ({ labelSelector }) => {
        await gate();
        const [key, value] = labelSelector.split("=");
        return round({ items: [...this.stored.values()].filter((l) => l.metadata?.labels?.[key!] === value) }) as V1LeaseList;
      },
      readNamespacedLease: async ({ name }) => {
        await gate();
        const lease = this.stored.get(name);
        if (!lease) throw new ApiException(404, "NotFound", {}, {});
        return round(lease);
      },
      createNamespacedLease: async ({ body }) => {
        await gate();
        if (this.stored.has(body.metadata!.name!)) throw new ApiException(409, "AlreadyExists", {}, {});
        return this.write(body);
      },
      replaceNamespacedLease: async ({ name, body }) => {
        await gate();
        if (body.metadata?.resourceVersion !== this.stored.get(name)?.metadata?.resourceVersion) throw new ApiException(409, "Conflict", {}, {});
        return this.write(body);
      },
      deleteNamespacedLease: async ({ name }) => {
        await gate();
        if (!this.stored.delete(name)) throw new ApiException(404, "NotFound", {}, {});
        return {};
      },
    };
  }
  private write(body: V1Lease): V1Lease {
    const wire = JSON.parse(JSON.stringify(body)) as V1Lease;
    wire.metadata = { ...wire.metadata, resourceVersion: String(++this.rv) };
    this.stored.set(wire.metadata.name!, wire);
    return JSON.parse(JSON.stringify(wire)) as V1Lease;
  }
}

interface Member {
  id: string;
  shards: ShardMembership;
  acquired: number[];
  released: number[];
  down: boolean;
}

function fleet() {
  const clock = new FakeClock(Date.parse("2026-12-04T00:00:00Z"));
  const leases = new MemoryLeases();
  const members: Member[] = [];
  const join = (id: string): Member => {
    const member: Member = { id, acquired: [], released: [], down: false, shards: undefined as unknown as ShardMembership };
    member.shards = new ShardMembership({
      kc: new KubeConfig(),
      namespace: "ops",
      fleet: "secrets-bridge",
      identity: id,
      slotCount: SLOTS,
      leaseDurationMs: 4000,
      renewDeadlineMs: 3000,
      retryPeriodMs: 500,
      clock,
      api: leases.api(() => member.down),
      onAcquired: (slots) => member.acquired.push(...slots),
      onReleased: (slots) => member.released.push(...slots),
    });
    members.push(member);
    member.shards.start();
    return member;
  };
  const owners = (slot: number) => members.filter((m) => m.shards.owns(slot)).map((m) => m.id);
  /** Advances the clock in 100 ms steps, checking after each that no slot has two owners. */
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      clock.advance(100);
      await settle(4);
      for (let slot = 0; slot < SLOTS; slot++) assert.ok(owners(slot).length <= 1, `slot ${slot} owned by ${owners(slot).join(",")} at +${t}ms`);
    }
  };
  const owned = (m: Member) => Array.from({ length: SLOTS }, (_, s) => s).filter((s) => m.shards.owns(s));
  const unowned = () => Array.from({ length: SLOTS }, (_, s) => s).filter((s) => owners(s).length === 0);
  return { clock, leases, join, advance, owned, unowned, members };
}

test("one member takes every slot; its Lease carries the claims and the fleet label", { timeout: TEST_TIMEOUT_MS }, async () => {
  const f = fleet();
  const a = f.join("a");
  await f.advance(1000);
  assert.equal(f.owned(a).length, SLOTS);
  assert.equal(a.acquired.length, SLOTS, "onAcquired told of every slot once");
  const lease = [...f.leases.stored.values()][0]!;
  assert.equal(lease.metadata?.labels?.[MEMBER_LABEL], "secrets-bridge");
  assert.equal(lease.spec?.holderIdentity, "a");
  assert.equal(decodeClaims(lease.metadata?.annotations?.["secrets-bridge.dev/claims"], SLOTS).size, SLOTS);
  assert.deepEqual(a.shards.stats(), { members: 1, slots: SLOTS, acquired: SLOTS, released: 0 });
  await a.shards.stop();
  assert.equal(f.leases.stored.size, 0, "a stopped member deletes its Lease");
});

test("members joining one after another split the slots by rendezvous, never two owners of one slot", { timeout: TEST_TIMEOUT_MS }, async () => {
  const f = fleet();
  const a = f.join("a");
  await f.advance(1000);
  const b = f.join("b");
  await f.advance(3000);
  const c = f.join("c");
  await f.advance(3000);
  assert.deepEqual(f.unowned(), [], "every slot worked");
  for (const m of [a, b, c]) assert.deepEqual(new Set(f.owned(m)), slotsWonBy(m.id, ["a", "b", "c"], SLOTS), `${m.id} works what rendezvous gives it`);
  assert.equal(a.shards.stats().members, 3);
  assert.ok(a.shards.stats().released > 0 && c.shards.stats().acquired > 0);
  for (const m of [a, b, c]) await m.shards.stop();
});

test("a member that dies (no more renewals) stops working after renewDeadline; its slots move after the lease duration", { timeout: TEST_TIMEOUT_MS }, async () => {
  const f = fleet();
  const [a, b, c] = [f.join("a"), f.join("b"), f.join("c")];
  await f.advance(4000);
  assert.deepEqual(f.unowned(), []);
  const share = f.owned(c);
  assert.ok(share.length > 0);
  c.down = true; // every request fails from now on, as for a partitioned or killed replica
  await f.advance(3000);
  assert.deepEqual(f.owned(c), [], "fenced itself after renewDeadline");
  await f.advance(3000);
  assert.deepEqual(f.unowned(), [], "a and b took c's share over");
  for (const m of [a, b]) assert.deepEqual(new Set(f.owned(m)), slotsWonBy(m.id, ["a", "b"], SLOTS));
  c.down = false; // comes back: rejoins through the claims, no slot has two owners (checked at every step)
  await f.advance(4000);
  assert.deepEqual(new Set(f.owned(c)), slotsWonBy("c", ["a", "b", "c"], SLOTS));
  for (const m of [a, b, c]) await m.shards.stop();
});

test("a slot being handed over waits for the work in flight in it", { timeout: TEST_TIMEOUT_MS }, async () => {
  const f = fleet();
  const a = f.join("a");
  await f.advance(1000);
  const slot = [...slotsWonBy("b", ["a", "b"], SLOTS)][0]!;
  const leave = a.shards.enter(slot);
  assert.ok(leave, "a works every slot alone");
  const b = f.join("b");
  await f.advance(3000);
  assert.equal(a.shards.owns(slot), false, "a takes no new work in the slot it gives up");
  assert.equal(b.shards.owns(slot), false, "b waits: a still has work in flight there");
  assert.equal(a.shards.enter(slot), undefined);
  assert.ok(!a.released.includes(slot), "not released while its work is in flight");
  assert.ok(a.released.length > 0, "the other given-up slots, idle, were released");
  leave();
  await f.advance(2000);
  assert.equal(b.shards.owns(slot), true, "handed over once the work left");
  assert.ok(a.released.includes(slot), "released once its work left");
  for (const m of [a, b]) await m.shards.stop();
});

test("a member stopping gracefully hands its slots over at the others' next step, not after the lease duration", { timeout: TEST_TIMEOUT_MS }, async () => {
  const f = fleet();
  const [a, b] = [f.join("a"), f.join("b")];
  await f.advance(3000);
  await b.shards.stop();
  await f.advance(1500);
  assert.equal(f.owned(a).length, SLOTS);
  await a.shards.stop();
});

test("a member that counts slots differently blocks every handover instead of sharing a slot", { timeout: TEST_TIMEOUT_MS }, async () => {
  const f = fleet();
  const a = f.join("a");
  await f.advance(1000);
  const foreign = [...f.leases.stored.values()][0]!;
  // Another version's Lease appears, claiming nothing but hashing into 128 slots.
  await f.leases.api().createNamespacedLease({
    namespace: "ops",
    body: { ...foreign, metadata: { ...foreign.metadata, name: "secrets-bridge-member-other", resourceVersion: undefined, annotations: { "secrets-bridge.dev/claims": "", "secrets-bridge.dev/slots": "128" } }, spec: { ...foreign.spec, holderIdentity: "z", renewTime: undefined } },
  });
  const b = f.join("b");
  await f.advance(2000);
  assert.equal(f.owned(b).length, 0, "b starts nothing while a member's claims cannot be read");
  for (const m of [a, b]) await m.shards.stop();
});

test("a leader (--shards off) holding the fleet's Lease works everything: members start no slot, give theirs up, and take over once it is released or expires", { timeout: TEST_TIMEOUT_MS }, async () => {
  const f = fleet();
  /** The leader-election Lease as a leader of --shards off writes it: named after the fleet, no member label. */
  const lead = (holder: string) => {
    const current = f.leases.stored.get("secrets-bridge");
    const body: V1Lease = { metadata: { name: "secrets-bridge", namespace: "ops", resourceVersion: current?.metadata?.resourceVersion }, spec: { holderIdentity: holder, leaseDurationSeconds: 4, renewTime: new V1MicroTime(f.clock.now()) } };
    return current ? f.leases.api().replaceNamespacedLease({ name: "secrets-bridge", namespace: "ops", body }) : f.leases.api().createNamespacedLease({ namespace: "ops", body });
  };
  await lead("old-leader");
  const a = f.join("a");
  for (let i = 0; i < 6; i++) {
    await f.advance(1000);
    await lead("old-leader"); // renewed every second
  }
  assert.deepEqual(f.owned(a), [], "a works nothing while the leader holds the Lease");
  await lead(""); // released (a leader stopping gracefully)
  await f.advance(2000);
  assert.equal(f.owned(a).length, SLOTS, "released: a takes every slot");
  const b = f.join("b");
  await f.advance(3000);
  assert.deepEqual(f.unowned(), []);
  await lead("new-leader"); // a switch back to --shards off: a new leader appears
  await f.advance(1000);
  assert.deepEqual([...f.owned(a), ...f.owned(b)], [], "the members stepped aside");
  await f.advance(5000); // the leader died without releasing: its Lease expires
  assert.deepEqual(f.unowned(), [], "the members took over after the Lease expired");
  for (const m of [a, b]) await m.shards.stop();
});
