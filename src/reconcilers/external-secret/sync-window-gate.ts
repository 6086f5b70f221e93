// Holds periodic refreshes back while spec.syncWindows close them, as ESO 2.9's shouldRefreshPeriodic does as
// its last check: a new or changed ExternalSecret (force-sync included), a first sync and a missing or altered
// Secret always sync; a refresh that is only due by the clock (and its retries, and our store-changed refresh)
// waits. Nothing is written while held (ESO shows nothing either: Ready keeps its last value); the next attempt
// is scheduled at the moment the windows allow it, never polled.
import type { RefreshDecision, RefreshInput } from "./refresh.ts";
import { nextAllowedAt, parseWindows, refreshAllowed, type SyncWindowsSpec } from "./sync-windows.ts";

/** A held refresh looks again at least this often (a requeue timer of days is fragile; a spec change requeues anyway). */
export const MAX_HOLD_MS = 24 * 3_600_000;

/** The decisions ESO makes in shouldRefreshPeriodic after the windows check could have stopped them. */
function periodic(decision: RefreshDecision, input: RefreshInput): boolean {
  if (input.policy !== "Periodic" || input.intervalMs === 0) return false;
  // A webhook refresh is automation, not a person: a freeze holds it like a refresh that is due.
  if (decision.why === "due" || decision.why === "store-changed" || decision.why === "requested") return true;
  // A failed periodic refresh being retried (the spec unchanged, a sync before, the Secret as we wrote it).
  return decision.why === "not-synced" && input.refreshTimeMs !== undefined && input.secretCurrent;
}

export function holdForSyncWindows(decision: RefreshDecision, input: RefreshInput & { syncWindows?: SyncWindowsSpec | undefined }): RefreshDecision {
  const spec = input.syncWindows;
  if (!decision.sync || !spec || spec.windows.length === 0 || !periodic(decision, input)) return decision;
  const { windows } = parseWindows(spec);
  if (refreshAllowed(spec.kind, windows, input.nowMs)) return decision;
  const next = nextAllowedAt(spec.kind, windows, input.nowMs);
  const waitMs = next === undefined ? MAX_HOLD_MS : Math.min(MAX_HOLD_MS, Math.max(1, next - input.nowMs));
  return { sync: false, why: "window-closed", requeueAfterMs: waitMs };
}
