// Connection fields against the real OpenBao: `namespace` (X-Vault-Namespace, OpenBao namespaces) for the
// login and the reads, `auth.namespace` to log in elsewhere, `caProvider` from a Secret or a ConfigMap,
// and a server whose certificate the store does not trust.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { assertNoLeaks, bao, baoApi, openbaoState, unique, vaultServer } from "../helpers/openbao.ts";
import { planted } from "../helpers/planted.ts";


describe("vault provider: namespaces and TLS trust", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const team = unique("team");
  const password = planted();
  const inTeam = planted();
  const rootPassword = planted();

  before(async () => {
    ns = await freshNamespace("vault-namespace");
    const b = bao();
    await baoApi(b, "POST", `sys/namespaces/${team}`, {});
    // Inside the namespace: a KV v2 mount, a policy and a userpass user.
    await baoApi(b, "POST", "sys/mounts/kv", { type: "kv", options: { version: "2" } }, team);
    await waitFor("kv ready in the namespace", async () => ((await baoApi(b, "POST", "kv/data/app", { data: { value: inTeam } }, team).catch(() => undefined)) ? true : undefined));
    await baoApi(b, "PUT", "sys/policies/acl/read", { policy: 'path "kv/data/*" { capabilities = ["read"] }' }, team);
    await baoApi(b, "POST", "sys/auth/userpass", { type: "userpass" }, team);
    await baoApi(b, "POST", "auth/userpass/users/app", { password, token_policies: ["read"] }, team);
    // In the root namespace: a user whose policy reaches into the child namespace by path.
    await baoApi(b, "PUT", `sys/policies/acl/${team}-from-root`, { policy: `path "${team}/kv/data/*" { capabilities = ["read"] }` });
    await baoApi(b, "POST", `auth/userpass/users/${team}-root`, { password: rootPassword, token_policies: [`${team}-from-root`] });
    op = await startTestOperator(ns);
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "login" }, stringData: { password, rootPassword } } });
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "bao-ca" }, stringData: { "ca.crt": readFileSync(openbaoState().caPemPath, "utf8") } } });
  });
  after(async () => {
    await op?.stop();
  });

  const syncs = async (store: string) => {
    await k.create("ExternalSecret", ns, store, { secretStoreRef: { name: store }, data: [{ secretKey: "v", remoteRef: { key: "app", property: "value" } }] });
    assert.deepEqual(decoded(await waitFor(`secret ${store}`, () => k.secret(ns, store))), { v: inTeam });
  };

  it("namespace: login and reads inside an OpenBao namespace", async () => {
    await k.create("SecretStore", ns, "in-ns", {
      provider: { vault: { ...vaultServer(), namespace: team, path: "kv", auth: { userPass: { username: "app", secretRef: { name: "login", key: "password" } } } } },
    });
    await syncs("in-ns");
  });

  it("auth.namespace: log in at the root namespace, read in the child", async () => {
    await k.create("SecretStore", ns, "root-login", {
      provider: { vault: { ...vaultServer(), namespace: team, path: "kv", auth: { namespace: "", userPass: { username: `${team}-root`, secretRef: { name: "login", key: "rootPassword" } } } } },
    });
    await syncs("root-login");
  });

  it("caProvider: the CA comes from a Secret", async () => {
    const { server } = vaultServer();
    await k.create("SecretStore", ns, "ca-provider", {
      provider: { vault: { server, namespace: team, path: "kv", caProvider: { type: "Secret", name: "bao-ca", key: "ca.crt" }, auth: { userPass: { username: "app", secretRef: { name: "login", key: "password" } } } } },
    });
    await syncs("ca-provider");
  });

  it("caProvider: the CA comes from a ConfigMap", async () => {
    const { server } = vaultServer();
    await k.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "bao-ca" }, data: { "ca.crt": readFileSync(openbaoState().caPemPath, "utf8") } } });
    await k.create("SecretStore", ns, "ca-configmap", {
      provider: { vault: { server, namespace: team, path: "kv", caProvider: { type: "ConfigMap", name: "bao-ca", key: "ca.crt" }, auth: { userPass: { username: "app", secretRef: { name: "login", key: "password" } } } } },
    });
    await syncs("ca-configmap");
  });

  it("an untrusted server certificate gives Ready=False and no Secret", async () => {
    const { server } = vaultServer();
    await k.create("SecretStore", ns, "untrusted", { provider: { vault: { server, path: "kv", auth: { userPass: { username: "app", secretRef: { name: "login", key: "password" } } } } } });
    await k.create("ExternalSecret", ns, "untrusted", { secretStoreRef: { name: "untrusted" }, data: [{ secretKey: "v", remoteRef: { key: "app", property: "value" } }] });
    const es = await waitFor("Ready=False", async () => {
      const e = await k.es(ns, "untrusted");
      return ready(e)?.status === "False" ? e : undefined;
    });
    assert.match(ready(es)?.message ?? "", /no answer from the server \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT)\)/);
    assert.equal(await k.secret(ns, "untrusted"), undefined);
    await assertNoLeaks(op, ns, [password, rootPassword, inTeam]);
  });
});
