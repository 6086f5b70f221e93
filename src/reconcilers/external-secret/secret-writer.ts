// Writes the target Secret according to creationPolicy, only when it differs from what is there.
// Owner/Orphan: create or replace the whole Secret (optimistic concurrency on resourceVersion).
// Merge/CreateOrMerge: server-side apply with ESO's per-ExternalSecret field manager, so only the keys this
// ExternalSecret applied are touched and keys it stops applying are removed; other writers' keys stay.
import { PatchStrategy, setHeaderOptions } from "../../kube/http/index.ts";
import type { V1Secret } from "@kubernetes/client-node";
import type { ExternalSecret } from "../../api/external-secret.ts";
import type { ResolvedTarget } from "../../api/defaults.ts";
import { ANNOTATION_DATA_HASH, FIELD_MANAGER, LABEL_CREATED_BY, LABEL_MANAGED, fieldManagerFor } from "../../api/markers.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { isConflict, isNotFound, kubeErrorSummary } from "../../kube/errors.ts";
import { ProviderError, ProviderUnavailableError } from "../../provider/errors.ts";
import { controllerOf, dataDigestOf, encodeData, isCurrent, keysAppliedBy, orphanedSecrets } from "./desired-secret.ts";
import { dataHash } from "./hashes.ts";
import type { DesiredSecret } from "./desired-secret.ts";

/** `missing`: creationPolicy Merge and no Secret to merge into; nothing written (ESO: Ready=True, SecretMissing). */
export type WriteOutcome = "created" | "updated" | "unchanged" | "deleted" | "skipped" | "missing";

/**
 * A write's outcome; an update also says the hash of the whole Secret's data before (as read live) and after it
 * (rollout restarts act when they differ). For Merge targets that covers the other writers' keys too: the hash a
 * workload is restarted on is the Secret it mounts.
 */
export interface WriteResult {
  outcome: WriteOutcome;
  data?: { before: string; after: string };
}

/** A Secret problem that is not the provider's: reported with its reason, retried with backoff. */
export const secretError = (reason: "SecretNotOwned" | "ImmutableSecret" | "SecretWriteFailed", message: string) => new ProviderError(message, reason);

export class SecretWriter {
  readonly #clients: KubeClients;

  constructor(clients: KubeClients) {
    this.#clients = clients;
  }

  async get(namespace: string, name: string): Promise<V1Secret | undefined> {
    try {
      return await this.#clients.core.readNamespacedSecret({ name, namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw new ProviderUnavailableError(`reading secret ${namespace}/${name}: ${kubeErrorSummary(err)}`);
    }
  }

  /**
   * `cached` is the managed Secret as the watch last saw it. When it already is what we would write, no live
   * GET is made: a refresh at rest costs no apiserver request at all (at 10,000 ExternalSecrets on a 60 s
   * interval that GET alone was 166 reads a second). If the watch is behind and the Secret was just changed,
   * that change arrives as a watch event and its reconcile repairs it.
   */
  async write(es: ExternalSecret, target: ResolvedTarget, desired: DesiredSecret, cached?: V1Secret): Promise<WriteResult> {
    if (target.creationPolicy === "None") return { outcome: "skipped" };
    const merging = target.creationPolicy === "Merge" || target.creationPolicy === "CreateOrMerge";
    // Only a Secret we may write counts as current; anything else takes the live path and its checks.
    if (cached && !merging && controllerOf(cached, es) !== "other" && isCurrent(cached, desired, false, es.metadata.name)) return { outcome: "unchanged" };
    // Nothing in the cache: almost always a new target. Create at once instead of GET (404) then create, one round
    // trip less per new ExternalSecret (what bounds a burst: the operator waits on the apiserver, not on its CPU).
    // A Secret the cache does not hold (not ours, or the watch behind) makes the create fail with 409, and the
    // live path below decides as before.
    if (!cached && !merging && (await this.#createUnlessPresent(desired))) return { outcome: "created" };
    const existing = await this.get(desired.namespace, desired.name);
    if (merging) {
      if (!existing && target.creationPolicy === "Merge") return { outcome: "missing" };
      if (existing && isCurrent(existing, desired, true, es.metadata.name)) return { outcome: "unchanged" };
      // This ExternalSecret's first merge into a Secret is its creation of that data: no data change to report.
      const merged = existing && keysAppliedBy(existing, es.metadata.name).length > 0;
      const applied = await this.#apply(es, desired);
      if (!existing) return { outcome: "created" };
      return merged ? { outcome: "updated", data: { before: dataDigestOf(existing), after: dataDigestOf(applied) } } : { outcome: "updated" };
    }
    if (!existing) {
      await this.#guard(desired, () => this.#clients.core.createNamespacedSecret({ namespace: desired.namespace, body: this.#fullBody(desired, undefined), fieldManager: FIELD_MANAGER }));
      return { outcome: "created" };
    }
    this.#checkOwnership(existing, es, desired);
    if (isCurrent(existing, desired, false, es.metadata.name)) return { outcome: "unchanged" };
    if (existing.immutable) throw secretError("ImmutableSecret", `secret ${desired.namespace}/${desired.name} is immutable and its data would change`);
    await this.#guard(desired, () =>
      this.#clients.core.replaceNamespacedSecret({ name: desired.name, namespace: desired.namespace, body: this.#fullBody(desired, existing), fieldManager: FIELD_MANAGER }),
    );
    return { outcome: "updated", data: { before: dataDigestOf(existing), after: desired.annotations[ANNOTATION_DATA_HASH] ?? dataHash(desired.data) } };
  }

  /** deletionPolicy Delete: remove the Secret if this ExternalSecret owns it. */
  async delete(es: ExternalSecret, namespace: string, name: string): Promise<WriteOutcome> {
    const existing = await this.get(namespace, name);
    if (!existing) return "unchanged";
    if (controllerOf(existing, es) !== "us") throw secretError("SecretNotOwned", `secret ${namespace}/${name} is not owned by this ExternalSecret; not deleting it`);
    try {
      await this.#clients.core.deleteNamespacedSecret({ name, namespace, body: { preconditions: { uid: existing.metadata!.uid! } } });
    } catch (err) {
      if (!isNotFound(err)) throw new ProviderUnavailableError(`deleting secret ${namespace}/${name}: ${kubeErrorSummary(err)}`);
    }
    return "deleted";
  }

  /**
   * Deletes Secrets left behind by a renamed target (candidates from orphanedSecrets, i.e. the watch's cache).
   * Each is re-read and re-checked live, then deleted on the uid and resourceVersion it was checked at, so a
   * Secret that changed hands meanwhile is never deleted. Returns the names deleted.
   */
  async deleteOrphans(es: ExternalSecret, targetName: string, candidates: V1Secret[]): Promise<string[]> {
    const deleted: string[] = [];
    for (const candidate of candidates) {
      const { name, namespace } = candidate.metadata as { name: string; namespace: string };
      const live = await this.get(namespace, name);
      if (!live || orphanedSecrets([live], es, targetName).length === 0) continue;
      try {
        const { uid, resourceVersion } = live.metadata!;
        await this.#clients.core.deleteNamespacedSecret({ name, namespace, body: { preconditions: { uid, resourceVersion } } });
        deleted.push(name);
      } catch (err) {
        if (isNotFound(err)) continue;
        if (isConflict(err)) throw new ProviderUnavailableError(`deleting orphaned secret ${namespace}/${name}: it changed meanwhile, will retry`);
        throw secretError("SecretWriteFailed", `deleting orphaned secret ${namespace}/${name}: ${kubeErrorSummary(err)}`);
      }
    }
    return deleted;
  }

  #checkOwnership(existing: V1Secret, es: ExternalSecret, desired: DesiredSecret): void {
    const controller = controllerOf(existing, es);
    if (controller === "other") throw secretError("SecretNotOwned", `secret ${desired.namespace}/${desired.name} is controlled by another owner`);
    // A Secret nobody controls is adopted only if it carries the managed label (written by us or by ESO).
    if (controller === undefined && existing.metadata?.labels?.[LABEL_MANAGED] !== "true") {
      throw secretError("SecretNotOwned", `secret ${desired.namespace}/${desired.name} exists and is not managed by this ExternalSecret (use creationPolicy Merge to add keys to it)`);
    }
  }

  #fullBody(desired: DesiredSecret, existing: V1Secret | undefined): V1Secret {
    const meta = existing?.metadata;
    const ownerReferences = (meta?.ownerReferences ?? []).filter((ref) => ref.uid !== desired.ownerReference?.uid);
    if (desired.ownerReference) ownerReferences.push(desired.ownerReference);
    const labels = { ...(meta?.labels ?? {}), ...desired.labels };
    if (!desired.ownerReference) delete labels[LABEL_CREATED_BY];
    return {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: desired.name,
        namespace: desired.namespace,
        resourceVersion: meta?.resourceVersion,
        labels,
        annotations: { ...(meta?.annotations ?? {}), ...desired.annotations },
        ownerReferences: ownerReferences.length > 0 ? ownerReferences : undefined,
      },
      type: desired.type ?? existing?.type ?? "Opaque",
      immutable: desired.immutable || undefined,
      data: encodeData(desired.data),
    };
  }

  /** Creates the Secret; false when one of that name exists already (409). Other failures as #guard maps them. */
  async #createUnlessPresent(desired: DesiredSecret): Promise<boolean> {
    try {
      await this.#clients.core.createNamespacedSecret({ namespace: desired.namespace, body: this.#fullBody(desired, undefined), fieldManager: FIELD_MANAGER });
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      return this.#guard(desired, () => Promise.reject(err));
    }
  }

  /** Server-side apply; returns the Secret as it is after the apply. */
  async #apply(es: ExternalSecret, desired: DesiredSecret): Promise<V1Secret> {
    const body: V1Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: desired.name,
        namespace: desired.namespace,
        ...(Object.keys(desired.labels).length > 0 ? { labels: desired.labels } : {}),
        ...(Object.keys(desired.annotations).length > 0 ? { annotations: desired.annotations } : {}),
      },
      ...(desired.type ? { type: desired.type } : {}),
      data: encodeData(desired.data),
    };
    return this.#guard(desired, () =>
      this.#clients.core.patchNamespacedSecret(
        { name: desired.name, namespace: desired.namespace, body, fieldManager: fieldManagerFor(es.metadata.name), force: true },
        setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
      ),
    );
  }

  async #guard<T>(desired: DesiredSecret, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      const what = `writing secret ${desired.namespace}/${desired.name}`;
      if (isConflict(err)) throw new ProviderUnavailableError(`${what}: conflict, will retry`);
      throw secretError("SecretWriteFailed", `${what}: ${kubeErrorSummary(err)}`);
    }
  }
}
