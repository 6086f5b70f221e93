// Every vault auth method end to end against the real OpenBao and the bench apiserver: token, Kubernetes
// (TokenRequest with audience "vault" reviewed by OpenBao's own reviewer token, token Secret, the operator's own
// token in a ClusterSecretStore; OpenBao calls TokenReview), AppRole (roleId and
// roleRef), JWT (minted ServiceAccount token, JWT Secret), TLS cert and userpass; namespace rules for refs;
// a wrong role or a denying policy gives Ready=False and keeps the old Secret; rotated credentials are picked up.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator, waitForReady } from "../helpers/operator.ts";
import { assertNoLeaks, auditRequests, bao, baoApi, enableAuth, loginCount, mountKv, openbaoState, reviewableServiceAccount, unique, vaultServer, writeKv, writePolicy } from "../helpers/openbao.ts";
import { loadBench } from "../helpers/bench.ts";
import { planted } from "../helpers/planted.ts";


describe("vault provider: auth methods against OpenBao", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const kv = unique("auth-kv");
  const policy = `${kv}-read`;
  const value = planted();
  const secretId = { current: "" };
  const roleIdHolder = { value: "" };
  const password = planted();
  const tokenFileDir = mkdtempSync(join(tmpdir(), "vault-own-sa-"));
  const role = unique("r");
  // Minted tokens carry audience "vault" (never the apiserver's), so they cannot review themselves: this mount
  // reviews with a token of its own, as a production Vault does, and its role requires audience "vault".
  const k8sMount = unique("k8s");
  const storeOf = (auth: unknown, extra: Record<string, unknown> = {}) => ({ provider: { vault: { ...vaultServer(), path: kv, version: "v2", auth, ...extra } } });
  const secret = (name: string, data: Record<string, string>) => k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name }, stringData: data } });
  const readsValue = async (store: string, kind: "SecretStore" | "ClusterSecretStore" = "SecretStore") => {
    const name = `es-${store}`;
    await k.create("ExternalSecret", ns, name, { secretStoreRef: { name: store, kind }, data: [{ secretKey: "v", remoteRef: { key: "app", property: "value" } }] });
    const synced = await waitFor(`secret ${name}`, () => k.secret(ns, name));
    assert.deepEqual(decoded(synced), { v: value });
  };
  const readyEs = (name: string, status: "True" | "False") => waitForReady(k, ns, name, status);
  const mint = async (sa: string, audiences?: string[]) =>
    (await k.core.createNamespacedServiceAccountToken({ name: sa, namespace: ns, body: { spec: { ...(audiences ? { audiences } : {}), expirationSeconds: 3600 } } })).status!.token!;

  before(async () => {
    ns = await freshNamespace("vault-auth");
    const b = bao();
    await mountKv(b, kv, "2");
    await writeKv(b, kv, "app", { value });
    await writeKv(b, kv, "forbidden", { value: "nope" });
    await writePolicy(b, policy, `path "${kv}/data/app" { capabilities = ["read"] }`);
    for (const sa of ["vault-sa", "vault-legacy", "vault-own", "vault-jwt", "vault-reviewer"]) await reviewableServiceAccount(ns, sa);
    await enableAuth(b, "kubernetes", k8sMount);
    const bench = loadBench();
    await baoApi(b, "POST", `auth/${k8sMount}/config`, {
      kubernetes_host: bench.server,
      kubernetes_ca_cert: readFileSync(bench.caCertPath, "utf8"),
      token_reviewer_jwt: await mint("vault-reviewer"),
      disable_local_ca_jwt: true,
    });
    await baoApi(b, "POST", `auth/${k8sMount}/role/${role}`, {
      bound_service_account_names: ["vault-sa"],
      bound_service_account_namespaces: [ns],
      audience: "vault",
      token_policies: [policy],
      token_ttl: "1h",
    });
    await baoApi(b, "POST", `auth/kubernetes/role/${role}`, {
      bound_service_account_names: ["vault-sa", "vault-legacy", "vault-own"],
      bound_service_account_namespaces: [ns],
      token_policies: [policy],
      token_ttl: "1h",
    });
    await baoApi(b, "POST", `auth/jwt/role/${role}`, {
      role_type: "jwt",
      user_claim: "sub",
      bound_audiences: ["vault"],
      bound_subject: `system:serviceaccount:${ns}:vault-jwt`,
      token_policies: [policy],
      token_ttl: "1h",
    });
    await baoApi(b, "POST", `auth/approle/role/${role}`, { token_policies: [policy], token_ttl: "1h" });
    roleIdHolder.value = ((await baoApi(b, "GET", `auth/approle/role/${role}/role-id`))["data"] as { role_id: string }).role_id;
    secretId.current = ((await baoApi(b, "POST", `auth/approle/role/${role}/secret-id`, {}))["data"] as { secret_id: string }).secret_id;
    const state = openbaoState();
    await baoApi(b, "POST", `auth/cert/certs/${role}`, { certificate: readFileSync(state.clientCaPath, "utf8"), token_policies: [policy], token_ttl: "1h" });
    await baoApi(b, "POST", `auth/userpass/users/${role}`, { password, token_policies: [policy], token_ttl: "1h" });
    op = await startTestOperator(ns);
  });
  after(async () => {
    delete process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"];
    await op?.stop();
  });

  it("tokenSecretRef", async () => {
    const created = await baoApi(bao(), "POST", "auth/token/create", { policies: [policy], ttl: "1h" });
    await secret("static-token", { token: (created["auth"] as { client_token: string }).client_token });
    await k.create("SecretStore", ns, "token", storeOf({ tokenSecretRef: { name: "static-token", key: "token" } }));
    await readsValue("token");
  });

  it("kubernetes with serviceAccountRef: the operator mints the token for audience vault and OpenBao reviews it at the apiserver", async () => {
    const before = loginCount(k8sMount);
    await k.create("SecretStore", ns, "k8s", storeOf({ kubernetes: { role, mountPath: k8sMount, serviceAccountRef: { name: "vault-sa" } } }));
    await readsValue("k8s");
    assert.ok(loginCount(k8sMount) > before);
  });

  it("kubernetes with secretRef (a token Secret)", async () => {
    await secret("legacy-sa-token", { token: await mint("vault-legacy") });
    await k.create("SecretStore", ns, "k8s-secret", storeOf({ kubernetes: { mountPath: "kubernetes", role, secretRef: { name: "legacy-sa-token", key: "token" } } }));
    await readsValue("k8s-secret");
  });

  it("kubernetes with the operator's own ServiceAccount token, in a ClusterSecretStore (a SecretStore may not: tenant-identity-vault)", async () => {
    const file = join(tokenFileDir, "token");
    writeFileSync(file, await mint("vault-own"));
    process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"] = file;
    const name = unique("vault-own");
    await k.create("ClusterSecretStore", undefined, name, storeOf({ kubernetes: { role } }));
    await readsValue(name, "ClusterSecretStore");
    await k.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name });
  });

  it("appRole with roleId and with roleRef", async () => {
    await secret("approle", { roleId: roleIdHolder.value, secretId: secretId.current });
    await k.create("SecretStore", ns, "approle", storeOf({ appRole: { roleId: roleIdHolder.value, secretRef: { name: "approle", key: "secretId" } } }));
    await k.create("SecretStore", ns, "approle-ref", storeOf({ appRole: { path: "approle", roleRef: { name: "approle", key: "roleId" }, secretRef: { name: "approle", key: "secretId" } } }));
    await readsValue("approle");
    await readsValue("approle-ref");
  });

  it("jwt with a minted ServiceAccount token and with a JWT Secret", async () => {
    await k.create("SecretStore", ns, "jwt-sa", storeOf({ jwt: { role, kubernetesServiceAccountToken: { serviceAccountRef: { name: "vault-jwt" } } } }));
    await secret("jwt", { jwt: await mint("vault-jwt", ["vault"]) });
    await k.create("SecretStore", ns, "jwt-secret", storeOf({ jwt: { path: "jwt", role, secretRef: { name: "jwt", key: "jwt" } } }));
    await readsValue("jwt-sa");
    await readsValue("jwt-secret");
  });

  it("cert: the client certificate logs in over mutual TLS", async () => {
    const state = openbaoState();
    await secret("client-cert", { "tls.crt": readFileSync(state.clientCertPath, "utf8"), "tls.key": readFileSync(state.clientKeyPath, "utf8") });
    const before = loginCount("cert");
    await k.create("SecretStore", ns, "cert", storeOf({ cert: { vaultRole: role, clientCert: { name: "client-cert", key: "tls.crt" }, secretRef: { name: "client-cert", key: "tls.key" } } }));
    await readsValue("cert");
    assert.ok(loginCount("cert") > before);
  });

  it("userPass", async () => {
    await secret("userpass", { password });
    await k.create("SecretStore", ns, "userpass", storeOf({ userPass: { username: role, secretRef: { name: "userpass", key: "password" } } }));
    await readsValue("userpass");
  });

  it("a ClusterSecretStore ref without a namespace resolves in the ExternalSecret's namespace", async () => {
    const name = unique("vault-css");
    await k.create("ClusterSecretStore", undefined, name, storeOf({ userPass: { username: role, secretRef: { name: "userpass", key: "password" } } }));
    await readsValue(name, "ClusterSecretStore");
  });

  it("a SecretStore may not reference a Secret in another namespace", async () => {
    await k.create("SecretStore", ns, "cross-ns", storeOf({ userPass: { username: role, secretRef: { name: "userpass", key: "password", namespace: "kube-system" } } }));
    const store = await waitFor("store cross-ns not ready", async () => {
      const s = (await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name: "cross-ns" })) as Parameters<typeof ready>[0];
      return ready(s)?.status === "False" ? s : undefined;
    });
    assert.equal(ready(store)?.reason, "InvalidProviderConfig");
    assert.match(ready(store)?.message ?? "", /own namespace/);
  });

  it("a wrong role gives Ready=False with a clear reason and keeps the old Secret", async () => {
    await k.create("SecretStore", ns, "breaks", storeOf({ userPass: { username: role, secretRef: { name: "userpass", key: "password" } } }));
    await k.create("ExternalSecret", ns, "breaks", { refreshInterval: "1s", secretStoreRef: { name: "breaks" }, data: [{ secretKey: "v", remoteRef: { key: "app", property: "value" } }] });
    await waitFor("secret breaks", () => k.secret(ns, "breaks"));
    await k.patch("SecretStore", ns, "breaks", { spec: { provider: { vault: { auth: { userPass: { username: "no-such-user" } } } } } });
    const es = await readyEs("breaks", "False");
    assert.equal(ready(es)?.reason, "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /vault login auth\/userpass\/login\/no-such-user: HTTP 400 \(invalid username or password\)/);
    assert.deepEqual(decoded(await k.secret(ns, "breaks")), { v: value });
  });

  it("a denying policy gives Ready=False with HTTP 403 and costs no extra login", async () => {
    // A user of its own, so other stores' (failing) logins on the shared userpass mount do not count here.
    const user = `${role}-deny`;
    await baoApi(bao(), "POST", `auth/userpass/users/${user}`, { password, token_policies: [policy], token_ttl: "1h" });
    const logins = () => auditRequests((path) => path === `auth/userpass/login/${user}`);
    await k.create("SecretStore", ns, "denied", storeOf({ userPass: { username: user, secretRef: { name: "userpass", key: "password" } } }));
    await readsValue("denied");
    assert.equal(logins(), 1);
    await k.create("ExternalSecret", ns, "denied-es", { refreshInterval: "1s", secretStoreRef: { name: "denied" }, data: [{ secretKey: "v", remoteRef: { key: "forbidden", property: "value" } }] });
    const es = await readyEs("denied-es", "False");
    assert.match(ready(es)?.message ?? "", /HTTP 403 \(.*permission denied/);
    assert.equal(await k.secret(ns, "denied-es"), undefined);
    await sleep(1500);
    assert.equal(logins(), 1, "a policy denial must not trigger a new login");
  });

  it("rotated credentials in the Secret are picked up once OpenBao stops accepting the old token", async () => {
    const b = bao();
    // An AppRole mount of its own, so its logins are counted apart from the other stores'.
    const mount = unique("approle");
    await enableAuth(b, "approle", mount);
    await baoApi(b, "POST", `auth/${mount}/role/app`, { token_policies: [policy], token_ttl: "1h" });
    const roleId = ((await baoApi(b, "GET", `auth/${mount}/role/app/role-id`))["data"] as { role_id: string }).role_id;
    const newSecretId = async () => ((await baoApi(b, "POST", `auth/${mount}/role/app/secret-id`, {}))["data"] as { secret_id: string }).secret_id;
    const first = await newSecretId();
    await secret(mount, { secretId: first });
    await k.create("SecretStore", ns, "rotating-creds", storeOf({ appRole: { path: mount, roleId, secretRef: { name: mount, key: "secretId" } } }));
    await k.create("ExternalSecret", ns, "rotate-creds", { refreshInterval: "1s", secretStoreRef: { name: "rotating-creds" }, data: [{ secretKey: "v", remoteRef: { key: "app", property: "value" } }] });
    await waitFor("secret rotate-creds", () => k.secret(ns, "rotate-creds"));
    assert.equal(loginCount(mount), 1);
    const fresh = await newSecretId();
    await k.core.replaceNamespacedSecret({ name: mount, namespace: ns, body: { metadata: { name: mount }, stringData: { secretId: fresh } } });
    await baoApi(b, "POST", `auth/${mount}/role/app/secret-id/destroy`, { secret_id: first });
    // Revoke every token the mount issued: the session's token is now invalid, as after an admin's revocation.
    await baoApi(b, "PUT", `sys/leases/revoke-prefix/auth/${mount}/login`);
    const newValue = planted();
    await writeKv(b, kv, "app", { value: newValue });
    await waitFor("new value via the new credentials", async () => (decoded(await k.secret(ns, "rotate-creds")).v === newValue ? true : undefined));
    // One new login, made with the new secret_id (the old one is destroyed and would fail).
    assert.equal(loginCount(mount), 2);
    await writeKv(b, kv, "app", { value });
    await assertNoLeaks(op, ns, [value, newValue, password, fresh, first, secretId.current]);
  });

  it("never shows a planted value in logs, Events or status", async () => {
    await assertNoLeaks(op, ns, [value, password, secretId.current]);
  });
});
