// The vault session's token handling over an in-memory Vault stand-in: one login for concurrent callers,
// renewal, a 403 that is a policy denial (no login) versus an invalid token (one login and a retry),
// revocation on close for tokens we logged in for and never for a user's static token.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import { PermissionDeniedError } from "../../../../src/provider/errors.ts";
import { VaultSession } from "../../../../providers/vault/session.ts";
import type { TokenSource } from "../../../../providers/vault/auth.ts";
import type { VaultHttp, VaultRequest, VaultResponse } from "../../../../providers/vault/http.ts";
import { vaultError } from "../../../../providers/vault/errors.ts";
import type { HeldToken } from "../../../../providers/vault/token.ts";

/** A stand-in for Vault: tokens it accepts, paths it denies, and every request it saw. */
function fakeVault() {
  const valid = new Set<string>();
  const denied = new Set<string>();
  const seen: string[] = [];
  let closed = 0;
  const http = {
    async send(req: VaultRequest): Promise<VaultResponse> {
      seen.push(req.path);
      const ok = (body: Record<string, unknown>) => ({ status: 200, body, errors: [], fromVault: true });
      const no = (status: number) => ({ status, body: {}, errors: ["permission denied"], fromVault: true });
      if (!req.token || !valid.has(req.token)) return no(403);
      if (req.path === "auth/token/lookup-self") return ok({ data: {} });
      if (req.path === "auth/token/renew-self") return ok({ auth: { lease_duration: 30, renewable: true } });
      if (req.path === "auth/token/revoke-self") {
        valid.delete(req.token);
        return { status: 204, body: {}, errors: [], fromVault: true };
      }
      return denied.has(req.path) ? no(403) : ok({ data: { path: req.path } });
    },
    failure: (req: Pick<VaultRequest, "op" | "path">, res: VaultResponse) => vaultError(req.op, req.path, res),
    close: () => void closed++,
  };
  return { http: http as unknown as VaultHttp, valid, denied, seen, closedCount: () => closed };
}

function loginSource(vault: ReturnType<typeof fakeVault>, clock: { now: number }, owned = true, ttlMs = 30_000): TokenSource & { logins: () => number } {
  let n = 0;
  return {
    label: "test@test",
    logins: () => n,
    async obtain(): Promise<HeldToken> {
      n++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const token = `tok-${n}`;
      vault.valid.add(token);
      return { token, ttlMs: owned ? ttlMs : 0, since: clock.now, renewable: true, owned };
    },
  };
}

const log = pino({ level: "silent" });

describe("VaultSession", () => {
  it("concurrent callers share one login", async () => {
    const vault = fakeVault();
    const clock = { now: 0 };
    const source = loginSource(vault, clock);
    const session = new VaultSession({ http: vault.http, source, log, now: () => clock.now });
    await Promise.all(Array.from({ length: 10 }, () => session.expectOk({ method: "GET", path: "kv/data/a", op: "read", call: "ReadSecret" })));
    assert.equal(source.logins(), 1);
  });

  it("renews past two thirds of the lease and logs in again after expiry", async () => {
    const vault = fakeVault();
    const clock = { now: 0 };
    const source = loginSource(vault, clock);
    const session = new VaultSession({ http: vault.http, source, log, now: () => clock.now });
    await session.token();
    clock.now = 21_000;
    await session.token();
    assert.equal(vault.seen.filter((p) => p === "auth/token/renew-self").length, 1);
    assert.equal(source.logins(), 1);
    clock.now = 21_000 + 30_000;
    await session.token();
    assert.equal(source.logins(), 2);
  });

  it("renews on a timer at two thirds of the lease, without any request", async () => {
    const vault = fakeVault();
    const clock = { get now() { return Date.now(); } };
    const source = loginSource(vault, clock, true, 150);
    const session = new VaultSession({ http: vault.http, source, log });
    await session.token();
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(vault.seen.filter((p) => p === "auth/token/renew-self").length, 1, "renewed once (the renewal grants 30 s)");
    assert.equal(source.logins(), 1);
    await session.close();
  });

  it("close stops the renewal timer", async () => {
    const vault = fakeVault();
    const clock = { get now() { return Date.now(); } };
    const session = new VaultSession({ http: vault.http, source: loginSource(vault, clock, true, 150), log });
    await session.token();
    await session.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(vault.seen.filter((p) => p === "auth/token/renew-self").length, 0);
  });

  it("a 403 from a policy costs a token lookup, not a login", async () => {
    const vault = fakeVault();
    vault.denied.add("kv/data/secret");
    const source = loginSource(vault, { now: 0 });
    const session = new VaultSession({ http: vault.http, source, log });
    await assert.rejects(session.expectOk({ method: "GET", path: "kv/data/secret", op: "read", call: "ReadSecret" }), PermissionDeniedError);
    assert.equal(source.logins(), 1);
    assert.deepEqual(vault.seen, ["kv/data/secret", "auth/token/lookup-self"]);
  });

  it("a 403 because the token was revoked logs in once and retries", async () => {
    const vault = fakeVault();
    const source = loginSource(vault, { now: 0 });
    const session = new VaultSession({ http: vault.http, source, log });
    await session.expectOk({ method: "GET", path: "kv/data/a", op: "read", call: "ReadSecret" });
    vault.valid.clear();
    const body = await session.expectOk({ method: "GET", path: "kv/data/a", op: "read", call: "ReadSecret" });
    assert.deepEqual(body, { data: { path: "kv/data/a" } });
    assert.equal(source.logins(), 2);
  });

  it("close revokes a token we logged in for, once, and closes the connections", async () => {
    const vault = fakeVault();
    const session = new VaultSession({ http: vault.http, source: loginSource(vault, { now: 0 }), log });
    await session.token();
    await session.close();
    await session.close();
    assert.equal(vault.seen.filter((p) => p === "auth/token/revoke-self").length, 1);
    assert.equal(vault.valid.size, 0);
    assert.equal(vault.closedCount(), 1);
  });

  it("close never revokes a user's static token", async () => {
    const vault = fakeVault();
    const session = new VaultSession({ http: vault.http, source: loginSource(vault, { now: 0 }, false), log });
    await session.validate();
    await session.close();
    assert.equal(vault.seen.filter((p) => p === "auth/token/revoke-self").length, 0);
    assert.equal(vault.valid.size, 1);
  });
});
