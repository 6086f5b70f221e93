// How a raised refresh interval (src/api/refresh-floor.ts) shows: a note in the Ready message, and one log line
// per object generation rather than one per reconcile.
import type { Logger } from "pino";
import { formatDuration } from "../api/duration.ts";
import type { FlooredInterval } from "../api/refresh-floor.ts";

/**
 * The suffix of a Ready message that says the interval was raised. The note goes into the message, not the
 * reason or a condition of its own: ESO's tooling reads Ready's status and reason (Argo CD's health check,
 * `kubectl wait --for=condition=Ready`, the printer columns, alerts on SecretSynced) and some of it takes
 * conditions[0]; the message is free text that people read in `kubectl describe` and Argo CD.
 */
export function floorNote(requested: number | string | undefined, floored: FlooredInterval): string {
  if (!floored.raised) return "";
  const text = typeof requested === "number" ? `${requested}s` : requested;
  return `; refreshInterval ${text} is below the operator's minimum (--min-refresh-interval), using ${formatDuration(floored.ms)}`;
}

/** Logs a raised interval once per object generation (a spec change logs again); forget() on delete. */
export class FloorLog {
  readonly #logged = new Map<string, number | undefined>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  note(key: string, generation: number | undefined, requested: number | string | undefined, floored: FlooredInterval): void {
    if (!floored.raised) {
      this.#logged.delete(key);
      return;
    }
    if (this.#logged.has(key) && this.#logged.get(key) === generation) return;
    this.#logged.set(key, generation);
    this.#log.info({ object: key, generation, refreshInterval: requested, usingMs: floored.ms }, "refreshInterval below --min-refresh-interval: raised");
  }

  forget(key: string): void {
    this.#logged.delete(key);
  }
}
