// Bad input: the CRD's CEL rules reject what they can; what only fails at runtime gives Ready=False with a
// reason and one Event, and the last good Secret stays as it was.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";

describe("bad specs", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();

  before(async () => {
    ns = await freshNamespace("bad-spec");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "k", value: "good" }] } } });
  });
  after(async () => {
    await op?.stop();
  });

  it("the apiserver rejects an ExternalSecret the CEL rules forbid", async () => {
    await assert.rejects(k.create("ExternalSecret", ns, "no-data", { secretStoreRef: { name: "fake" } }), (err: { body?: string }) => String(err.body).includes("either data or dataFrom must be set"));
    await assert.rejects(
      k.create("ExternalSecret", ns, "bad-policy", { secretStoreRef: { name: "fake" }, target: { creationPolicy: "Orphan", deletionPolicy: "Delete" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] }),
      (err: { body?: string }) => String(err.body).includes("deletionPolicy Delete requires creationPolicy Owner"),
    );
    await assert.rejects(k.create("SecretStore", ns, "two", { provider: {} }), (err: { body?: string }) => String(err.body).includes("exactly one provider"));
  });

  it("a spec that fails at runtime sets Ready=False with one Event and keeps the last good Secret", async () => {
    await k.create("ExternalSecret", ns, "es", { refreshInterval: "1s", secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    const good = await waitFor("good secret", () => k.secret(ns, "es"));
    // Valid for the CRD, invalid at runtime: a find regexp that does not compile.
    await k.patch("ExternalSecret", ns, "es", { spec: { data: null, dataFrom: [{ find: { name: { regexp: "([" } } }] } });
    const es = await waitFor("Ready=False", async () => {
      const current = await k.es(ns, "es");
      return ready(current)?.status === "False" ? current : undefined;
    });
    assert.equal(ready(es)?.reason, "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /find\.name\.regexp: error parsing regexp/);
    await sleep(2500); // several refresh intervals: a config error is not retried and adds no Events
    const events = (await k.events(ns)).split("\n").filter((line) => line.startsWith("Warning UpdateFailed"));
    assert.equal(events.length, 1, `expected one UpdateFailed event, got:\n${events.join("\n")}`);
    const secret = await k.secret(ns, "es");
    assert.equal(secret?.metadata?.resourceVersion, good.metadata?.resourceVersion);
    assert.deepEqual(decoded(secret), { k: "good" });
  });

  // target.manifest on an operator without --unsafe-allow-generic-targets (this one): the apiserver takes it, the sync refuses it.
  const unsupported = [
    { name: "manifest", field: "generic targets are disabled", patch: { target: { manifest: { apiVersion: "v1", kind: "ConfigMap" } } }, want: /generic targets are disabled\. Enable with --unsafe-allow-generic-targets flag/ },
  ];
  it("the apiserver keeps a vault store's checkAndSet (a PushSecret setting we accept and ignore)", async () => {
    const created = (await k.create("SecretStore", ns, "vault-cas", { provider: { vault: { server: "https://vault.invalid:8200", path: "secret", checkAndSet: { required: true }, auth: { tokenSecretRef: { name: "t", key: "token" } } } } })) as { spec: { provider: { vault: { checkAndSet?: unknown } } } };
    assert.deepEqual(created.spec.provider.vault.checkAndSet, { required: true });
  });
  for (const c of unsupported) {
    it(`an ESO field this operator does not serve (${c.name}) sets Ready=False once and keeps the last good Secret`, async () => {
      const name = `eso-${c.name}`;
      await k.create("ExternalSecret", ns, name, { refreshInterval: "1s", secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
      const good = await waitFor("good secret", () => k.secret(ns, name));
      await k.patch("ExternalSecret", ns, name, { spec: c.patch });
      const es = await waitFor("Ready=False", async () => {
        const current = await k.es(ns, name);
        return ready(current)?.status === "False" ? current : undefined;
      });
      assert.equal(ready(es)?.reason, "SecretSyncedError");
      assert.match(ready(es)?.message ?? "", c.want);
      await sleep(2500); // terminal: no retries, no further Events
      const events = (await k.events(ns)).split("\n").filter((line) => line.startsWith("Warning UpdateFailed") && line.includes(c.field));
      assert.equal(events.length, 1, `expected one UpdateFailed event, got:\n${events.join("\n")}`);
      const secret = await k.secret(ns, name);
      assert.equal(secret?.metadata?.resourceVersion, good.metadata?.resourceVersion);
      assert.deepEqual(decoded(secret), { k: "good" });
    });
  }
});
