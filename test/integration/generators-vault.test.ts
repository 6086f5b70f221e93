// Issue 18 stage 2 on the bench's real OpenBao: VaultDynamicSecret issuing PKI certificates and tokens, with the
// vault provider's auth (a token Secret), namespaced and through a ClusterGenerator, and the tenant rules: a
// namespaced generator may not log in as the operator, send its credentials over plain http to a remote host, or
// read a Secret of another namespace. No generated value (a private key, a token) in logs, Events or status.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { GENERATOR_GROUP, GENERATOR_VERSION } from "../../src/api/generators.ts";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, bao, baoApi, enableAuth, loginCount, unique, vaultServer, writePolicy } from "../helpers/openbao.ts";
import { rememberForSweep } from "../helpers/planted.ts";

const API_VERSION = `${GENERATOR_GROUP}/${GENERATOR_VERSION}`;

describe("VaultDynamicSecret generator (OpenBao)", () => {
  let ns: string;
  let other: string;
  let op: TestOperator;
  const k = kube();
  const pki = unique("pki");
  const clusterGenerator = unique("vds");
  const generated: string[] = [];

  const provider = (auth: unknown, extra: Record<string, unknown> = {}) => ({ ...vaultServer(), auth, ...extra });
  const tokenAuth = (namespace?: string) => ({ tokenSecretRef: { name: "vault-token", key: "token", ...(namespace ? { namespace } : {}) } });
  const issueSpec = (commonName: string, auth: unknown = tokenAuth(), extra: Record<string, unknown> = {}) => ({
    path: `${pki}/issue/web`,
    method: "POST",
    parameters: { common_name: commonName, ttl: "10m" },
    provider: provider(auth),
    ...extra,
  });
  const createVds = (name: string, spec: unknown) =>
    k.custom.createNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace: ns, plural: "vaultdynamicsecrets", body: { apiVersion: API_VERSION, kind: "VaultDynamicSecret", metadata: { name }, spec } });
  const fromGenerator = (kind: string, name: string) => ({ refreshInterval: "1h", dataFrom: [{ sourceRef: { generatorRef: { apiVersion: API_VERSION, kind, name } } }] });
  const data = async (name: string) => {
    const values = decoded(await k.secret(ns, name));
    for (const [key, value] of Object.entries(values)) {
      if (["private_key", "client_token", "accessor", "certificate"].includes(key)) {
        rememberForSweep(value);
        generated.push(value);
      }
    }
    return values;
  };
  const failure = async (name: string, message: RegExp) => {
    const es = await waitFor(`${name} not ready`, async () => {
      const got = await k.es(ns, name).catch(() => undefined);
      const cond = got?.status?.conditions?.find((c) => c.type === "Ready");
      return cond?.status === "False" ? cond : undefined;
    });
    assert.match(es.message ?? "", message, es.message);
  };

  before(async () => {
    ns = await freshNamespace("gen-vault");
    other = await freshNamespace("gen-vault-other");
    const b = bao();
    await baoApi(b, "POST", `sys/mounts/${pki}`, { type: "pki", config: { max_lease_ttl: "24h" } });
    await baoApi(b, "POST", `${pki}/root/generate/internal`, { common_name: "bench root", ttl: "24h" });
    await baoApi(b, "POST", `${pki}/roles/web`, { allowed_domains: ["example.test"], allow_subdomains: true, max_ttl: "1h" });
    await writePolicy(b, pki, `path "${pki}/issue/web" { capabilities = ["update"] }\npath "auth/token/create" { capabilities = ["update"] }\npath "${pki}/roles/gone" { capabilities = ["delete"] }`);
    const created = await baoApi(b, "POST", "auth/token/create", { policies: [pki], ttl: "1h", no_parent: true });
    const token = (created["auth"] as { client_token: string }).client_token;
    rememberForSweep(token);
    generated.push(token);
    for (const namespace of [ns, other]) await k.core.createNamespacedSecret({ namespace, body: { metadata: { name: "vault-token" }, stringData: { token } } });
    await k.custom.createClusterCustomObject({
      group: GENERATOR_GROUP,
      version: GENERATOR_VERSION,
      plural: "clustergenerators",
      body: { apiVersion: API_VERSION, kind: "ClusterGenerator", metadata: { name: clusterGenerator }, spec: { kind: "VaultDynamicSecret", generator: { vaultDynamicSecretSpec: { ...issueSpec("cluster.example.test"), resultType: "Data" } } } },
    });
    op = await startTestOperator(`${ns},${other}`);
  });
  after(async () => {
    await op?.stop();
    await k.custom.deleteClusterCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, plural: "clustergenerators", name: clusterGenerator }).catch(() => undefined);
  });

  it("issues a PKI certificate whose key matches, ESO's keys, and a new one on a forced sync", async () => {
    await createVds("web-cert", issueSpec("web.example.test"));
    await k.create("ExternalSecret", ns, "cert", fromGenerator("VaultDynamicSecret", "web-cert"));
    await waitForReady(k, ns, "cert", "True", "SecretSynced");
    const first = await data("cert");
    for (const key of ["certificate", "private_key", "issuing_ca", "serial_number", "expiration", "private_key_type", "ca_chain"]) assert.ok(key in first, key);
    const cert = new X509Certificate(first.certificate!);
    assert.match(cert.subject, /CN=web\.example\.test/);
    assert.ok(cert.checkPrivateKey(createPrivateKey(first.private_key!)), "the private key is the certificate's");
    assert.match(first.expiration!, /^[0-9]+$/, "a number as Go prints it");
    assert.ok(first.ca_chain!.startsWith('["-----BEGIN CERTIFICATE-----'), "an array as Go's JSON");
    await k.patch("ExternalSecret", ns, "cert", { metadata: { annotations: { "force-sync": String(Date.now()) } } });
    const second = await waitFor("a new certificate", async () => {
      const values = await data("cert");
      return values.serial_number !== first.serial_number ? values : undefined;
    });
    assert.notEqual(second.private_key, first.private_key);
  });

  it("resultType Auth with an AppRole login: a child token from auth/token/create stays valid after the run (the login token is not revoked)", async () => {
    const b = bao();
    const approle = unique("approle");
    await enableAuth(b, "approle", approle);
    await baoApi(b, "POST", `auth/${approle}/role/gen`, { token_policies: [pki], token_ttl: "1h" });
    const roleId = ((await baoApi(b, "GET", `auth/${approle}/role/gen/role-id`))["data"] as { role_id: string }).role_id;
    const secretId = ((await baoApi(b, "POST", `auth/${approle}/role/gen/secret-id`, {}))["data"] as { secret_id: string }).secret_id;
    rememberForSweep(secretId);
    generated.push(secretId);
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "approle" }, stringData: { secretId } } });
    const appRole = { appRole: { path: approle, roleId, secretRef: { name: "approle", key: "secretId" } } };
    await createVds("token", { path: "auth/token/create", method: "POST", parameters: { policies: ["default"], ttl: "30m" }, resultType: "Auth", provider: provider(appRole) });
    await k.create("ExternalSecret", ns, "token", fromGenerator("VaultDynamicSecret", "token"));
    await waitForReady(k, ns, "token", "True", "SecretSynced");
    const values = await data("token");
    for (const key of ["client_token", "accessor", "policies", "lease_duration", "renewable"]) assert.ok(key in values, key);
    assert.equal(values.lease_duration, "1800");
    assert.equal(values.renewable, "true");
    assert.equal(loginCount(approle), 1);
    const lookup = await baoApi(bao(), "POST", "auth/token/lookup", { token: values.client_token });
    assert.ok(Array.isArray((lookup["data"] as { policies?: unknown }).policies), "the generated token is valid after the run");
  });

  it("a ClusterGenerator's refs without a namespace resolve in the ExternalSecret's namespace", async () => {
    await k.create("ExternalSecret", other, "cert", fromGenerator("ClusterGenerator", clusterGenerator));
    await waitForReady(k, other, "cert", "True", "SecretSynced");
    const values = decoded(await k.secret(other, "cert"));
    rememberForSweep(values.private_key!);
    generated.push(values.private_key!);
    assert.match(new X509Certificate(values.certificate!).subject, /CN=cluster\.example\.test/);
  });

  it("tenant rules: no operator identity, no plain http to a remote host, no Secret of another namespace", async () => {
    await createVds("ambient", issueSpec("a.example.test", { kubernetes: { role: "anything" } }));
    await k.create("ExternalSecret", ns, "ambient", fromGenerator("VaultDynamicSecret", "ambient"));
    await failure("ambient", /namespaced VaultDynamicSecret may not use the operator's own identity/);

    await createVds("plain", { ...issueSpec("a.example.test"), provider: { server: "http://vault.example.test:8200", auth: tokenAuth() } });
    await k.create("ExternalSecret", ns, "plain", fromGenerator("VaultDynamicSecret", "plain"));
    await failure("plain", /provider\.server http:\/\/vault\.example\.test:8200 is refused/);

    await createVds("foreign", issueSpec("a.example.test", tokenAuth(other)));
    await k.create("ExternalSecret", ns, "foreign", fromGenerator("VaultDynamicSecret", "foreign"));
    await failure("foreign", /may only reference objects in its own namespace/);
  });

  it("an empty answer (a DELETE's 204) fails unless allowEmptyResponse; Vault's refusal fails and writes nothing", async () => {
    const gone = { path: `${pki}/roles/gone`, method: "DELETE", provider: provider(tokenAuth()) };
    await createVds("empty", gone);
    await k.create("ExternalSecret", ns, "empty", fromGenerator("VaultDynamicSecret", "empty"));
    await failure("empty", /empty response from Vault/);
    await createVds("empty-ok", { ...gone, allowEmptyResponse: true });
    await k.create("ExternalSecret", ns, "empty-ok", fromGenerator("VaultDynamicSecret", "empty-ok"));
    await waitForReady(k, ns, "empty-ok", "True", "SecretSynced");
    assert.deepEqual(decoded(await k.secret(ns, "empty-ok")), {});

    await createVds("denied", { path: `${pki}/roles/web`, provider: provider(tokenAuth()) });
    await k.create("ExternalSecret", ns, "denied", fromGenerator("VaultDynamicSecret", "denied"));
    await failure("denied", /denied|403/i);
    assert.equal(await k.secret(ns, "denied"), undefined);
  });

  it("no generated value in logs, Events or status", async () => {
    assert.ok(generated.length >= 4);
    await assertNoLeaks(op, ns, generated);
    await assertNoLeaks(op, other, generated);
  });
});
