// When the vault session uses, renews or replaces its token: tables over a fixed clock.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { afterRenewal, tokenAction } from "../../../../providers/vault/token.ts";
import type { HeldToken, TokenAction } from "../../../../providers/vault/token.ts";

const held = (over: Partial<HeldToken> = {}): HeldToken => ({ token: "t", ttlMs: 30_000, since: 1_000_000, renewable: true, owned: true, ...over });

describe("tokenAction", () => {
  const cases: Array<{ name: string; given: { held: HeldToken | undefined; now: number }; want: TokenAction }> = [
    { name: "no token yet: log in", given: { held: undefined, now: 0 }, want: "login" },
    { name: "fresh token: use", given: { held: held(), now: 1_000_000 }, want: "use" },
    { name: "just under two thirds: use", given: { held: held(), now: 1_019_999 }, want: "use" },
    { name: "two thirds of the lease: renew", given: { held: held(), now: 1_020_000 }, want: "renew" },
    { name: "a moment before expiry, renewable: still renew (falls back to login)", given: { held: held(), now: 1_029_999 }, want: "renew" },
    { name: "two thirds, not renewable: log in", given: { held: held({ renewable: false }), now: 1_020_000 }, want: "login" },
    { name: "expired: log in", given: { held: held(), now: 1_030_000 }, want: "login" },
    { name: "long expired (sparse refreshes): log in", given: { held: held(), now: 9_000_000 }, want: "login" },
    { name: "no lease (root-like token): use forever", given: { held: held({ ttlMs: 0 }), now: 9_000_000 }, want: "use" },
    { name: "a static token from a Secret is never renewed", given: { held: held({ owned: false }), now: 1_029_000 }, want: "use" },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.equal(tokenAction(given.held, given.now), want));
});

describe("afterRenewal", () => {
  const cases: Array<{ name: string; given: { held: HeldToken; leaseSeconds: number; renewable: boolean; now: number }; want: Pick<HeldToken, "ttlMs" | "since" | "renewable"> }> = [
    { name: "a full renewal restarts the lease", given: { held: held(), leaseSeconds: 30, renewable: true, now: 1_020_000 }, want: { ttlMs: 30_000, since: 1_020_000, renewable: true } },
    { name: "capped by max TTL to less than half: stop renewing", given: { held: held(), leaseSeconds: 10, renewable: true, now: 1_020_000 }, want: { ttlMs: 10_000, since: 1_020_000, renewable: false } },
    { name: "exactly half still renews", given: { held: held(), leaseSeconds: 15, renewable: true, now: 1_020_000 }, want: { ttlMs: 15_000, since: 1_020_000, renewable: true } },
    { name: "Vault says not renewable any more", given: { held: held(), leaseSeconds: 30, renewable: false, now: 1_020_000 }, want: { ttlMs: 30_000, since: 1_020_000, renewable: false } },
  ];
  for (const { name, given, want } of cases) {
    it(name, () => {
      const next = afterRenewal(given.held, given.leaseSeconds, given.renewable, given.now);
      assert.deepEqual({ ttlMs: next.ttlMs, since: next.since, renewable: next.renewable }, want);
      assert.equal(next.token, given.held.token);
    });
  }
});
