// Key generation is the one piece of template work that takes whole seconds of CPU (RSA 4096 takes 0.5-2 s on
// a shared 2-core box, RSA 2048 20-150 ms, DSA L2048N256 0.1-1 s), and an ExternalSecret's render runs every
// template of it (data keys, templateFrom, metadata) in one isolation worker with a 3 s limit
// (src/isolation, --isolation-timeout). A per-execution step budget cannot bound that: each key of the spec
// gets its own budget. So key generation draws on one quota per render (renderTemplate opens it; a lone
// execution opens its own), in RSA-2048 units: one RSA 4096 key counts 8, DSA 4, RSA 2048 1; ECDSA and
// Ed25519 (well under a millisecond) are not counted. 12 units, e.g. one genPrivateKey "rsa" plus four
// genCA/genSignedCert, or twelve RSA 2048 certificates: measured at 0.6-1.9 s for the whole render
// (test/unit/template/keygen-quota.test.ts prints it), inside the worker's limit.
import { BudgetExceeded } from "./budget.ts";

export const KEYGEN_UNITS = Object.freeze({ rsa4096: 8, dsa: 4, rsa2048: 1 });
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
    throw new BudgetExceeded(`template budget exhausted: key generation is limited to ${MAX_KEYGEN_UNITS} units per render (an RSA 4096 key counts ${KEYGEN_UNITS.rsa4096}, DSA ${KEYGEN_UNITS.dsa}, RSA 2048 ${KEYGEN_UNITS.rsa2048})`);
  }
  quota.used += units;
}
