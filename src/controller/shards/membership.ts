// Automatic shards: every replica is a member with its own Lease, the slots (see rendezvous.ts) are split among the
// live members, and a slot changes hands only through the claims the members publish in their Leases.
//
// Why claims and not just "everyone computes the same split": members see joins and deaths at slightly different
// moments, so two of them can believe the same slot is theirs. The handover rule closes that window:
//   - a member starts a slot only after it has published its claim AND a fresh (quorum) list of the Leases, read
//     after that write, shows no other live member claiming it. Of two members claiming at once, at least one sees
//     the other's claim (etcd is linearizable) and waits; if both see each other, both wait and retry.
//   - a member gives a slot up by first refusing new work in it, then waiting for the work in flight there, and
//     only then removing the claim from its Lease.
//   - a member that has not renewed its Lease for renewDeadline stops all work at once; the others treat its
//     claims as void only after leaseDuration (> renewDeadline) without seeing its Lease change, on their own
//     clocks, as client-go's leader election judges expiry. A dead member's slots are taken over after that.
//   - the fleet's leader-election Lease (named after the fleet itself), while a leader holds it, claims every slot
//     and members give theirs up: switching a Deployment between --shards off and auto rolls new pods in beside
//     old ones, and a leader (old or new) works everything while it holds that Lease. The members take over once
//     it releases the Lease or the Lease expires. (A new leader does not wait for old members: they step aside
//     at their next step instead.)
// Writes to Secrets keep their own compare-before-write and resourceVersion preconditions besides.
import type { V1Lease } from "@kubernetes/client-node";
import { CoordinationV1Api, type KubeConfig } from "../../kube/http/index.ts";
import type { Logger } from "pino";
import { monotonicNow, realClock, type Clock } from "../clock.ts";
import { jittered } from "../jitter.ts";
import { observe, type Observation } from "../lease-record.ts";
import { errorMessage, silentLogger } from "../logging.ts";
import { withTimeout } from "../with-timeout.ts";
import { statusCode } from "../api-errors.ts";
import { decodeClaims, encodeClaims } from "./claims.ts";
import { CLAIMS_ANNOTATION, fleetLabelValue, MEMBER_LABEL, memberLeaseBody, memberLeaseName, SLOTS_ANNOTATION, type MemberLeaseApi } from "./member-lease.ts";
import { SLOT_COUNT, slotsWonBy } from "./rendezvous.ts";

export interface ShardMembershipOptions {
  kc: KubeConfig;
  namespace: string;
  /** The fleet's name (the leader-election id): member Leases are `<fleet>-member-<hash of identity>`. */
  fleet: string;
  /** Unique per process (`${hostname}_${randomUUID()}`). */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  slotCount?: number;
  /** Slots this member has just started (claim confirmed): queue the work in them. */
  onAcquired: (slots: ReadonlySet<number>) => void;
  /** Slots given up (or all, when fenced) once their work in flight has ended: let go of what only they needed. */
  onReleased?: (slots: ReadonlySet<number>) => void;
  log?: Logger;
  clock?: Clock;
  /** Defaults to kc.makeApiClient(CoordinationV1Api). For tests. */
  api?: MemberLeaseApi;
}

/** What the metrics report. */
export interface ShardStats {
  /** Live members seen, this one included. */
  members: number;
  /** Slots this member works now. */
  slots: number;
  /** Slots started since the process began (first start included) and slots given up. */
  acquired: number;
  released: number;
}

interface View {
  /** Identities of the other live members. */
  others: Set<string>;
  /** Slots the other live members claim. */
  claimedByOthers: Set<number>;
  /** Our own Lease as the apiserver has it (undefined: absent). */
  own: V1Lease | undefined;
  /** A leader (--shards off) holds the fleet's Lease: it works every slot. */
  leaderHolds: boolean;
}

export class ShardMembership {
  readonly #opts: ShardMembershipOptions;
  readonly #api: MemberLeaseApi;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #slotCount: number;
  readonly #leaseName: string;
  readonly #selector: string;
  /** Slots work may start in. */
  readonly #working = new Set<number>();
  /** Work in flight, by slot: a slot given up keeps its claim until this reaches 0. */
  readonly #inFlight = new Map<number, number>();
  readonly #observed = new Map<string, Observation>();
  /** Slots given up whose onReleased has not been called yet (work may still be in flight there). */
  readonly #pendingRelease = new Set<number>();
  #lastRenewAt = Number.NEGATIVE_INFINITY;
  /** Whether the last view saw a leader holding the fleet's Lease (logged once per sighting). */
  #leaderSeen = false;
  #desired: { members: string; slots: Set<number> } | undefined;
  #members = 1;
  #acquired = 0;
  #released = 0;
  #phase: "idle" | "running" | "stopped" = "idle";
  #timer: unknown;
  #step: Promise<unknown> | undefined;
  readonly #firstStep = Promise.withResolvers<void>();

  constructor(opts: ShardMembershipOptions) {
    this.#opts = opts;
    this.#leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (!(this.#leaseDurationMs > this.#renewDeadlineMs && this.#renewDeadlineMs > this.#retryPeriodMs && this.#retryPeriodMs > 0)) {
      throw new Error("automatic shards need leaseDurationMs > renewDeadlineMs > retryPeriodMs > 0");
    }
    this.#slotCount = opts.slotCount ?? SLOT_COUNT;
    this.#api = opts.api ?? opts.kc.makeApiClient(CoordinationV1Api);
    this.#clock = opts.clock ?? realClock;
    this.#leaseName = memberLeaseName(opts.fleet, opts.identity);
    this.#selector = `${MEMBER_LABEL}=${fleetLabelValue(opts.fleet)}`;
    this.#log = (opts.log ?? silentLogger()).child({ component: "shards", lease: `${opts.namespace}/${this.#leaseName}` });
  }

  /** Resolves once the first membership step has ended (slots taken or not): caches can then be filled knowing the share. */
  firstStep(): Promise<void> {
    return this.#firstStep.promise;
  }

  get slotCount(): number {
    return this.#slotCount;
  }

  start(): void {
    if (this.#phase !== "idle") return;
    this.#phase = "running";
    this.#schedule(0);
  }

  /** Whether work in `slot` may start now (the slot is ours and our Lease is fresh). */
  owns(slot: number): boolean {
    return this.#working.has(slot) && this.#fresh();
  }

  /**
   * Enters `slot` for one piece of work: undefined when the slot is not ours, otherwise the function to call when
   * the work is over. A slot being given up waits for every entered piece of work to leave.
   */
  enter(slot: number): (() => void) | undefined {
    if (!this.owns(slot)) return undefined;
    this.#inFlight.set(slot, (this.#inFlight.get(slot) ?? 0) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const count = (this.#inFlight.get(slot) ?? 1) - 1;
      if (count > 0) this.#inFlight.set(slot, count);
      else this.#inFlight.delete(slot);
    };
  }

  stats(): ShardStats {
    return { members: this.#members, slots: this.#fresh() ? this.#working.size : 0, acquired: this.#acquired, released: this.#released };
  }

  /** Stops taking work, waits (up to renewDeadline) for work in flight, and deletes our Lease so others take over at once. */
  async stop(): Promise<void> {
    if (this.#phase === "stopped") return;
    const wasRunning = this.#phase === "running";
    this.#phase = "stopped";
    this.#firstStep.resolve();
    this.#clock.clearTimeout(this.#timer);
    this.#released += this.#working.size;
    this.#working.clear();
    if (this.#step) await withTimeout(this.#step, this.#renewDeadlineMs, this.#clock);
    if (!wasRunning) return;
    const deadline = monotonicNow(this.#clock) + this.#renewDeadlineMs;
    while (this.#inFlight.size > 0 && monotonicNow(this.#clock) < deadline) await new Promise<void>((resolve) => this.#clock.setTimeout(() => resolve(), 50));
    if (this.#inFlight.size > 0) {
      this.#log.warn({ slots: this.#inFlight.size }, "work still in flight at stop; leaving the Lease to expire instead of deleting it");
      return;
    }
    try {
      const done = await withTimeout(this.#api.deleteNamespacedLease({ name: this.#leaseName, namespace: this.#opts.namespace }), this.#renewDeadlineMs, this.#clock);
      if (done === "timeout") throw new Error("timed out deleting the member Lease");
      this.#log.info("left the fleet");
    } catch (err) {
      if (statusCode(err) !== 404) this.#log.warn({ err: errorMessage(err) }, "could not delete the member Lease; the others take over when it expires");
    }
  }

  #fresh(): boolean {
    return monotonicNow(this.#clock) - this.#lastRenewAt < this.#renewDeadlineMs;
  }

  #schedule(ms: number): void {
    this.#timer = this.#clock.setTimeout(() => void this.#tick(), ms);
  }

  async #tick(): Promise<void> {
    if (this.#phase !== "running") return;
    const step = this.#reconcileMembership();
    this.#step = step;
    try {
      if ((await withTimeout(step, this.#renewDeadlineMs, this.#clock)) === "timeout") this.#log.warn("membership step timed out");
    } catch (err) {
      this.#log.warn({ err: errorMessage(err) }, "membership step failed; retrying");
    }
    this.#firstStep.resolve();
    if (this.#phase === "running") this.#schedule(jittered(this.#retryPeriodMs, 0.2));
  }

  async #reconcileMembership(): Promise<void> {
    // Fencing first: past renewDeadline without a renewal, the others may soon count us dead.
    if (this.#working.size > 0 && !this.#fresh()) {
      this.#log.error({ slots: this.#working.size }, "member Lease not renewed within renewDeadline: stopping all work until it is");
      this.#released += this.#working.size;
      for (const slot of this.#working) this.#pendingRelease.add(slot);
      this.#working.clear();
    }
    const view = await this.#view();
    // While a leader works everything, no slot is ours (a switch from auto to off: the members step aside).
    const desired = view.leaderHolds ? new Set<number>() : this.#desiredSlots(view.others);
    const givenUp: number[] = [];
    for (const slot of this.#working) if (!desired.has(slot)) givenUp.push(slot);
    for (const slot of givenUp) this.#working.delete(slot);
    this.#released += givenUp.length;
    if (givenUp.length > 0) this.#log.info({ slots: givenUp.length, members: view.others.size + 1 }, "giving slots up to other members");
    for (const slot of givenUp) this.#pendingRelease.add(slot);
    const busy = [...this.#inFlight.keys()].filter((slot) => !this.#working.has(slot));
    const candidates = [...desired].filter((slot) => !this.#working.has(slot) && !view.claimedByOthers.has(slot));
    const claims = new Set([...this.#working, ...busy, ...candidates]);
    const sentAt = monotonicNow(this.#clock);
    await this.#writeOwn(view.own, claims);
    this.#lastRenewAt = sentAt;
    // Given-up slots whose work has drained are off our claims now: whatever only they needed may go.
    const drained = new Set([...this.#pendingRelease].filter((slot) => !claims.has(slot)));
    for (const slot of drained) this.#pendingRelease.delete(slot);
    if (drained.size > 0) this.#notify("onReleased", drained);
    if (candidates.length === 0 || this.#phase !== "running") return;
    // Confirm after our claim is on record: a member claiming the same slot concurrently is seen now, or sees ours.
    const after = await this.#view();
    const confirmed = new Set(candidates.filter((slot) => !after.claimedByOthers.has(slot)));
    if (confirmed.size === 0 || this.#phase !== "running" || !this.#fresh()) return;
    for (const slot of confirmed) {
      this.#working.add(slot);
      this.#pendingRelease.delete(slot);
    }
    this.#acquired += confirmed.size;
    this.#log.info({ slots: confirmed.size, working: this.#working.size, members: after.others.size + 1 }, "started slots");
    this.#notify("onAcquired", confirmed);
  }

  #notify(which: "onAcquired" | "onReleased", slots: ReadonlySet<number>): void {
    try {
      this.#opts[which]?.(slots);
    } catch (err) {
      this.#log.error({ err: errorMessage(err) }, `${which} threw`);
    }
  }

  /** Lists the member Leases (a quorum read) and judges who is alive, on our clock. */
  async #view(): Promise<View> {
    const [list, leader] = await Promise.all([this.#api.listNamespacedLease({ namespace: this.#opts.namespace, labelSelector: this.#selector }), this.#leaderLease()]);
    const now = monotonicNow(this.#clock);
    const wallNow = this.#clock.now();
    const others = new Set<string>();
    const claimedByOthers = new Set<number>();
    let own: V1Lease | undefined;
    const seen = new Set<string>();
    for (const lease of list.items) {
      const name = lease.metadata?.name ?? "";
      seen.add(name);
      if (name === this.#leaseName) {
        own = lease;
        continue;
      }
      const holder = lease.spec?.holderIdentity ?? "";
      const observation = observe(this.#observed.get(name), lease, now, wallNow);
      this.#observed.set(name, observation);
      const seconds = lease.spec?.leaseDurationSeconds;
      const durationMs = typeof seconds === "number" && seconds > 0 ? seconds * 1000 : this.#leaseDurationMs;
      if (holder === "" || observation.at + durationMs < now) continue;
      others.add(holder);
      const annotations = lease.metadata?.annotations ?? {};
      const theirCount = Number(annotations[SLOTS_ANNOTATION] ?? this.#slotCount);
      if (theirCount !== this.#slotCount) {
        // Another version hashing differently: its claims cannot be mapped onto ours, so none of ours may start.
        this.#log.warn({ member: holder, slots: annotations[SLOTS_ANNOTATION] }, "a member counts slots differently; treating it as claiming every slot");
        for (let slot = 0; slot < this.#slotCount; slot++) claimedByOthers.add(slot);
        continue;
      }
      for (const slot of decodeClaims(annotations[CLAIMS_ANNOTATION], this.#slotCount)) claimedByOthers.add(slot);
    }
    const leaderHolds = leader !== undefined && this.#leaderHolds(leader, now, wallNow);
    if (leader) seen.add(this.#opts.fleet);
    if (leaderHolds) for (let slot = 0; slot < this.#slotCount; slot++) claimedByOthers.add(slot);
    for (const name of this.#observed.keys()) if (!seen.has(name)) this.#observed.delete(name);
    this.#members = others.size + 1;
    return { others, claimedByOthers, own, leaderHolds };
  }

  /** The fleet's leader-election Lease, if there is one (404: none, the usual case once no leader ever ran). */
  async #leaderLease(): Promise<V1Lease | undefined> {
    try {
      return await this.#api.readNamespacedLease({ name: this.#opts.fleet, namespace: this.#opts.namespace });
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  /** Whether a leader (--shards off) holds the fleet's Lease now, judged like a member's: by when we saw it change. */
  #leaderHolds(lease: V1Lease, now: number, wallNow: number): boolean {
    const name = this.#opts.fleet;
    const observation = observe(this.#observed.get(name), lease, now, wallNow);
    this.#observed.set(name, observation);
    const seconds = lease.spec?.leaseDurationSeconds;
    const durationMs = typeof seconds === "number" && seconds > 0 ? seconds * 1000 : this.#leaseDurationMs;
    const holds = (lease.spec?.holderIdentity ?? "") !== "" && observation.at + durationMs >= now;
    if (holds && !this.#leaderSeen) this.#log.warn({ leader: lease.spec?.holderIdentity }, "a leader (--shards off) holds the fleet's Lease: working no slot until it releases it or it expires");
    this.#leaderSeen = holds;
    return holds;
  }

  /** The slots rendezvous hashing gives us among the live members (recomputed only when they change). */
  #desiredSlots(others: Set<string>): Set<number> {
    const members = [this.#opts.identity, ...[...others].sort()].join("\n");
    if (this.#desired?.members !== members) this.#desired = { members, slots: slotsWonBy(this.#opts.identity, [this.#opts.identity, ...others], this.#slotCount) };
    return this.#desired.slots;
  }

  async #writeOwn(current: V1Lease | undefined, claims: Set<number>): Promise<void> {
    const { namespace, fleet, identity } = this.#opts;
    const body = memberLeaseBody({ fleet, namespace, identity, leaseDurationMs: this.#leaseDurationMs, claims: encodeClaims(claims, this.#slotCount), slotCount: this.#slotCount, now: this.#clock.now() }, current);
    if (current) await this.#api.replaceNamespacedLease({ name: this.#leaseName, namespace, body });
    else await this.#api.createNamespacedLease({ namespace, body });
  }
}
