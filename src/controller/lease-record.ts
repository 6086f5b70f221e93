// Pure decisions of Lease-based leader election: when a Lease may be taken, and what we write into it.
import { MicroTime } from "../kube/http/index.ts";
import type { V1Lease, V1LeaseSpec } from "@kubernetes/client-node";

/**
 * MicroTime fields, both directions, in client-node 2.0.1:
 * - reading: "MicroTime" is missing from ObjectSerializer's type map, so `spec.renewTime` and
 *   `spec.acquireTime` arrive as the raw RFC3339 string (e.g. "2024-01-01T00:00:00.123456Z"),
 *   whatever the .d.ts says. Accept strings and Dates.
 * - writing: a plain Date is sent by Date#toJSON with milliseconds ("...00.123Z"), which the
 *   apiserver rejects for MicroTime (Go parses RFC3339Micro with exactly 6 fraction digits).
 *   client-node's MicroTime overrides toISOString to print 6 digits; always write that.
 */
export function microTimeMs(value: unknown): number | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === "string" && value !== "" ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** "" when the Lease is free (absent holder or released). */
export function holderOf(spec: V1LeaseSpec | undefined): string {
  return spec?.holderIdentity ?? "";
}

/** When (on our monotonic clock) the current record was last seen to change, keyed by resourceVersion. */
export interface Observation {
  resourceVersion: string;
  at: number;
}

/**
 * client-go judges expiry by when *it* saw the record change, not by the renewTime written by
 * another machine's clock, so clock skew between pods cannot make a live lease look expired.
 * We do the same, with one refinement: on the very first sight of a record we credit its
 * renewTime (capped at now), so a lease left behind by a long-dead leader is taken at once
 * instead of after a full leaseDuration. `now` is monotonic (a wall-clock jump must not expire a live
 * lease or keep a dead one); `wallNow` only serves that first-sight credit, renewTime being wall time.
 */
export function observe(prev: Observation | undefined, lease: V1Lease, now: number, wallNow: number = now): Observation {
  const resourceVersion = lease.metadata?.resourceVersion ?? "";
  if (prev && prev.resourceVersion === resourceVersion) return prev;
  if (prev) return { resourceVersion, at: now };
  const renewed = microTimeMs(lease.spec?.renewTime);
  return { resourceVersion, at: renewed === undefined ? now : now - Math.max(0, wallNow - renewed) };
}

/** Inputs of {@link canTakeLease}. */
export interface TakeLeaseInput {
  spec: V1LeaseSpec | undefined;
  identity: string;
  observedAt: number;
  now: number;
  /** Used when the record has no leaseDurationSeconds. */
  defaultDurationMs: number;
}

/** True when the Lease is free, already ours, or expired (observed renewal + its leaseDuration is in the past). */
export function canTakeLease(input: TakeLeaseInput): boolean {
  const holder = holderOf(input.spec);
  if (holder === "" || holder === input.identity) return true;
  const seconds = input.spec?.leaseDurationSeconds;
  const durationMs = typeof seconds === "number" && seconds > 0 ? seconds * 1000 : input.defaultDurationMs;
  return input.observedAt + durationMs < input.now;
}

/**
 * The spec we write to acquire or renew, as client-go builds it: renewing keeps acquireTime and
 * leaseTransitions, taking over from someone else (or a released lease) counts a transition.
 * Unknown fields (strategy, preferredHolder) are carried over untouched.
 */
export function nextLeaseSpec(current: V1LeaseSpec | undefined, identity: string, now: number, leaseDurationMs: number): V1LeaseSpec {
  const stamp = new MicroTime(now);
  const renewing = current !== undefined && holderOf(current) === identity;
  const transitions = current?.leaseTransitions ?? 0;
  return {
    ...current,
    holderIdentity: identity,
    leaseDurationSeconds: Math.max(1, Math.ceil(leaseDurationMs / 1000)),
    acquireTime: renewing && current.acquireTime ? current.acquireTime : stamp,
    renewTime: stamp,
    leaseTransitions: current === undefined ? 0 : renewing ? transitions : transitions + 1,
  };
}

/** The spec we write on release: no holder, 1s duration, as client-go's release() does. */
export function releasedLeaseSpec(current: V1LeaseSpec | undefined, now: number): V1LeaseSpec {
  const stamp = new MicroTime(now);
  return { ...current, holderIdentity: "", leaseDurationSeconds: 1, acquireTime: stamp, renewTime: stamp };
}
