// The Lease each replica holds while it is a member of an automatic-shards fleet: found by label, named after the
// member's identity, renewed like a leader's Lease, carrying the slots the member claims in an annotation.
import { createHash } from "node:crypto";
import type { V1Lease, V1LeaseList } from "@kubernetes/client-node";
import { MicroTime } from "../../kube/http/index.ts";

/** Label on every member Lease; its value is the fleet (the leader-election id), so two installations do not mix. */
export const MEMBER_LABEL = "secrets-bridge.dev/shard-fleet";
/** The slots a member works or is about to work (hex bitmap, see claims.ts). */
export const CLAIMS_ANNOTATION = "secrets-bridge.dev/claims";
/** The slot count the member hashes with: a member that counts differently is treated as claiming everything. */
export const SLOTS_ANNOTATION = "secrets-bridge.dev/slots";

/** The Lease calls membership needs; CoordinationV1Api satisfies it. Failures are ApiException with `.code`. */
export interface MemberLeaseApi {
  listNamespacedLease(param: { namespace: string; labelSelector: string }): Promise<V1LeaseList>;
  /** The fleet's leader-election Lease (same name), held by a leader of --shards off during a switch of modes. */
  readNamespacedLease(param: { name: string; namespace: string }): Promise<V1Lease>;
  createNamespacedLease(param: { namespace: string; body: V1Lease }): Promise<V1Lease>;
  replaceNamespacedLease(param: { name: string; namespace: string; body: V1Lease }): Promise<V1Lease>;
  deleteNamespacedLease(param: { name: string; namespace: string }): Promise<unknown>;
}

/** A label value is at most 63 characters: long fleet names keep a readable head and a hash of the whole. */
export function fleetLabelValue(fleet: string): string {
  if (fleet.length <= 63) return fleet;
  return `${fleet.slice(0, 50)}-${createHash("sha256").update(fleet).digest("hex").slice(0, 12)}`;
}

export function memberLeaseName(fleet: string, identity: string): string {
  return `${fleet.slice(0, 200)}-member-${createHash("sha256").update(identity).digest("hex").slice(0, 12)}`;
}

export interface MemberLeaseFields {
  fleet: string;
  namespace: string;
  identity: string;
  leaseDurationMs: number;
  claims: string;
  slotCount: number;
  now: number;
}

/** The Lease to create or replace (with `current`'s resourceVersion, so a write over a changed Lease gets 409). */
export function memberLeaseBody(fields: MemberLeaseFields, current: V1Lease | undefined): V1Lease {
  const stamp = new MicroTime(fields.now);
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      ...(current?.metadata ?? {}),
      name: memberLeaseName(fields.fleet, fields.identity),
      namespace: fields.namespace,
      labels: { ...(current?.metadata?.labels ?? {}), [MEMBER_LABEL]: fleetLabelValue(fields.fleet) },
      annotations: { ...(current?.metadata?.annotations ?? {}), [CLAIMS_ANNOTATION]: fields.claims, [SLOTS_ANNOTATION]: String(fields.slotCount) },
    },
    spec: {
      holderIdentity: fields.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(fields.leaseDurationMs / 1000)),
      acquireTime: current?.spec?.acquireTime ?? stamp,
      renewTime: stamp,
    },
  };
}
