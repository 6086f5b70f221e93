// The ClusterExternalSecret's status: ESO's fields (externalSecretName, provisioned and failed namespaces, Ready)
// plus the children's own Ready rolled up, so one object tells whether the fan-out works. Stable for stable input:
// no timestamps or counters that change at rest, so an unchanged fan-out writes no status.
import type { ClusterExternalSecretCondition, ClusterExternalSecretStatus } from "../../api/cluster-external-secret.ts";

/** ESO's message for a CES with failed namespaces (tools and runbooks match on it). */
export const NAMESPACES_FAILED = "one or more namespaces failed";
/** How many namespaces a message names before it says "and N more". */
export const MAX_NAMED = 10;

export const CesReason = {
  Provisioned: "Provisioned",
  NamespacesFailed: "NamespacesFailed",
  ExternalSecretsNotReady: "ExternalSecretsNotReady",
  /** Ours: its children would carry no label this replica's --watch-label-selector admits (manual shards). */
  NotInShard: "NotInShard",
} as const;

export interface StatusInput {
  externalSecretName: string;
  provisioned: string[];
  failed: Array<{ namespace: string; reason: string }>;
  /** Provisioned namespaces whose ExternalSecret reports Ready=False (not yet synced ones are not failing). */
  notReady: string[];
  /** Set when the children would fall outside this replica's shard: nothing is provisioned, this says why. */
  notInShard?: string;
}

export function namedList(names: string[]): string {
  const shown = names.slice(0, MAX_NAMED).join(", ");
  return names.length > MAX_NAMED ? `${shown} (and ${names.length - MAX_NAMED} more)` : shown;
}

export function readyOf(input: StatusInput): ClusterExternalSecretCondition {
  if (input.notInShard !== undefined) return { type: "Ready", status: "False", reason: CesReason.NotInShard, message: input.notInShard };
  if (input.failed.length > 0) return { type: "Ready", status: "False", reason: CesReason.NamespacesFailed, message: NAMESPACES_FAILED };
  if (input.notReady.length > 0) {
    const notReady = [...input.notReady].sort();
    const message = `ExternalSecret ${input.externalSecretName} is not ready in ${notReady.length} of ${input.provisioned.length} namespaces: ${namedList(notReady)}`;
    return { type: "Ready", status: "False", reason: CesReason.ExternalSecretsNotReady, message };
  }
  return { type: "Ready", status: "True", reason: CesReason.Provisioned };
}

export function cesStatus(input: StatusInput, previous: ClusterExternalSecretStatus | undefined): ClusterExternalSecretStatus {
  const ready = readyOf(input);
  const others = (previous?.conditions ?? []).filter((condition) => condition.type !== "Ready");
  const failed = [...input.failed].sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
  return {
    externalSecretName: input.externalSecretName,
    // ESO omits empty lists (omitempty); so do we, so a status ESO wrote compares equal.
    ...(failed.length > 0 ? { failedNamespaces: failed } : {}),
    ...(input.provisioned.length > 0 ? { provisionedNamespaces: [...input.provisioned].sort() } : {}),
    conditions: [...others, ready],
  };
}
