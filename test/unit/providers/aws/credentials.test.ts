// Credential caching: refreshed before expiry, one load shared by concurrent callers, failures not cached;
// which auth method a spec selects; the web identity token's audiences; the role session name.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CachedCredentials, REFRESH_MARGIN_MS, STATIC_REREAD_MS, authMethod, forSdk, refreshAtMs } from "../../../../providers/aws/credentials.ts";
import { tokenAudiences } from "../../../../providers/aws/auth-web-identity.ts";
import { roleSessionName } from "../../../../providers/aws/sts.ts";
import type { AwsProviderSpec } from "../../../../providers/aws/schema.ts";
import { ConfigError } from "../../../../src/provider/errors.ts";

const HOUR = 3_600_000;

describe("refreshAtMs", () => {
  const table: Array<{ name: string; given: [number, number | undefined, number]; want: number }> = [
    { name: "static keys: re-read after the static TTL", given: [1000, undefined, STATIC_REREAD_MS], want: 1000 + STATIC_REREAD_MS },
    { name: "an hour-long session: 5 minutes before expiry", given: [0, HOUR, STATIC_REREAD_MS], want: HOUR - REFRESH_MARGIN_MS },
    { name: "a short session: a quarter of its lifetime before expiry", given: [0, 8 * 60_000, STATIC_REREAD_MS], want: 6 * 60_000 },
    { name: "already expired: now", given: [10_000, 5_000, STATIC_REREAD_MS], want: 5_000 },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(refreshAtMs(...given), want));
});

describe("CachedCredentials", () => {
  it("loads once per lifetime, shares a concurrent load and refreshes before expiry", async () => {
    let now = 0;
    let loads = 0;
    const cache = new CachedCredentials(
      async () => {
        loads++;
        return { accessKeyId: `ASIA${loads}`, secretAccessKey: "s", expiration: new Date(now + HOUR) };
      },
      { now: () => now },
    );
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    assert.equal(loads, 1);
    assert.equal(a.accessKeyId, b.accessKeyId);
    now = HOUR - REFRESH_MARGIN_MS - 1;
    assert.equal((await cache.get()).accessKeyId, "ASIA1");
    now = HOUR - REFRESH_MARGIN_MS;
    assert.equal((await cache.get()).accessKeyId, "ASIA2");
    assert.equal(loads, 2);
    cache.invalidate();
    await cache.get();
    assert.equal(loads, 3);
  });
  it("does not cache a failed load", async () => {
    let calls = 0;
    const cache = new CachedCredentials(async () => {
      calls++;
      if (calls === 1) throw new ConfigError("missing key");
      return { accessKeyId: "AKIA", secretAccessKey: "s" };
    });
    await assert.rejects(cache.get(), ConfigError);
    assert.equal((await cache.get()).accessKeyId, "AKIA");
  });
});

describe("forSdk", () => {
  // The SDK memoizes an identity without expiration forever, and one with it until 5 minutes before: we always
  // report at most a minute ahead so the SDK asks our cache before every request.
  const table = [
    { name: "static keys get an expiration a minute ahead", given: undefined, want: 60_000 },
    { name: "a distant expiration is pulled in to a minute", given: HOUR, want: 60_000 },
    { name: "a near expiration stays", given: 30_000, want: 30_000 },
  ];
  for (const { name, given, want } of table) {
    it(name, async () => {
      const get = forSdk(async () => ({ accessKeyId: "A", secretAccessKey: "s", expiration: given === undefined ? undefined : new Date(given) }), () => 0);
      assert.equal((await get()).expiration?.getTime(), want);
    });
  }
});

describe("authMethod", () => {
  const base: AwsProviderSpec = { service: "SecretsManager", region: "eu-west-1" };
  const table = [
    { name: "no auth: default chain", given: base, want: "default" },
    { name: "empty auth: default chain", given: { ...base, auth: {} }, want: "default" },
    { name: "secretRef", given: { ...base, auth: { secretRef: { accessKeyIDSecretRef: { name: "c", key: "id" } } } }, want: "secretRef" },
    { name: "jwt", given: { ...base, auth: { jwt: { serviceAccountRef: { name: "sa" } } } }, want: "jwt" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(authMethod(given), want));
  it("jwt without a ServiceAccount is a config error", () => assert.throws(() => authMethod({ ...base, auth: { jwt: {} } }), ConfigError));
});

describe("tokenAudiences", () => {
  const table = [
    { name: "STS's default audience", given: [{}, undefined] as const, want: ["sts.amazonaws.com"] },
    { name: "the account's audience annotation", given: [{ "eks.amazonaws.com/audience": "custom" }, undefined] as const, want: ["custom"] },
    { name: "plus the ref's audiences, deduplicated", given: [{}, ["a", "sts.amazonaws.com"]] as const, want: ["sts.amazonaws.com", "a"] },
  ];
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(tokenAudiences(given[0], given[1] ? [...given[1]] : undefined), want));
});

describe("roleSessionName", () => {
  const table = [
    { name: "a SecretStore", given: { kind: "SecretStore" as const, name: "aws", namespace: "team-a" }, want: "secrets-bridge-team-a-aws" },
    { name: "a ClusterSecretStore serving a namespace", given: { kind: "ClusterSecretStore" as const, name: "shared", referentNamespace: "team-b" }, want: "secrets-bridge-team-b-shared" },
    { name: "a ClusterSecretStore", given: { kind: "ClusterSecretStore" as const, name: "shared" }, want: "secrets-bridge-cluster-shared" },
    { name: "capped at 64 characters", given: { kind: "SecretStore" as const, name: "x".repeat(80), namespace: "ns" }, want: `secrets-bridge-ns-${"x".repeat(46)}` },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(roleSessionName(given), want));
});
