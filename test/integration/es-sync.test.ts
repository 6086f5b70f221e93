// ExternalSecret -> Secret on the real apiserver with the fake store: data, property, extract, find, rotation,
// force-sync; no planted value in logs or Events; and the Secret's ownerReference cascades through the real
// garbage collector.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CASCADE_TIMEOUT_MS, freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, waitForGone, type TestOperator } from "../helpers/operator.ts";
import { planted } from "../helpers/planted.ts";
import { RAW_JSON, RAW_JSON_WANT, rawJsonSpec } from "../helpers/raw-json.ts";


describe("ExternalSecret sync with the fake store", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const password = planted();
  const token = planted();
  const flagValue = planted();
  const rotated = planted();

  const storeSpec = (pw: string) => ({
    provider: {
      fake: {
        data: [
          { key: "/app/db", value: JSON.stringify({ username: "app", password: pw, nested: { port: 5432 } }) },
          { key: "/app/token", value: token },
          { key: "/flags/beta", value: flagValue },
          { key: "/flags/dark", value: "off" },
          { key: "/flags/versioned", version: "v1", value: "old" },
          { key: "/flags/versioned", version: "v2", value: "new" },
          { key: "/app/pretty", value: RAW_JSON },
          { key: "/other", value: "x" },
        ],
      },
    },
  });

  before(async () => {
    ns = await freshNamespace("es-sync");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", storeSpec(password));
  });
  after(async () => {
    await op?.stop();
  });

  it("writes data entries, with property and nested property", async () => {
    await k.create("ExternalSecret", ns, "db", {
      refreshInterval: "1s",
      secretStoreRef: { name: "fake", kind: "SecretStore" },
      data: [
        { secretKey: "username", remoteRef: { key: "/app/db", property: "username" } },
        { secretKey: "password", remoteRef: { key: "/app/db", property: "password" } },
        { secretKey: "port", remoteRef: { key: "/app/db", property: "nested.port" } },
        { secretKey: "token", remoteRef: { key: "/app/token" } },
      ],
    });
    const secret = await waitFor("secret db", () => k.secret(ns, "db"));
    assert.deepEqual(decoded(secret), { username: "app", password, port: "5432", token });
    assert.equal(secret.metadata?.labels?.["reconcile.external-secrets.io/managed"], "true");
    assert.ok(secret.metadata?.annotations?.["reconcile.external-secrets.io/data-hash"]);
    const owner = secret.metadata?.ownerReferences?.[0];
    assert.equal(owner?.kind, "ExternalSecret");
    assert.equal(owner?.name, "db");
    assert.equal(owner?.controller, true);
    const es = await waitFor("Ready", async () => (ready(await k.es(ns, "db"))?.status === "True" ? k.es(ns, "db") : undefined));
    assert.equal(ready(es)?.reason, "SecretSynced");
    assert.ok(es.status?.refreshTime);
    assert.match(es.status?.syncedResourceVersion ?? "", /^1-[0-9a-f]{56}$/);
    assert.equal(es.status?.binding?.name, "db");
  });

  it("explodes a JSON value with dataFrom.extract", async () => {
    await k.create("ExternalSecret", ns, "db-all", { secretStoreRef: { name: "fake" }, dataFrom: [{ extract: { key: "/app/db" } }] });
    const secret = await waitFor("secret db-all", () => k.secret(ns, "db-all"));
    assert.deepEqual(decoded(secret), { username: "app", password, nested: '{"port":5432}' });
  });

  it("selects secrets with dataFrom.find and rewrites their keys", async () => {
    await k.create("ExternalSecret", ns, "flags", {
      secretStoreRef: { name: "fake" },
      target: { name: "feature-flags" },
      dataFrom: [{ find: { name: { regexp: "^/flags/" } }, rewrite: [{ regexp: { source: "^/flags/(.*)$", target: "flag-$1" } }] }],
    });
    const secret = await waitFor("secret feature-flags", () => k.secret(ns, "feature-flags"));
    // A versioned entry is found too, with its newest version (ESO).
    assert.deepEqual(decoded(secret), { "flag-beta": flagValue, "flag-dark": "off", "flag-versioned": "new" });
  });

  it("converts invalid key characters from find to underscores", async () => {
    await k.create("ExternalSecret", ns, "flags-raw", { secretStoreRef: { name: "fake" }, dataFrom: [{ find: { path: "/flags/" } }] });
    const secret = await waitFor("secret flags-raw", () => k.secret(ns, "flags-raw"));
    assert.deepEqual(Object.keys(decoded(secret)).sort(), ["_flags_beta", "_flags_dark", "_flags_versioned"]);
  });

  it("passes JSON on as the store wrote it: an extracted or selected object keeps its whitespace (ESO)", async () => {
    await k.create("ExternalSecret", ns, "pretty", { secretStoreRef: { name: "fake" }, ...rawJsonSpec("/app/pretty") });
    const secret = await waitFor("secret pretty", () => k.secret(ns, "pretty"));
    assert.deepEqual(decoded(secret), RAW_JSON_WANT);
  });

  it("carries a changed store value into the Secret at the next refresh", async () => {
    await k.patch("SecretStore", ns, "fake", { spec: storeSpec(rotated) });
    const secret = await waitFor("rotated password", async () => {
      const s = await k.secret(ns, "db");
      return decoded(s).password === rotated ? s : undefined;
    });
    assert.equal(decoded(secret).username, "app");
    const es = await k.es(ns, "db");
    assert.equal(ready(es)?.status, "True");
  });

  it("syncs at once on a metadata change (force-sync annotation) even with refreshInterval 0", async () => {
    await k.create("ExternalSecret", ns, "once", {
      refreshInterval: "0",
      secretStoreRef: { name: "fake" },
      data: [{ secretKey: "token", remoteRef: { key: "/app/token" } }],
    });
    await waitFor("secret once", () => k.secret(ns, "once"));
    await k.core.patchNamespacedSecret(
      { name: "once", namespace: ns, body: { data: { token: Buffer.from("tampered").toString("base64") }, metadata: { annotations: { "reconcile.external-secrets.io/data-hash": "stale" } } } },
      (await import("@kubernetes/client-node")).setHeaderOptions("Content-Type", "application/merge-patch+json"),
    );
    // Drift in a managed Secret is repaired (its data no longer matches the hash we wrote).
    await waitFor("drift repaired", async () => (decoded(await k.secret(ns, "once")).token === token ? true : undefined));
    const before = (await k.es(ns, "once")).status?.syncedResourceVersion;
    await k.patch("ExternalSecret", ns, "once", { metadata: { annotations: { "force-sync": String(Date.now()) } } });
    const es = await waitFor("synced after force-sync", async () => {
      const current = await k.es(ns, "once");
      return current.status?.syncedResourceVersion !== before ? current : undefined;
    });
    assert.equal(ready(es)?.status, "True");
  });

  it("never shows a planted value in logs or Events", async () => {
    const events = await k.events(ns);
    assert.ok(events.includes("Created"), "expected Created events");
    for (const value of [password, token, flagValue, rotated]) {
      assert.ok(!op.logs().includes(value), "a planted value appeared in the operator's logs");
      assert.ok(!events.includes(value), "a planted value appeared in Events");
      for (const name of ["db", "db-all", "feature-flags", "once"]) {
        assert.ok(!JSON.stringify((await k.es(ns, name === "feature-flags" ? "flags" : name)).status).includes(value), "a planted value appeared in status");
      }
    }
  });

  // Last: it deletes ExternalSecrets the tests above read.
  it("deleting the ExternalSecret (Owner) lets the garbage collector delete its Secret, in the background and in the foreground", async () => {
    await k.delete("ExternalSecret", ns, "db");
    await waitFor("Secret db deleted by the garbage collector", async () => ((await k.secret(ns, "db")) === undefined ? true : undefined), CASCADE_TIMEOUT_MS);

    await k.delete("ExternalSecret", ns, "db-all", "Foreground");
    await waitForGone("ExternalSecret db-all", () => k.es(ns, "db-all"), CASCADE_TIMEOUT_MS);
    // A foreground owner goes last: its Secret (blockOwnerDeletion) must be gone already.
    assert.equal(await k.secret(ns, "db-all"), undefined);
    // The ExternalSecrets not deleted keep their Secrets.
    assert.ok(await k.secret(ns, "feature-flags"));
  });
});
