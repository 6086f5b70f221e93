// Parses Go duration strings (ESO's refreshInterval syntax) into milliseconds.
// Written by hand: Go's format is tiny and the npm duration parsers disagree with Go on units ("us", "µs").

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Returns milliseconds; throws on anything Go's time.ParseDuration would reject (negative durations are not accepted here). */
export function parseDuration(text: string): number {
  if (text === "0") return 0;
  const part = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (!match) throw new Error(`invalid duration ${JSON.stringify(text)}`);
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    index = part.lastIndex;
  }
  if (text.length === 0) throw new Error("invalid duration \"\"");
  return total;
}

/** Formats milliseconds the way Go prints a time.Duration (1h0m0s, 30s, 0s), for status and logs. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/**
 * A store's `spec.refreshInterval` (ESO: integer seconds or a Go duration) in milliseconds; unset, zero or
 * invalid text gives `fallbackMs` (invalid text is reported by the store reconciler, not here).
 */
export function storeIntervalMs(value: number | string | undefined, fallbackMs: number): number {
  if (typeof value === "number" && value > 0) return value * 1000;
  if (typeof value === "string") {
    try {
      const ms = parseDuration(value);
      if (ms > 0) return ms;
    } catch {
      // fall through to the default
    }
  }
  return fallbackMs;
}
