// Comparing a caller's secret with ours without a timing side channel. crypto.timingSafeEqual throws on inputs of
// different lengths, and branching on the length first would tell a prober how long the token is: both sides are
// hashed to 32 bytes first, so the comparison takes the same time whatever the caller sent.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: Uint8Array | string) => createHash("sha256").update(value).digest();

/** Whether `given` equals `expected`, in time independent of where they differ and of their lengths. */
export function equalSecret(given: Uint8Array | string | undefined, expected: Uint8Array | string): boolean {
  // An absent header still costs a comparison, so "no header" and "wrong header" take the same path.
  const same = timingSafeEqual(digest(given ?? ""), digest(expected));
  return same && given !== undefined;
}
