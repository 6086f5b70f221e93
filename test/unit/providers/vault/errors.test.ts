// Vault answers -> the provider contract's typed errors, in one table; messages never carry bodies.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, NoSecretError, PermissionDeniedError, ProviderUnavailableError } from "../../../../src/provider/errors.ts";
import { errorTexts, retryAfterMs, vaultError, vaultTransportError } from "../../../../providers/vault/errors.ts";
import type { VaultOperation } from "../../../../providers/vault/errors.ts";

describe("vaultError", () => {
  const cases: Array<{ name: string; given: { op: VaultOperation; status: number; errors?: string[]; fromVault?: boolean }; want: new (...args: never[]) => Error }> = [
    { name: "404 on a read: the key is gone", given: { op: "read", status: 404 }, want: NoSecretError },
    // Answers that are not Vault's JSON come from something in between (a proxy's HTML page): never "gone".
    { name: "404 on a read, not Vault's JSON: transient, not gone", given: { op: "read", status: 404, fromVault: false }, want: ProviderUnavailableError },
    { name: "200 on a read, not Vault's JSON: transient", given: { op: "read", status: 200, fromVault: false }, want: ProviderUnavailableError },
    { name: "404 on a list, not Vault's JSON: transient", given: { op: "list", status: 404, fromVault: false }, want: ProviderUnavailableError },
    { name: "400 on a read, not Vault's JSON: transient, not a bad spec", given: { op: "read", status: 400, fromVault: false }, want: ProviderUnavailableError },
    { name: "403 not from Vault (an auth proxy): still permission denied", given: { op: "read", status: 403, fromVault: false }, want: PermissionDeniedError },
    { name: "403: permission denied", given: { op: "read", status: 403, errors: ["permission denied"] }, want: PermissionDeniedError },
    { name: "401: permission denied", given: { op: "list", status: 401 }, want: PermissionDeniedError },
    { name: "400 on a login: rejected credentials", given: { op: "login", status: 400, errors: ["invalid role or secret ID"] }, want: PermissionDeniedError },
    { name: "400 on a read: a bad request", given: { op: "read", status: 400 }, want: ConfigError },
    { name: "404 on a login (no such mount): a bad spec", given: { op: "login", status: 404 }, want: ConfigError },
    { name: "429: throttled", given: { op: "read", status: 429 }, want: ProviderUnavailableError },
    { name: "412 (index not yet replicated): retry", given: { op: "read", status: 412 }, want: ProviderUnavailableError },
    { name: "500", given: { op: "read", status: 500 }, want: ProviderUnavailableError },
    { name: "503 sealed", given: { op: "login", status: 503, errors: ["Vault is sealed"] }, want: ProviderUnavailableError },
  ];
  for (const { name, given, want } of cases) {
    it(name, () => assert.ok(vaultError(given.op, "kv/data/app", { status: given.status, errors: given.errors ?? [], fromVault: given.fromVault ?? true }) instanceof want));
  }

  it("names the operation, path, status and Vault's error text, truncated", () => {
    const err = vaultError("read", "kv/data/app", { status: 403, errors: ["permission denied", "x".repeat(400)], fromVault: true });
    assert.match(err.message, /^vault read kv\/data\/app: HTTP 403 \(permission denied; x+\.\.\.\)$/);
    assert.ok(err.message.length < 250);
  });

  it("keeps Retry-After for throttling", () => {
    const err = vaultError("read", "p", { status: 429, errors: [], retryAfterMs: 2000, fromVault: true });
    assert.ok(err instanceof ProviderUnavailableError);
    assert.equal(err.retryAfterMs, 2000);
  });

  it("a transport failure is transient and names only the error code", () => {
    const err = vaultTransportError("read", "p", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1 with secret?"), { code: "ECONNREFUSED" }));
    assert.ok(err instanceof ProviderUnavailableError);
    assert.equal(err.message, "vault read p: no answer from the server (ECONNREFUSED)");
  });
});

describe("retryAfterMs", () => {
  const cases = [
    { name: "seconds", given: "3", want: 3000 },
    { name: "absent", given: undefined, want: undefined },
    { name: "an HTTP date is ignored", given: "Wed, 21 Oct 2015 07:28:00 GMT", want: undefined },
    { name: "the first of several", given: ["1", "9"], want: 1000 },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.equal(retryAfterMs(given), want));
});

describe("errorTexts", () => {
  const cases: Array<{ name: string; given: { body: Record<string, unknown> | undefined; sent: { token?: string; body?: unknown } }; want: string[] }> = [
    { name: "no body", given: { body: undefined, sent: {} }, want: [] },
    { name: "errors not an array", given: { body: { errors: "boom" }, sent: {} }, want: [] },
    { name: "Vault's texts, nothing sent to withhold", given: { body: { errors: ["permission denied", 7] }, sent: {} }, want: ["permission denied", "7"] },
    { name: "the token echoed back", given: { body: { errors: ["bad token s.abcdefgh12345"] }, sent: { token: "s.abcdefgh12345" } }, want: ["bad token ***"] },
    { name: "part of the token echoed back", given: { body: { errors: ["bad token abcdefgh12"] }, sent: { token: "s.abcdefgh12345" } }, want: ["bad token ***"] },
    {
      name: "credential fields of a login body, role names kept",
      given: { body: { errors: ['role "payments" rejected jwt eyJhbGciOi.x and password hunter2hunter2'] }, sent: { body: { role: "payments", jwt: "eyJhbGciOi.x", password: "hunter2hunter2" } } },
      want: ['role "payments" rejected jwt *** and password ***'],
    },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.deepEqual(errorTexts(given.body, given.sent), want));

  it("is bounded: at most 8 texts of 512 characters", () => {
    const texts = errorTexts({ errors: Array.from({ length: 1000 }, () => "e".repeat(100_000)) }, { token: "t0k3n-value" });
    assert.equal(texts.length, 8);
    assert.ok(texts.every((text) => text.length === 512));
  });
});
