// SecretStore / ClusterSecretStore: Ready and capabilities, ClusterSecretStore namespace conditions, and
// ExternalSecrets resuming as soon as their store becomes Ready.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";

describe("stores", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const suffix = randomBytes(3).toString("hex");
  const css = (name: string) => `${name}-${suffix}`;
  const fake = { fake: { data: [{ key: "k", value: "cluster-value" }] } };

  const storeReady = (kind: "SecretStore" | "ClusterSecretStore", name: string, status: string) =>
    waitFor(`${kind} ${name} Ready=${status}`, async () => {
      const obj = (kind === "SecretStore"
        ? await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name })
        : await k.custom.getClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name })) as { status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>; capabilities?: string } };
      return ready(obj)?.status === status ? obj : undefined;
    });

  before(async () => {
    ns = await freshNamespace("stores");
    await k.core.patchNamespace(
      { name: ns, body: { metadata: { labels: { tier: "gold" } } } },
      (await import("@kubernetes/client-node")).setHeaderOptions("Content-Type", "application/merge-patch+json"),
    );
    op = await startTestOperator(ns);
  });
  after(async () => {
    await op?.stop();
  });

  it("a valid SecretStore becomes Ready with reason Valid and ReadWrite capabilities (the fake store takes pushes, as in ESO)", async () => {
    await k.create("SecretStore", ns, "fake", { provider: fake });
    const store = await storeReady("SecretStore", "fake", "True");
    assert.equal(ready(store)?.reason, "Valid");
    assert.equal(store.status?.capabilities, "ReadWrite");
  });

  it("a ClusterSecretStore without conditions serves every namespace", async () => {
    await k.create("ClusterSecretStore", undefined, css("open"), { provider: fake });
    await k.create("ExternalSecret", ns, "from-open", { secretStoreRef: { name: css("open"), kind: "ClusterSecretStore" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    assert.deepEqual(decoded(await waitFor("secret from-open", () => k.secret(ns, "from-open"))), { k: "cluster-value" });
  });

  it("ClusterSecretStore conditions: namespaces, namespaceRegexes and namespaceSelector allow; others are refused", async () => {
    await k.create("ClusterSecretStore", undefined, css("by-name"), { provider: fake, conditions: [{ namespaces: [ns] }] });
    await k.create("ClusterSecretStore", undefined, css("by-regex"), { provider: fake, conditions: [{ namespaceRegexes: ["^stores-"] }] });
    await k.create("ClusterSecretStore", undefined, css("by-label"), { provider: fake, conditions: [{ namespaceSelector: { matchLabels: { tier: "gold" } } }] });
    await k.create("ClusterSecretStore", undefined, css("closed"), { provider: fake, conditions: [{ namespaces: ["somewhere-else"] }, { namespaceSelector: { matchLabels: { tier: "silver" } } }] });
    for (const name of ["by-name", "by-regex", "by-label"]) {
      await k.create("ExternalSecret", ns, `via-${name}`, { secretStoreRef: { name: css(name), kind: "ClusterSecretStore" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
      assert.deepEqual(decoded(await waitFor(`secret via-${name}`, () => k.secret(ns, `via-${name}`))), { k: "cluster-value" });
    }
    await k.create("ExternalSecret", ns, "via-closed", { secretStoreRef: { name: css("closed"), kind: "ClusterSecretStore" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    const es = await waitFor("via-closed refused", async () => {
      const current = await k.es(ns, "via-closed");
      return ready(current)?.status === "False" ? current : undefined;
    });
    assert.match(ready(es)?.message ?? "", /does not allow namespace/);
    assert.equal(await k.secret(ns, "via-closed"), undefined);
  });

  it("an invalid store is Ready=False with a reason, and its ExternalSecrets resume once it is fixed", async () => {
    await k.create("ClusterSecretStore", undefined, css("broken"), { provider: fake, conditions: [{ namespaceRegexes: ["(["] }] });
    const store = await storeReady("ClusterSecretStore", css("broken"), "False");
    assert.equal(ready(store)?.reason, "InvalidProviderConfig");
    assert.equal(ready(store)?.message, "spec.conditions[0].namespaceRegexes[0]: error parsing regexp: missing closing ]: `[`");
    await k.create("ExternalSecret", ns, "waits", { refreshInterval: "1h", secretStoreRef: { name: css("broken"), kind: "ClusterSecretStore" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    const es = await waitFor("waits not ready", async () => {
      const current = await k.es(ns, "waits");
      return ready(current)?.status === "False" ? current : undefined;
    });
    assert.match(ready(es)?.message ?? "", /not ready|does not allow/);
    await k.patch("ClusterSecretStore", undefined, css("broken"), { spec: { conditions: [{ namespaceRegexes: ["^stores-"] }] } });
    await storeReady("ClusterSecretStore", css("broken"), "True");
    assert.deepEqual(decoded(await waitFor("secret waits", () => k.secret(ns, "waits"))), { k: "cluster-value" });
  });

  it("a SecretStore serves only its own namespace", async () => {
    const other = await freshNamespace("stores-other");
    const op2 = await startTestOperator(other);
    try {
      await k.create("ExternalSecret", other, "cross", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
      const es = await waitFor("cross refused", async () => {
        const current = await k.es(other, "cross");
        return ready(current)?.status === "False" ? current : undefined;
      });
      assert.match(ready(es)?.message ?? "", /SecretStore .*\/fake not found/);
    } finally {
      await op2.stop();
    }
  });
});
