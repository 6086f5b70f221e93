// When a session's Vault token is used as is, renewed or replaced by a new login: pure, for table tests.
// Renew once two thirds of the lease have passed; log in again when the token cannot be renewed (not
// renewable, or renewals capped by the role's max TTL) or has expired.

/** A token the session holds, with its lease as Vault reported it at issue or last renewal. */
export interface HeldToken {
  token: string;
  /** Lease length in ms as last reported; 0 = never expires (root or periodic-less static tokens). */
  ttlMs: number;
  /** When the lease above started (ms since epoch). */
  since: number;
  renewable: boolean;
  /** True for tokens we obtained by logging in (and so renew and revoke); false for tokenSecretRef. */
  owned: boolean;
}

export type TokenAction = "use" | "renew" | "login";

export function tokenAction(held: HeldToken | undefined, now: number): TokenAction {
  if (!held) return "login";
  if (held.ttlMs <= 0 || !held.owned) return "use";
  const age = now - held.since;
  // Past its lease the token is gone. Between two thirds and the end, a renewal is tried even close to
  // expiry: if it loses the race, the session falls back to a login (session.ts), so nothing fails.
  if (age >= held.ttlMs) return "login";
  if (age >= (held.ttlMs * 2) / 3) return held.renewable ? "renew" : "login";
  return "use";
}

/**
 * The token after a renewal answered with `leaseSeconds`. A renewal that grants less than half of the
 * previous lease has hit the role's max TTL: stop renewing so the next threshold logs in again instead of
 * renewing on every request.
 */
export function afterRenewal(held: HeldToken, leaseSeconds: number, renewable: boolean, now: number): HeldToken {
  const ttlMs = leaseSeconds * 1000;
  return { ...held, ttlMs, since: now, renewable: renewable && ttlMs * 2 >= held.ttlMs };
}
