// The operator's floor under refresh intervals (--min-refresh-interval): ExternalSecrets and stores are written
// by tenants, and `refreshInterval: 1ms` would turn one object into a busy loop against a shared store. Intervals
// below the floor are raised to it; 0 on an ExternalSecret (sync once) stays 0; a floor of 0 disables it.
// Pure; applied where intervals are computed (the reconcilers, and the sessions for providers that poll).
import { formatDuration, storeIntervalMs } from "./duration.ts";

export const DEFAULT_MIN_REFRESH_INTERVAL_MS = 10_000;

export interface FlooredInterval {
  ms: number;
  /** The requested interval was below the floor (and is not the "sync once" 0). */
  raised: boolean;
}

/** An ExternalSecret's interval (0 = sync once) under the floor. */
export function refreshFloor(requestedMs: number, floorMs: number): FlooredInterval {
  if (requestedMs === 0 || floorMs <= 0 || requestedMs >= floorMs) return { ms: requestedMs, raised: false };
  return { ms: floorMs, raised: true };
}

/**
 * A store's spec.refreshInterval (seconds or a Go duration; unset, 0 or invalid = `fallbackMs`) under the floor.
 * Only an interval the spec sets counts as raised: a provider's own default is not the tenant's doing.
 */
export function storeRefreshFloor(value: number | string | undefined, fallbackMs: number, floorMs: number): FlooredInterval {
  const setMs = storeIntervalMs(value, 0);
  const ms = refreshFloor(setMs || fallbackMs, floorMs).ms;
  return { ms, raised: setMs > 0 && setMs < ms };
}

/** spec.refreshInterval as providers receive it (ConnectContext): the written value, or the floor when raised. */
export function flooredStoreInterval(value: number | string | undefined, floorMs: number): number | string | undefined {
  return storeRefreshFloor(value, 0, floorMs).raised ? formatDuration(floorMs) : value;
}
