// Key generation is the one piece of template work that takes whole seconds of CPU (RSA 4096 takes 0.5-2 s on
// a shared 2-core box, DSA L2048N256 0.3-2 s, RSA 2048 20-150 ms), and an ExternalSecret's render runs every
// template of it (data keys, templateFrom, metadata) in one isolation worker with a 3 s limit
// (src/isolation, --isolation-timeout). A per-execution step budget cannot bound that: each key of the spec
// gets its own budget. So key generation draws on one quota per render (renderTemplate opens it; a lone
// execution opens its own), in RSA-2048 units: an RSA 4096 or DSA key counts 8, an RSA 2048 key 1; ECDSA and
// Ed25519 (well under a millisecond) are not counted. 12 units: one genPrivateKey "rsa" (or "dsa") and four
// genCA/genSignedCert, or twelve RSA 2048 certificates. Measured through the isolation worker (renderIsolated,
// 5-6 runs each) on the shared 2-core box at load 3-7: 0.2-1.7 s with RSA 4096, 0.5-0.8 s with DSA, 0.5-1.1 s
// for twelve RSA 2048; RSA 4096 plus DSA (16 units, now refused) took up to 2.5 s there, too close to the
// limit. RSA key generation has a long tail: a rare slow one still ends at the worker's limit (a retried
// "time limit" error), never on the operator's thread.
import { BudgetExceeded } from "./budget.ts";

export const KEYGEN_UNITS = Object.freeze({ rsa4096: 8, dsa: 8, rsa2048: 1 });
export const MAX_KEYGEN_UNITS = 12;

let active: { used: number } | undefined;

/** Runs `run` under a key-generation quota, unless one is open already (the render's). */
export function withKeygenQuota<T>(run: () => T): T {
  if (active) return run();
  active = { used: 0 };
  try {
    return run();
  } finally {
    active = undefined;
  }
}

/** Takes `units` from the open quota (checked before the key is made); BudgetExceeded when it would run out. */
export function spendKeygen(units: number): void {
  const quota = active ?? { used: 0 };
  if (quota.used + units > MAX_KEYGEN_UNITS) {
    // Fixed text of the form the condition may show (error-details.ts): no data in it.
    throw new BudgetExceeded(`template budget exhausted: more than ${MAX_KEYGEN_UNITS} key generation units per render`);
  }
  quota.used += units;
}
