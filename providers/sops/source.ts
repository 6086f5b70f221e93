// Where a store's encrypted files come from. A source hands out immutable snapshots (a Git commit, or one read of
// a ConfigMap/Secret) and refreshes them at most once per interval, however many ExternalSecrets ask.
import { createHash } from "node:crypto";
import { storeIntervalMs } from "../../src/api/duration.ts";
import type { KubeAccess } from "../../src/kube/access.ts";
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import { ConfigError, ProviderError } from "../../src/provider/errors.ts";

/** One immutable view of the files; paths are relative to the store's root. */
export interface Snapshot {
  /** Commit SHA, or a digest of the object's data: names the revision in messages and logs. */
  readonly id: string;
  list(): Promise<string[]>;
  /** The file's bytes, or undefined when it does not exist in this snapshot. */
  read(path: string): Promise<Uint8Array | undefined>;
}

/**
 * A source of snapshots. `snapshot()` returns the current one, fetching a new one when the last is older than the
 * interval (or when `force`). Throws the adapter's typed errors (ConfigError, PermissionDeniedError, ProviderUnavailableError).
 */
export interface FileSource {
  snapshot(force?: boolean): Promise<Snapshot>;
  /** The source changed (a push webhook): the next snapshot() fetches instead of reusing the current one. */
  invalidate(): void;
  close(): Promise<void>;
}

export const DEFAULT_REFRESH_MS = 60_000;

/** The store's spec.refreshInterval in ms; unset, zero or invalid: one minute. */
export function refreshIntervalMs(value: number | string | undefined): number {
  return storeIntervalMs(value, DEFAULT_REFRESH_MS);
}

/** Caches the last snapshot for `intervalMs` and shares one in-flight fetch between callers. */
export function intervalSource(fetchSnapshot: () => Promise<Snapshot>, intervalMs: number, now: () => number = Date.now, onClose?: () => Promise<void>): FileSource {
  let current: { snapshot: Snapshot; at: number } | undefined;
  let inFlight: Promise<Snapshot> | undefined;
  return {
    async snapshot(force = false) {
      if (!force && current && now() - current.at < intervalMs) return current.snapshot;
      inFlight ??= fetchSnapshot()
        .then((snapshot) => {
          current = { snapshot, at: now() };
          return snapshot;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
    invalidate() {
      current = undefined;
    },
    async close() {
      current = undefined;
      await onClose?.();
    },
  };
}

/** A snapshot of a ConfigMap's or Secret's data: each key is one file (keys cannot hold "/"). */
export function objectSnapshot(data: Record<string, Uint8Array>): Snapshot {
  const hash = createHash("sha256");
  for (const key of Object.keys(data).sort()) hash.update(key).update("\u0000").update(data[key]!).update("\u0000");
  return {
    id: hash.digest("hex").slice(0, 12),
    list: async () => Object.keys(data).sort(),
    read: async (path) => data[path],
  };
}

/** source.configMap / source.secret, read through KubeAccess with the store's namespace rules. */
export function kubeObjectSource(kind: "ConfigMap" | "Secret", ref: { name: string; namespace?: string | undefined }, kube: KubeAccess, intervalMs: number): FileSource {
  const call = kind === "ConfigMap" ? "ReadConfigMap" : "ReadSecret";
  return intervalSource(async () => {
    try {
      const read = kind === "ConfigMap" ? kube.readConfigMap : kube.readSecret;
      if (!read) throw new ConfigError("this operator build cannot read ConfigMaps");
      const data = await read(ref.name, ref.namespace);
      recordProviderCall("sops", call, "success");
      return objectSnapshot(data);
    } catch (err) {
      recordProviderCall("sops", call, err instanceof ProviderError && err.reason === "InvalidProviderConfig" ? "not_found" : "error");
      throw err;
    }
  }, intervalMs);
}
