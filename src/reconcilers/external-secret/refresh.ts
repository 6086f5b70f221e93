// When to fetch again: a pure decision over the ExternalSecret's status, the Secret's state and the clock.
// The schedule is derived from status.refreshTime plus a deterministic per-object phase, so it is stable
// across restarts (no lockstep, no re-fetch storm) and needs no status write to remember it.

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
  /** When this process last fetched for the object, if it has; else when the process started. */
  lastCheckedMs: number;
  /** Deterministic per-object offset in [0, interval), spreading refreshes. */
  phaseMs: number;
  nowMs: number;
}

export interface RefreshDecision {
  sync: boolean;
  why: "changed" | "not-synced" | "secret-drift" | "due" | "not-due" | "once";
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
  if (input.syncedVersion !== input.currentVersion) return { sync: true, why: "changed" };
  if (!input.lastSyncOk || input.refreshTimeMs === undefined) return { sync: true, why: "not-synced" };
  if (!input.secretCurrent) return { sync: true, why: "secret-drift" };
  if (input.policy !== "Periodic" || input.intervalMs === 0) return { sync: false, why: "once" };
  const due = nextSlot(input.refreshTimeMs, input.phaseMs, input.intervalMs, input.lastCheckedMs);
  if (due <= input.nowMs) return { sync: true, why: "due" };
  return { sync: false, why: "not-due", requeueAfterMs: due - input.nowMs };
}
