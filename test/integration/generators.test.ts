// Issue 18 stage 1, generators on the real apiserver: dataFrom[].sourceRef.generatorRef with Password, UUID,
// SSHKey, Fake and ClusterGenerator. A generator makes new values on every sync, so what matters is when it runs:
// on each due refresh (Periodic), once (CreatedOnce), and never because of an unrelated reconcile (a watch event
// on the Secret's metadata, a force-sync under CreatedOnce, an operator restart). Editing the Secret's data does
// regenerate, as in ESO: the Secret no longer carries what was written, and the values it held are not kept
// anywhere else. A failing generator keeps the last Secret. No generated value in logs, Events or status.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { GENERATOR_GROUP, GENERATOR_VERSION } from "../../src/api/generators.ts";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { leakForms, rememberForSweep } from "../helpers/planted.ts";

// Longer than a reconcile after an event: whatever would regenerate has by then.
const SETTLE_MS = 3000;
const SYMBOLS = "-_!";

describe("generators (generators.external-secrets.io/v1alpha1)", () => {
  let ns: string;
  let op: TestOperator;
  /** Logs of the operator before the restart. */
  let earlierLogs = "";
  const k = kube();
  const clusterGenerator = `sshkey-${process.pid}-${Date.now()}`;
  /** Every value a generator made in this file, for the leak check at the end. */
  const generated = new Set<string>();

  const createGenerator = (kind: string, plural: string, name: string, spec: unknown) =>
    k.custom.createNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace: ns, plural, body: { apiVersion: `${GENERATOR_GROUP}/${GENERATOR_VERSION}`, kind, metadata: { name }, spec } });
  const generatorRef = (kind: string, name: string) => ({ sourceRef: { generatorRef: { apiVersion: `${GENERATOR_GROUP}/${GENERATOR_VERSION}`, kind, name } } });
  const data = async (name: string) => {
    const values = decoded(await k.secret(ns, name));
    for (const value of Object.values(values)) {
      if (!generated.has(value) && value.length >= 16 && !value.includes("\n")) rememberForSweep(value);
      generated.add(value);
    }
    return values;
  };
  const patchSecret = (name: string, body: unknown) => k.core.patchNamespacedSecret({ namespace: ns, name, body }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
  const forceSync = (name: string) => k.patch("ExternalSecret", ns, name, { metadata: { annotations: { "force-sync": String(Date.now()) } } });
  const warnings = async (name: string) => (await k.core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.name=${name}` })).items.filter((e) => e.type === "Warning");

  before(async () => {
    ns = await freshNamespace("generators");
    op = await startTestOperator(ns);
    await createGenerator("Password", "passwords", "db", { length: 20, digits: 4, symbols: 3, symbolCharacters: SYMBOLS, noUpper: true });
    await createGenerator("UUID", "uuids", "id", {});
    await createGenerator("Fake", "fakes", "static", { data: { user: "app" } });
    await k.custom.createClusterCustomObject({
      group: GENERATOR_GROUP,
      version: GENERATOR_VERSION,
      plural: "clustergenerators",
      body: { apiVersion: `${GENERATOR_GROUP}/${GENERATOR_VERSION}`, kind: "ClusterGenerator", metadata: { name: clusterGenerator }, spec: { kind: "SSHKey", generator: { sshKeySpec: { keyType: "ed25519", comment: "deploy" } } } },
    });
    const once = { refreshInterval: "1h", refreshPolicy: "CreatedOnce", dataFrom: [{ ...generatorRef("Password", "db"), rewrite: [{ regexp: { source: "^password$", target: "db_password" } }] }] };
    await k.create("ExternalSecret", ns, "once", once);
    await k.create("ExternalSecret", ns, "hourly", { refreshInterval: "1h", dataFrom: [generatorRef("Password", "db")] });
    await waitForReady(k, ns, "once", "True", "SecretSynced");
    await waitForReady(k, ns, "hourly", "True", "SecretSynced");
  });
  after(async () => {
    await op?.stop();
    await k.custom.deleteClusterCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, plural: "clustergenerators", name: clusterGenerator }).catch(() => undefined);
  });

  it("a Password via generatorRef meets its policy, under the rewritten key", async () => {
    const values = await data("once");
    assert.deepEqual(Object.keys(values), ["db_password"]);
    const chars = Array.from(values.db_password!);
    assert.equal(chars.length, 20);
    assert.equal(chars.filter((c) => /[0-9]/.test(c)).length, 4);
    assert.equal(chars.filter((c) => SYMBOLS.includes(c)).length, 3);
    assert.equal(chars.filter((c) => /[a-z]/.test(c)).length, 13, "the rest lower-case letters (noUpper)");
    assert.equal(new Set(chars).size, 20, "no repeats");
    // Our own Secret write and status patch reach the watch caches after the sync: a reconcile in between must
    // not take the lag for "never synced" and generate a second password.
    await sleep(SETTLE_MS);
    const normal = (await k.core.listNamespacedEvent({ namespace: ns, fieldSelector: "involvedObject.name=once" })).items.filter((e) => e.type === "Normal").map((e) => e.reason);
    assert.deepEqual(normal, ["Created"], "written once");
    assert.deepEqual(await data("once"), values);
  });

  it("CreatedOnce: a force-sync does not regenerate", async () => {
    const before = await data("once");
    await forceSync("once");
    await sleep(SETTLE_MS);
    assert.deepEqual(await data("once"), before);
    assert.equal(ready(await k.es(ns, "once"))?.status, "True");
  });

  it("a metadata-only change of the Secret (a watch event) regenerates nothing; the periodic one is not due for an hour", async () => {
    const [once, hourly] = [await data("once"), await data("hourly")];
    await patchSecret("once", { metadata: { labels: { touched: "yes" } } });
    await patchSecret("hourly", { metadata: { annotations: { touched: "yes" } } });
    await sleep(SETTLE_MS);
    assert.deepEqual(await data("once"), once);
    assert.deepEqual(await data("hourly"), hourly);
  });

  it("an operator restart regenerates nothing (CreatedOnce, and Periodic before its slot)", async () => {
    const [once, hourly] = [await data("once"), await data("hourly")];
    earlierLogs += op.logs();
    await op.stop();
    op = await startTestOperator(ns);
    await sleep(SETTLE_MS);
    assert.deepEqual(await data("once"), once);
    assert.deepEqual(await data("hourly"), hourly);
  });

  it("a change of a store the ExternalSecret also reads regenerates nothing (its values wait for the due refresh)", async () => {
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "host", value: "db-1" }] } } });
    await k.create("ExternalSecret", ns, "mixed", { refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "host", remoteRef: { key: "host" } }], dataFrom: [generatorRef("Password", "db")] });
    await waitForReady(k, ns, "mixed", "True", "SecretSynced");
    const before = await data("mixed");
    assert.equal(before.host, "db-1");
    await k.patch("SecretStore", ns, "fake", { spec: { provider: { fake: { data: [{ key: "host", value: "db-2" }] } } } });
    await sleep(SETTLE_MS);
    assert.deepEqual(await data("mixed"), before);
  });

  it("editing the Secret's data regenerates, as ESO does (the Secret no longer holds what was written)", async () => {
    const hourly = await data("hourly");
    await patchSecret("hourly", { data: { extra: Buffer.from("added by hand").toString("base64") } });
    const fresh = await waitFor("a regenerated password", async () => {
      const now = await data("hourly");
      return now.password !== hourly.password ? now : undefined;
    });
    assert.equal(fresh.password!.length, 20);
  });

  it("Periodic with refreshInterval 2s regenerates on each refresh (UUID)", async () => {
    await k.create("ExternalSecret", ns, "rotating", { refreshInterval: "2s", dataFrom: [generatorRef("UUID", "id")] });
    const seen = new Set<string>();
    await waitFor("three different UUIDs", async () => {
      const value = (await data("rotating")).uuid;
      if (value) {
        assert.match(value, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        seen.add(value);
      }
      return seen.size >= 3 ? true : undefined;
    }, 20_000);
  });

  it("a missing generator: Ready=False with a clear message, one Event, the last Secret kept", async () => {
    await k.create("ExternalSecret", ns, "from-fake", { refreshInterval: "2s", dataFrom: [generatorRef("Fake", "static")] });
    await waitForReady(k, ns, "from-fake", "True", "SecretSynced");
    assert.deepEqual(await data("from-fake"), { user: "app" });
    await k.custom.deleteNamespacedCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, namespace: ns, plural: "fakes", name: "static" });
    const failed = await waitForReady(k, ns, "from-fake", "False", "SecretSyncedError");
    assert.match(ready(failed)?.message ?? "", new RegExp(`GeneratorNotFound: Fake ${ns}/static not found`));
    await sleep(SETTLE_MS); // several retries
    assert.deepEqual(await data("from-fake"), { user: "app" }, "the last good Secret stays");
    assert.equal((await warnings("from-fake")).length, 1, "one Event, not one per retry");

    await k.create("ExternalSecret", ns, "never", { refreshInterval: "1h", dataFrom: [generatorRef("Password", "nope")] });
    const never = await waitForReady(k, ns, "never", "False", "SecretSyncedError");
    assert.match(ready(never)?.message ?? "", new RegExp(`Password ${ns}/nope not found`));
    assert.equal(await k.secret(ns, "never"), undefined);
  });

  it("a ClusterGenerator (SSHKey ed25519) works from a namespace; the key pair is OpenSSH's", async () => {
    await k.create("ExternalSecret", ns, "deploy-key", { refreshInterval: "1h", dataFrom: [generatorRef("ClusterGenerator", clusterGenerator)] });
    await waitForReady(k, ns, "deploy-key", "True", "SecretSynced");
    const { privateKey, publicKey } = await data("deploy-key");
    assert.match(publicKey ?? "", /^ssh-ed25519 AAAA\S+ deploy\n$/);
    const dir = mkdtempSync(join(tmpdir(), "sb-gen-"));
    try {
      writeFileSync(join(dir, "key"), privateKey!, { mode: 0o600 });
      assert.equal(execFileSync("/usr/bin/ssh-keygen", ["-y", "-f", join(dir, "key")], { encoding: "utf8" }).trim(), publicKey!.trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The private key's body lines from the third on are key material (the first two: a fixed header and the
    // public key); the leak checks search for each.
    for (const line of privateKey!.split("\n").slice(3).filter((l) => l.length === 64)) {
      generated.add(line);
      rememberForSweep(line);
    }
  });

  it("the CRDs refuse absurd specs and unknown generatorRef kinds, and keep the spec of a kind not served yet as written", async () => {
    const refused = async (what: string, create: () => Promise<unknown>, message: RegExp) => {
      await assert.rejects(create(), (err: { code?: number; body?: unknown }) => err.code === 422 && message.test(String(err.body)), what);
    };
    await refused("a 100000-character password", () => createGenerator("Password", "passwords", "absurd", { length: 100000 }), /spec.length/);
    await refused("an 100000-bit key", () => createGenerator("SSHKey", "sshkeys", "absurd", { keyType: "rsa", keySize: 100000 }), /spec.keySize/);
    await refused("an unknown kind", () => k.create("ExternalSecret", ns, "bogus", { dataFrom: [generatorRef("Bogus", "x")] }), /generatorRef.kind/);
    const name = `gcr-${process.pid}-${Date.now()}`;
    const gcr = { projectID: "bench", auth: { workloadIdentity: { serviceAccountRef: { name: "puller" } } } };
    const body = { apiVersion: `${GENERATOR_GROUP}/${GENERATOR_VERSION}`, kind: "ClusterGenerator", metadata: { name }, spec: { kind: "GCRAccessToken", generator: { gcrAccessTokenSpec: gcr } } };
    await k.custom.createClusterCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, plural: "clustergenerators", body });
    try {
      const stored = (await k.custom.getClusterCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, plural: "clustergenerators", name })) as { spec: { generator: Record<string, unknown> } };
      assert.deepEqual(stored.spec.generator.gcrAccessTokenSpec, gcr, "not pruned");
      await k.create("ExternalSecret", ns, "gcr", { refreshInterval: "1h", dataFrom: [generatorRef("ClusterGenerator", name)] });
      const failed = await waitForReady(k, ns, "gcr", "False", "SecretSyncedError");
      assert.match(ready(failed)?.message ?? "", /GCRAccessToken is not supported by secrets-bridge yet/);
    } finally {
      await k.custom.deleteClusterCustomObject({ group: GENERATOR_GROUP, version: GENERATOR_VERSION, plural: "clustergenerators", name });
    }
  });

  it("no generated value in operator logs, Events or ExternalSecret status", async () => {
    const logs = earlierLogs + op.logs();
    const events = await k.events(ns);
    const list = (await k.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets" })) as { items: Array<{ status?: unknown }> };
    const statuses = JSON.stringify(list.items.map((item) => item.status));
    assert.ok(generated.size >= 8, `values collected (${generated.size})`);
    for (const value of generated) {
      if (value === "app") continue; // the Fake's static value is in the Fake's spec, not a secret
      for (const form of [...leakForms(value), JSON.stringify(JSON.stringify(value)).slice(1, -1)]) {
        assert.ok(!logs.includes(form), "no generated value in logs");
        assert.ok(!events.includes(form), "no generated value in Events");
        assert.ok(!statuses.includes(form), "no generated value in status");
      }
    }
  });
});
