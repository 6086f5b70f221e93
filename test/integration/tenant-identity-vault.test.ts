// Issue 14 as a hostile tenant, vault: a namespaced SecretStore whose `server` is the tenant's own (a recording
// server on loopback) must never receive the operator's ServiceAccount token, and the tokens minted for the tenant's
// own ServiceAccounts carry Vault's audience, never the kube-apiserver's. The operator's "own" token is a real
// token file (SECRETS_BRIDGE_SA_TOKEN_FILE), as a pod's; a second operator runs with the flag that allows it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, ready, sleep, waitFor, waitForReady } from "../helpers/operator.ts";
import { audOf, awsSignatureMarkers, jwtPayloadIn, leaked, startRecordingServer, type RecordingServer } from "../helpers/recording-server.ts";
import { ambientRefused, apiServerIssuer, ownTokenFile, setEnv, startTenants, storeReady, type Tenants } from "../helpers/tenants.ts";

describe("vault: what a namespaced store can make the operator send to its server", () => {
  const k = kube();
  let tenants: Tenants;
  let own: { token: string; file: string };
  let restoreEnv: () => void;
  const servers: RecordingServer[] = [];
  const hostile = async () => {
    const server = await startRecordingServer();
    servers.push(server);
    return server;
  };
  const vaultStore = (server: string, auth: unknown) => ({ provider: { vault: { server, path: "secret", auth } } });
  const externalSecret = (ns: string, store: string) =>
    k.create("ExternalSecret", ns, store, { refreshInterval: "1h", secretStoreRef: { name: store }, data: [{ secretKey: "v", remoteRef: { key: "app", property: "value" } }] });
  const logins = (server: RecordingServer, mount: string) => server.requests.filter((req) => req.method === "POST" && req.url === `/v1/auth/${mount}/login`);

  before(async () => {
    own = await ownTokenFile(await freshNamespace("vault-operator"));
    restoreEnv = setEnv({ SECRETS_BRIDGE_SA_TOKEN_FILE: own.file });
    tenants = await startTenants("vault-tenant");
    for (const ns of [tenants.strict.ns, tenants.lenient.ns]) await k.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: "tenant-app" } } });
  });
  after(async () => {
    await tenants?.stop();
    await Promise.all(servers.map((server) => server.close()));
    restoreEnv?.();
  });

  it("Kubernetes auth without refs in a SecretStore: refused, Ready=False, and the tenant's server receives nothing", async () => {
    const server = await hostile();
    const { ns } = tenants.strict;
    await k.create("SecretStore", ns, "own-token", vaultStore(server.url, { kubernetes: { role: "reader" } }));
    await externalSecret(ns, "own-token");
    const condition = await storeReady("SecretStore", ns, "own-token", "False", "InvalidProviderConfig");
    assert.match(condition.message ?? "", ambientRefused(/auth\.kubernetes without serviceAccountRef or secretRef logs in with the operator's ServiceAccount token/));
    const es = await waitForReady(k, ns, "own-token", "False");
    assert.match(ready(es)?.message ?? "", /may not use the operator's own identity/);
    // The refusal comes before any session exists; give a stray login time to show anyway.
    await sleep(1000);
    assert.deepEqual(server.requests, [], "the tenant's server was contacted");
    assert.deepEqual(leaked(server.requests, { ownToken: own.token, ...awsSignatureMarkers }), []);
    assert.equal(await k.secret(ns, "own-token"), undefined);
  });

  it("with --allow-ambient-credentials-for-namespaced-stores the same store is allowed: the operator's token goes there", async () => {
    const server = await hostile();
    const { ns } = tenants.lenient;
    await k.create("SecretStore", ns, "own-token", vaultStore(server.url, { kubernetes: { role: "reader" } }));
    await waitFor("a login at the tenant's server", async () => (logins(server, "kubernetes").length > 0 ? true : undefined));
    assert.deepEqual(leaked(server.requests, { ownToken: own.token }), ["ownToken"], "the platform team's flag lets the operator's token go to the store's server");
    // The server refuses it: an ordinary failure, not the refusal.
    const condition = await storeReady("SecretStore", ns, "own-token", "False");
    assert.doesNotMatch(condition.message ?? "", /may not use the operator's own identity/);
  });

  it("a tenant ServiceAccount's token carries Vault's audience (or the one the spec names), never the apiserver's", async () => {
    const server = await hostile();
    const { ns } = tenants.strict;
    const stores = [
      { name: "k8s-default", mount: "k8s-default", auth: { kubernetes: { role: "reader", mountPath: "k8s-default", serviceAccountRef: { name: "tenant-app" } } }, aud: ["vault"] },
      { name: "k8s-named", mount: "k8s-named", auth: { kubernetes: { role: "reader", mountPath: "k8s-named", serviceAccountRef: { name: "tenant-app", audiences: ["vault-prod"] } } }, aud: ["vault-prod"] },
      { name: "jwt-minted", mount: "jwt-minted", auth: { jwt: { path: "jwt-minted", role: "reader", kubernetesServiceAccountToken: { serviceAccountRef: { name: "tenant-app" } } } }, aud: ["vault"] },
    ];
    for (const store of stores) await k.create("SecretStore", ns, store.name, vaultStore(server.url, store.auth));
    for (const store of stores) {
      const [login] = await waitFor(`a login on ${store.mount}`, async () => {
        const seen = logins(server, store.mount);
        return seen.length > 0 ? seen : undefined;
      });
      const payload = jwtPayloadIn(login!.body);
      assert.equal(payload?.sub, `system:serviceaccount:${ns}:tenant-app`, `${store.name}: the token is the tenant's ServiceAccount's`);
      assert.deepEqual(audOf(payload), store.aud, `${store.name}: audience`);
      assert.ok(!audOf(payload).includes(apiServerIssuer()));
    }
    assert.deepEqual(leaked(server.requests, { ownToken: own.token, ...awsSignatureMarkers }), []);
  });

  it("a tenant-chosen kube-apiserver audience is refused before any TokenRequest; the server receives nothing", async () => {
    const server = await hostile();
    const { ns } = tenants.strict;
    const issuer = apiServerIssuer();
    await k.create("SecretStore", ns, "apiserver-aud", vaultStore(server.url, { kubernetes: { role: "reader", serviceAccountRef: { name: "tenant-app", audiences: [issuer] } } }));
    await k.create("SecretStore", ns, "apiserver-aud-jwt", vaultStore(server.url, { jwt: { role: "reader", kubernetesServiceAccountToken: { serviceAccountRef: { name: "tenant-app" }, audiences: [`${issuer}/`] } } }));
    for (const name of ["apiserver-aud", "apiserver-aud-jwt"]) {
      const condition = await storeReady("SecretStore", ns, name, "False", "InvalidProviderConfig");
      assert.match(condition.message ?? "", new RegExp(`^TokenRequest for service account ${ns}/tenant-app: audience "${issuer.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/?" is refused: the kube-apiserver accepts it`));
    }
    await sleep(500);
    assert.deepEqual(server.requests, []);
  });

  it("never shows the operator's token in logs, Events or status", async () => {
    for (const { ns, op } of [tenants.strict, tenants.lenient]) {
      const events = await k.events(ns);
      assert.ok(op.logs().length > 0);
      assert.ok(!op.logs().includes(own.token), "the operator's token appears in its logs");
      assert.ok(!events.includes(own.token), "the operator's token appears in an Event");
      assert.ok(!/eyJhbGciOi/.test(op.logs()), "a JWT appears in the operator's logs");
    }
  });
});
