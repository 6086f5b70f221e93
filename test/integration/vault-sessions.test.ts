// One authenticated OpenBao session per store, counted at OpenBao's audit log: one login for many
// ExternalSecrets and reconciles, renewal of a short-TTL token, a new login once renewals hit the max TTL
// (without failed syncs), and the token revoked when the store changes, is deleted, and on shutdown.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { providerCallCount } from "../../src/provider/call-metrics.ts";
import { assertNoLeaks, auditRequests, bao, baoApi, enableAuth, loginCount, mountKv, tokenOps, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import { planted } from "../helpers/planted.ts";


describe("vault provider: one session per store", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const kv = unique("sess-kv");
  const values = [planted(), planted(), planted()];
  const secretIds: string[] = [];

  /** An AppRole mount of its own with one role, so its logins and tokens are counted apart from other tests. */
  const approle = async (tokenTtl: string, tokenMaxTtl: string) => {
    const b = bao();
    const mount = unique("approle");
    await enableAuth(b, "approle", mount);
    const role = unique("role");
    await baoApi(b, "POST", `auth/${mount}/role/${role}`, { token_policies: [`${kv}-read`], token_ttl: tokenTtl, token_max_ttl: tokenMaxTtl });
    const roleId = ((await baoApi(b, "GET", `auth/${mount}/role/${role}/role-id`))["data"] as { role_id: string }).role_id;
    const secretId = ((await baoApi(b, "POST", `auth/${mount}/role/${role}/secret-id`, {}))["data"] as { secret_id: string }).secret_id;
    secretIds.push(secretId);
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: mount }, stringData: { secretId } } });
    return { mount, role, auth: { appRole: { path: mount, roleId, secretRef: { name: mount, key: "secretId" } } } };
  };
  const store = (auth: unknown, extra: Record<string, unknown> = {}) => ({ provider: { vault: { ...vaultServer(), path: kv, auth, ...extra } } });
  const es = (name: string, storeName: string, refreshInterval = "1s") =>
    k.create("ExternalSecret", ns, name, {
      refreshInterval,
      secretStoreRef: { name: storeName },
      data: values.map((_, i) => ({ secretKey: `k${i}`, remoteRef: { key: `s${i}`, property: "value" } })),
    });
  const reads = () => auditRequests((path) => path.startsWith(`${kv}/data/`));
  const failedSyncs = async () => (await k.events(ns)).split("\n").filter((line) => line.includes("UpdateFailed")).length;
  const allSynced = async (names: string[]) => {
    for (const name of names) assert.deepEqual(decoded(await k.secret(ns, name)), Object.fromEntries(values.map((v, i) => [`k${i}`, v])));
  };

  before(async () => {
    ns = await freshNamespace("vault-sessions");
    const b = bao();
    await mountKv(b, kv, "2");
    for (const [i, value] of values.entries()) await writeKv(b, kv, `s${i}`, { value });
    await writePolicy(b, `${kv}-read`, `path "${kv}/data/*" { capabilities = ["read"] }`);
    op = await startTestOperator(ns);
  });
  after(async () => {
    await op?.stop();
  });

  it("logs in once for many ExternalSecrets over many reconciles", async (t) => {
    const { mount, auth } = await approle("1h", "2h");
    const metricLogins = providerCallCount({ provider: "vault", call: "Login" });
    await k.create("SecretStore", ns, "shared", store(auth));
    const names = ["a", "b", "c", "d", "e"];
    const readsBefore = reads();
    for (const name of names) await es(name, "shared");
    // 5 ExternalSecrets x 3 keys, refreshed every second: wait for at least 4 rounds of reads.
    await waitFor("60 reads", async () => (reads() - readsBefore >= 60 ? true : undefined), 120_000);
    await allSynced(names);
    assert.equal(loginCount(mount), 1, "one login for the store, whatever the number of ExternalSecrets and reconciles");
    // The provider's call metric agrees with OpenBao's audit log.
    assert.equal(providerCallCount({ provider: "vault", call: "Login" }) - metricLogins, 1);
    assert.ok(providerCallCount({ provider: "vault", call: "ReadSecret", status: "success" }) >= 60);
    t.diagnostic(`${reads() - readsBefore} reads by 5 ExternalSecrets, ${loginCount(mount)} login (OpenBao audit log)`);
    assert.equal(await failedSyncs(), 0);
  });

  it("renews a short-TTL token instead of logging in again", async () => {
    const { mount, role, auth } = await approle("3s", "1h");
    const renewsBefore = tokenOps("renew-self", role);
    await k.create("SecretStore", ns, "short-ttl", store(auth));
    await es("short", "short-ttl");
    await waitFor("3 renewals", async () => (tokenOps("renew-self", role) - renewsBefore >= 3 ? true : undefined), 60_000);
    assert.equal(loginCount(mount), 1);
    await allSynced(["short"]);
    assert.equal(await failedSyncs(), 0);
  });

  it("logs in again when renewals reach the max TTL, without a failed sync", async () => {
    const { mount, auth } = await approle("2s", "3s");
    await k.create("SecretStore", ns, "max-ttl", store(auth));
    await es("maxttl", "max-ttl");
    await waitFor("4 logins", async () => (loginCount(mount) >= 4 ? true : undefined), 60_000);
    await allSynced(["maxttl"]);
    assert.equal(await failedSyncs(), 0);
    assert.equal(ready(await k.es(ns, "maxttl"))?.status, "True");
  });

  it("a token that expired between refreshes is replaced before the read", async () => {
    const { mount, auth } = await approle("2s", "2s");
    await k.create("SecretStore", ns, "sparse", store(auth));
    await es("sparse", "sparse", "4s");
    await waitFor("3 logins", async () => (loginCount(mount) >= 3 ? true : undefined), 60_000);
    // Every refresh found its token expired and logged in first: no 403, no failed sync.
    assert.equal(await failedSyncs(), 0);
    await allSynced(["sparse"]);
  });

  it("revokes the store's token when the store changes, when it is deleted, and on shutdown", async () => {
    const { mount, role, auth } = await approle("1h", "2h");
    await k.create("SecretStore", ns, "revoked", store(auth));
    await es("rv", "revoked");
    await waitFor("secret rv", () => k.secret(ns, "rv"));
    const revokes = () => tokenOps("revoke-self", role);
    assert.equal(revokes(), 0);
    await k.patch("SecretStore", ns, "revoked", { spec: { provider: { vault: { headers: { "X-Bench": "changed" } } } } });
    await waitFor("revoked on change", async () => (revokes() === 1 && loginCount(mount) === 2 ? true : undefined));
    await k.custom.deleteNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name: "revoked" });
    await waitFor("revoked on delete", async () => (revokes() === 2 ? true : undefined));
    await sleep(1500);
    assert.equal(loginCount(mount), 2, "no login for a deleted store");
    // Shutdown: a fresh store of its own, then the operator stops and revokes it.
    const other = await approle("1h", "2h");
    await k.create("SecretStore", ns, "at-shutdown", store(other.auth));
    await es("sd", "at-shutdown");
    await waitFor("secret sd", () => k.secret(ns, "sd"));
    await assertNoLeaks(op, ns, [...values, ...secretIds]);
    await op.stop();
    assert.equal(tokenOps("revoke-self", other.role), 1, "shutdown revokes the session's token");
    assert.equal(loginCount(other.mount), 1);
  });
});
