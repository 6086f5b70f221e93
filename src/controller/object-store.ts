// The informer's own object cache: survives restarts of the upstream informer and turns (re)lists into add/update/delete deltas.
import type { KubernetesObject } from "@kubernetes/client-node";

/** Result of {@link ObjectStore.upsert}: what a consumer should be told about the write. */
export type UpsertResult<T> = { kind: "add" } | { kind: "update"; old: T } | { kind: "unchanged" };

/** Deltas of {@link ObjectStore.replace}, in the order they should be emitted. */
export interface ReplaceResult<T> {
  deleted: T[];
  added: T[];
  updated: Array<{ obj: T; old: T }>;
}

/** Cache key: "namespace/name", or "/name" for cluster-scoped objects (names cannot contain "/"). */
export function objectKey(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

function sameVersion(a: KubernetesObject, b: KubernetesObject): boolean {
  if (a === b) return true;
  const rv = a.metadata?.resourceVersion;
  return rv !== undefined && rv !== "" && rv === b.metadata?.resourceVersion;
}

/**
 * Contract: holds the last known state of each object by namespace/name. `upsert` and `remove`
 * apply watch events and say whether consumers must hear about them (same resourceVersion twice is
 * "unchanged", so the replay of a relist after a restart is silent). `replace` applies a full list:
 * objects missing from it were deleted while we were not watching and come back as `deleted`.
 */
export class ObjectStore<T extends KubernetesObject> {
  private readonly objects = new Map<string, T>();

  upsert(obj: T): UpsertResult<T> {
    const key = objectKey(obj);
    const old = this.objects.get(key);
    if (old && sameVersion(old, obj)) return { kind: "unchanged" };
    this.objects.set(key, obj);
    return old ? { kind: "update", old } : { kind: "add" };
  }

  /** Returns the cached object if it was present. */
  remove(obj: KubernetesObject): T | undefined {
    const key = objectKey(obj);
    const old = this.objects.get(key);
    if (old) this.objects.delete(key);
    return old;
  }

  replace(items: readonly T[]): ReplaceResult<T> {
    const result: ReplaceResult<T> = { deleted: [], added: [], updated: [] };
    const listed = new Set(items.map(objectKey));
    for (const [key, old] of this.objects) {
      if (listed.has(key)) continue;
      this.objects.delete(key);
      result.deleted.push(old);
    }
    for (const obj of items) {
      const r = this.upsert(obj);
      if (r.kind === "add") result.added.push(obj);
      else if (r.kind === "update") result.updated.push({ obj, old: r.old });
    }
    return result;
  }

  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(`${namespace ?? ""}/${name}`);
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    if (!namespace) return all;
    return all.filter((o) => (o.metadata?.namespace ?? "") === namespace);
  }

  size(): number {
    return this.objects.size;
  }
}
