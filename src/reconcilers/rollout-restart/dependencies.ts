// Pure decisions for rollout restarts: which managed Secrets a workload depends on, and the stable hash of
// their data that goes on its pod template. Same data, same hash: re-writing it never rolls the workload.
import { createHash } from "node:crypto";
import { resolvedTarget } from "../../api/defaults.ts";
import type { ExternalSecret } from "../../api/external-secret.ts";
import type { WorkloadKind } from "../../kube/workloads.ts";

export interface WorkloadId {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

export const workloadKey = (w: WorkloadId): string => `${w.namespace}/${w.kind}/${w.name}`;

/** A Secret the workload depends on, and the ExternalSecret that writes it and asked for the restart. */
export interface Dependency {
  secret: string;
  externalSecret: string;
}

/**
 * The managed Secrets whose ExternalSecrets (in the workload's namespace) name the workload in
 * spec.target.rolloutRestartTargets, sorted by Secret name. target.manifest ExternalSecrets write no Secret.
 */
export function dependenciesOf(externalSecrets: ExternalSecret[], workload: WorkloadId): Dependency[] {
  const found = new Map<string, Dependency>();
  for (const es of externalSecrets) {
    if (es.metadata.namespace !== workload.namespace || es.metadata.deletionTimestamp || es.spec.target?.manifest) continue;
    const named = (es.spec.target?.rolloutRestartTargets ?? []).some((ref) => ref.kind === workload.kind && ref.name === workload.name);
    if (!named) continue;
    const secret = resolvedTarget(es).name;
    if (!found.has(secret)) found.set(secret, { secret, externalSecret: es.metadata.name });
  }
  return [...found.values()].sort((a, b) => (a.secret < b.secret ? -1 : a.secret > b.secret ? 1 : 0));
}

/**
 * sha256 over `name=digest` lines of the Secrets (digest: the hash of each Secret's data, never a value), in name
 * order. A Secret whose digest is unknown (not written yet) counts as `-`. Independent of input order.
 */
export function secretsHash(digests: ReadonlyArray<readonly [secret: string, digest: string | undefined]>): string {
  const lines = [...digests].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([secret, digest]) => `${secret}=${digest ?? "-"}\n`);
  return createHash("sha256").update(lines.join("")).digest("hex");
}

/**
 * Whether a write changed the Secret's data: only an update of a Secret whose earlier data we knew and that differs.
 * A creation, a metadata-only update or an identical re-write restarts nothing.
 */
export function dataChanged(outcome: string, before: string | undefined, after: string | undefined): boolean {
  return outcome === "updated" && before !== undefined && after !== undefined && before !== after;
}
