// When to fetch again: a pure decision over the ExternalSecret's status, the Secret's state and the clock.
// Refreshes fall on a fixed grid, phase + k * interval since the epoch, where the phase is a stable hash
// of what the ExternalSecret reads (see refreshGroup): the schedule survives restarts without a status
// write, different keys spread over the whole interval (no lockstep), and every ExternalSecret that reads
// the same key with the same interval comes due in the same moment, so they share one provider call.
// spec.syncWindows can hold a refresh that is only due back to the moment they allow it (sync-window-gate.ts).
import { holdForSyncWindows } from "./sync-window-gate.ts";
import type { SyncWindowsSpec } from "./sync-windows.ts";

export interface RefreshInput {
  policy: "Periodic" | "OnChange" | "CreatedOnce";
  intervalMs: number;
  /** syncVersion(es.metadata) now, and as recorded in status at the last sync. */
  currentVersion: string;
  syncedVersion: string | undefined;
  /** status.refreshTime in ms since the epoch (the last sync that wrote). */
  refreshTimeMs: number | undefined;
  /** The last sync succeeded (Ready=True). */
  lastSyncOk: boolean;
  /** The target Secret is present and carries the data we last wrote (or no Secret is expected). */
  secretCurrent: boolean;
  /** A store this ExternalSecret reads had its spec changed since this process last synced it. */
  storeChanged?: boolean;
  /** When this process last fetched for the object, if it has; else when the process started. */
  lastCheckedMs: number;
  /** Deterministic offset in [0, interval) of the refresh grid, shared by ExternalSecrets reading the same key. */
  phaseMs: number;
  nowMs: number;
  /**
   * A dataFrom entry runs a generator: every sync makes new values, so only what ESO refreshes on may sync. ESO's
   * CreatedOnce (and Periodic with interval 0) then never syncs again while the Secret is intact (a spec or
   * force-sync change included), and a changed store or a RefreshReceiver call is no reason to replace generated
   * values early.
   */
  generates?: boolean;
  /** A verified RefreshReceiver call asked for a refresh now (issue 20). */
  requested?: boolean;
  /** spec.syncWindows: periodic refreshes wait while they are closed (sync-window-gate.ts). */
  syncWindows?: SyncWindowsSpec | undefined;
}

export interface RefreshDecision {
  sync: boolean;
  why: "new" | "changed" | "not-synced" | "secret-drift" | "store-changed" | "due" | "not-due" | "once" | "window-closed" | "requested";
  /** When not syncing, how long until the next check is due (undefined: never, until something changes). */
  requeueAfterMs?: number;
}

/** The first point of the series anchor + phase + k*interval (k >= 1) strictly after `after`. */
export function nextSlot(anchorMs: number, phaseMs: number, intervalMs: number, afterMs: number): number {
  const first = anchorMs + phaseMs + intervalMs;
  if (first > afterMs) return first;
  const periods = Math.floor((afterMs - first) / intervalMs) + 1;
  return first + periods * intervalMs;
}

export function refreshDecision(input: RefreshInput): RefreshDecision {
  return holdForSyncWindows(decide(input), input);
}

function decide(input: RefreshInput): RefreshDecision {
  if (input.syncedVersion === undefined) return { sync: true, why: "new" };
  // ESO syncs a generator-backed ExternalSecret once under CreatedOnce, and under Periodic with interval 0 ("sync
  // once"): neither a spec nor a metadata change regenerates while the Secret is intact.
  const once = input.policy === "CreatedOnce" || (input.policy === "Periodic" && input.intervalMs === 0);
  if (input.generates && once && input.refreshTimeMs !== undefined && input.secretCurrent) return { sync: false, why: "once" };
  if (input.syncedVersion !== input.currentVersion) return { sync: true, why: "changed" };
  if (!input.lastSyncOk || input.refreshTimeMs === undefined) return { sync: true, why: "not-synced" };
  if (!input.secretCurrent) return { sync: true, why: "secret-drift" };
  // A webhook is a force-sync without the metadata write; CreatedOnce means never again, whoever asks.
  // Generated values have no source a webhook could announce a change of: like a store change, no reason to regenerate.
  if (input.requested && input.policy !== "CreatedOnce" && !input.generates) return { sync: true, why: "requested" };
  if (input.policy !== "Periodic" || input.intervalMs === 0) return { sync: false, why: "once" };
  // A fixed or reconfigured store (new path, role, credentials) should not wait a whole interval to take effect.
  if (input.storeChanged && !input.generates) return { sync: true, why: "store-changed" };
  const due = nextSlot(0, input.phaseMs, input.intervalMs, input.lastCheckedMs);
  if (due <= input.nowMs) return { sync: true, why: "due" };
  return { sync: false, why: "not-due", requeueAfterMs: due - input.nowMs };
}

interface RefreshSubject {
  metadata?: { namespace?: string | undefined; name?: string | undefined } | undefined;
  spec: {
    secretStoreRef?: { name: string; kind?: string | undefined } | undefined;
    data?: Array<{ remoteRef: { key: string }; sourceRef?: { storeRef?: { name: string; kind?: string | undefined } | undefined } | undefined }> | undefined;
    dataFrom?: Array<{ extract?: { key: string } | undefined; find?: unknown; sourceRef?: { storeRef?: { name: string; kind?: string | undefined } | undefined; generatorRef?: { kind: string; name: string } | undefined } | undefined }> | undefined;
  };
}

/** Whether any dataFrom entry runs a generator (see RefreshInput.generates). */
export function usesGenerators(es: { spec: { dataFrom?: Array<{ sourceRef?: { generatorRef?: unknown } | undefined }> | undefined } }): boolean {
  return (es.spec.dataFrom ?? []).some((entry) => entry.sourceRef?.generatorRef !== undefined);
}

/** Every store an ExternalSecret reads from (secretStoreRef and the sourceRef.storeRef of its entries), deduplicated. */
export function storeRefsOf(es: RefreshSubject): Array<{ name: string; kind: "SecretStore" | "ClusterSecretStore" }> {
  const refs = [es.spec.secretStoreRef, ...(es.spec.data ?? []).map((item) => item.sourceRef?.storeRef), ...(es.spec.dataFrom ?? []).map((item) => item.sourceRef?.storeRef)];
  const seen = new Map<string, { name: string; kind: "SecretStore" | "ClusterSecretStore" }>();
  for (const ref of refs) {
    if (!ref) continue;
    const kind = ref.kind === "ClusterSecretStore" ? "ClusterSecretStore" : "SecretStore";
    seen.set(`${kind}/${ref.name}`, { name: ref.name, kind });
  }
  return [...seen.values()];
}

/**
 * What an ExternalSecret's refresh phase is derived from: its first remote read (store and key, the
 * smallest in sort order). ExternalSecrets that read the same secret land on the same grid point and
 * share the fetch; ones that read different secrets spread out. Generated values are never shared, so a
 * generator entry is keyed by the ExternalSecret itself: ExternalSecrets that only generate spread out instead of
 * all coming due in one moment. It sorts after store reads, so a mixed ExternalSecret keeps its store's grid point.
 */
export function refreshGroup(es: RefreshSubject): string {
  const storeOf = (ref: { name: string; kind?: string | undefined } | undefined) => {
    const store = ref ?? es.spec.secretStoreRef;
    return `${store?.kind ?? "SecretStore"}/${store?.name ?? ""}`;
  };
  const reads = [
    ...(es.spec.data ?? []).map((item) => `${storeOf(item.sourceRef?.storeRef)}|${item.remoteRef.key}`),
    ...(es.spec.dataFrom ?? []).map((item) => {
      const generator = item.sourceRef?.generatorRef;
      if (generator) return `~generator|${es.metadata?.namespace ?? ""}/${es.metadata?.name ?? ""}|${generator.kind}/${generator.name}`;
      return `${storeOf(item.sourceRef?.storeRef)}|${item.extract?.key ?? JSON.stringify(item.find ?? null)}`;
    }),
  ].sort();
  return reads[0] ?? storeOf(undefined);
}
