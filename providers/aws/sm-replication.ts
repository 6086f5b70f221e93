// A pushed secret's replica regions (ESO's PushSecret metadata `replicationLocations`): absent leaves replication
// alone, a list (even empty) is the exact set of replica regions. Regions are added (ReplicateSecretToRegions)
// and removed (RemoveRegionsFromReplication) only when they differ from DescribeSecret's ReplicationStatus, so
// a push at rest writes nothing. AWS refuses to delete a secret that has replicas: they are removed first.
import { RemoveRegionsFromReplicationCommand, ReplicateSecretToRegionsCommand, type DescribeSecretResponse, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

interface Deps {
  sdk: SecretsManagerClient;
  guarded: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
}

/** The regions a secret is replicated to now. */
export const replicaRegions = (described: DescribeSecretResponse): string[] =>
  (described.ReplicationStatus ?? []).map((status) => status.Region).filter((region): region is string => Boolean(region));

/** What to add and remove to go from `current` to `wanted` (undefined: leave replication alone). Pure. */
export function replicationChanges(current: readonly string[], wanted: readonly string[] | undefined): { add: string[]; remove: string[] } {
  if (wanted === undefined) return { add: [], remove: [] };
  return { add: [...new Set(wanted)].filter((region) => !current.includes(region)), remove: current.filter((region) => !wanted.includes(region)) };
}

/** CreateSecret's AddReplicaRegions for a new secret (ESO gives each replica the entry's KMS key). */
export const replicasAtCreation = (wanted: readonly string[] | undefined, kmsKeyId: string) =>
  wanted?.length ? { AddReplicaRegions: [...new Set(wanted)].map((Region) => ({ Region, KmsKeyId: kmsKeyId })) } : {};

/** Brings an existing secret's replicas to `wanted`; returns whether it wrote. */
export async function applyReplication(deps: Deps, id: string, described: DescribeSecretResponse, wanted: readonly string[] | undefined): Promise<boolean> {
  const { add, remove } = replicationChanges(replicaRegions(described), wanted);
  if (remove.length > 0) await removeReplicas(deps, id, remove);
  if (add.length > 0) {
    // New replicas get the secret's own KMS key, as ESO's.
    const replicas = add.map((Region) => ({ Region, ...(described.KmsKeyId ? { KmsKeyId: described.KmsKeyId } : {}) }));
    await deps.guarded(`ReplicateSecretToRegions ${id}`, () => deps.sdk.send(new ReplicateSecretToRegionsCommand({ SecretId: id, AddReplicaRegions: replicas })));
  }
  return add.length + remove.length > 0;
}

export async function removeReplicas(deps: Deps, id: string, regions: string[]): Promise<void> {
  await deps.guarded(`RemoveRegionsFromReplication ${id}`, () => deps.sdk.send(new RemoveRegionsFromReplicationCommand({ SecretId: id, RemoveReplicaRegions: regions })));
}
