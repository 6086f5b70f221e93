// Jitter for delays, so many objects with the same interval do not hit providers and the apiserver in lockstep.
//
// Bounds are one-sided: the result is in [ms, ms * (1 + fraction)], never below ms. Why not the
// symmetric [ms*(1-f), ms*(1+f)]: the delays we jitter are promises to users and providers.
// `refreshInterval: 1h` reads as "at most once an hour" (AWS bills per call), a backoff of 8s is a
// floor we promised a failing provider, and a lease retry period must not shrink. Spreading upwards
// de-synchronises just as well while keeping every configured interval a lower bound. client-go's
// wait.Jitter makes the same choice.

/**
 * Returns a uniformly random delay in [ms, ms * (1 + fraction)].
 * Negative or NaN `ms` or `fraction` count as 0 and +Infinity is clamped to Number.MAX_VALUE, so the
 * result is always finite and non-negative.
 * `random` must return values in [0, 1) like Math.random; out-of-range values are clamped.
 */
export function jittered(ms: number, fraction: number, random: () => number = Math.random): number {
  return spread(ms, fraction, random());
}

/**
 * Like {@link jittered}, but the position inside the window is a stable hash of `key`.
 * Different keys spread over the window (no lockstep after a restart re-queues everything at once),
 * while one key always gets the same offset, so its schedule does not wander from run to run and
 * a restart does not move every refresh.
 */
export function deterministicJitter(key: string, ms: number, fraction: number): number {
  return spread(ms, fraction, unitHash(key));
}

function spread(ms: number, fraction: number, unit: number): number {
  const base = clampDelay(ms);
  const factor = clampDelay(fraction) * (Number.isFinite(unit) ? Math.min(1, Math.max(0, unit)) : 0);
  // base * (fraction * unit), not (base * fraction) * unit: a huge fraction times unit 0 must stay 0, not Infinity * 0 = NaN.
  const extra = base === 0 || factor === 0 ? 0 : base * factor;
  return Math.min(base + extra, Number.MAX_VALUE);
}

// NaN and negatives mean "no delay"; +Infinity is clamped so arithmetic stays finite.
function clampDelay(value: number): number {
  if (Number.isNaN(value) || value <= 0) return 0;
  return Math.min(value, Number.MAX_VALUE);
}

/**
 * Maps a string to [0, 1): FNV-1a over UTF-16 code units, then murmur3's fmix32 finaliser so keys
 * that differ only in their last character ("ns/app-1", "ns/app-2") land far apart.
 */
export function unitHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}
