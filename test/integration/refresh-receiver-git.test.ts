// Issue 20, a GitHub-style push webhook for a SOPS store backed by the bench's git server: the push re-fetches the
// repository at once (the store polls only hourly) and syncs only the ExternalSecrets reading files the pushed
// commits changed, counted with the operator's own sync counter; a push naming files outside the store's root
// syncs nothing; a push without a file list (a force push) syncs every reader.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { CustomObjectsApi } from "@kubernetes/client-node";
import { freshNamespace, kubeConfig } from "../helpers/bench.ts";
import { decoded, kube, sleep, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { basicAuth, fixtureKey, gitStore, newRepo, planted, putSecret, sopsEncrypt } from "../helpers/sops.ts";
import { leakForms } from "../helpers/planted.ts";
import { makeMetrics, type OperatorMetrics } from "../../src/metrics.ts";
import { RECEIVER_GROUP, RECEIVER_VERSION, type RefreshReceiver } from "../../src/api/refresh-receiver.ts";

const SETTLE_MS = 2500;
const WITHIN_MS = 10_000;

describe("RefreshReceiver: a Git push refreshes only the readers of the changed files", () => {
  let ns: string;
  let op: TestOperator;
  let metrics: OperatorMetrics;
  let path: string;
  const k = kube();
  const custom = kubeConfig().makeApiClient(CustomObjectsApi);
  const key = fixtureKey("team-a");
  const enc = (password: string) => sopsEncrypt(`password: ${password}\n`, { format: "yaml", recipients: [key.recipient] });
  const { repo, url } = newRepo("recv-git");
  const token = `push-${randomBytes(16).toString("hex")}`;
  const values = { a1: planted("recv-git-a1"), a2: planted("recv-git-a2"), b1: planted("recv-git-b1"), b2: planted("recv-git-b2"), b3: planted("recv-git-b3") };

  const syncs = async (name: string): Promise<number> => (await metrics.syncCalls.get()).values.find((v) => v.labels.name === name && v.labels.namespace === ns)?.value ?? 0;
  const password = async (name: string) => decoded(await k.secret(ns, name)).password;
  const push = async (payload: object): Promise<number> => {
    const body = JSON.stringify(payload);
    const signature = `sha256=${createHmac("sha256", token).update(body).digest("hex")}`;
    const res = await fetch(`http://127.0.0.1:${op.operator.receiverPort()}${path}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": randomBytes(8).toString("hex"), "x-hub-signature-256": signature },
    });
    await res.arrayBuffer();
    return res.status;
  };
  const commitPayload = (files: { modified?: string[]; added?: string[]; removed?: string[] }, extra: object = {}) => ({ ref: "refs/heads/main", commits: [{ id: "x", added: [], removed: [], modified: [], ...files }], ...extra });

  before(async () => {
    repo.commit({ "secrets/a.enc.yaml": enc(values.a1), "secrets/b.enc.yaml": enc(values.b1), "elsewhere/a.enc.yaml": enc(planted("recv-git-elsewhere")) }, "first");
    ns = await freshNamespace("recv-git");
    await putSecret(k.core, ns, "sops-age", { "team-a.agekey": key.file });
    await putSecret(k.core, ns, "git-basic", basicAuth());
    await putSecret(k.core, ns, "hook", { token });
    metrics = makeMetrics({ defaultMetrics: false });
    op = await startTestOperator(ns, { receivers: { address: "127.0.0.1:0" }, metrics });
    // Polled hourly: only a webhook brings a new commit in within the test.
    await k.create("SecretStore", ns, "git", gitStore(url, { ref: { branch: "main" }, path: "secrets", authSecret: "git-basic", refreshInterval: "1h" }));
    for (const name of ["a", "b"]) {
      await k.create("ExternalSecret", ns, name, { refreshInterval: "1h", secretStoreRef: { name: "git" }, data: [{ secretKey: "password", remoteRef: { key: `${name}.enc.yaml`, property: "password" } }] });
    }
    await custom.createNamespacedCustomObject({
      group: RECEIVER_GROUP,
      version: RECEIVER_VERSION,
      namespace: ns,
      plural: "refreshreceivers",
      body: { apiVersion: `${RECEIVER_GROUP}/${RECEIVER_VERSION}`, kind: "RefreshReceiver", metadata: { name: "push" }, spec: { type: "github", events: ["push"], secretRef: { name: "hook" }, resources: [{ kind: "SecretStore", name: "git" }] } },
    });
    await waitForReady(k, ns, "a", "True", "SecretSynced");
    await waitForReady(k, ns, "b", "True", "SecretSynced");
    const receiver = await waitFor("receiver Ready", async () => {
      const got = (await custom.getNamespacedCustomObject({ group: RECEIVER_GROUP, version: RECEIVER_VERSION, namespace: ns, plural: "refreshreceivers", name: "push" })) as RefreshReceiver;
      return got.status?.webhookPath ? got : undefined;
    });
    path = receiver.status!.webhookPath!;
  });
  after(async () => {
    await op?.stop();
    metrics?.close();
    repo.dispose();
  });

  it("a push changing a.enc.yaml brings the new commit to a within seconds and does not sync b", async () => {
    const before = { a: await syncs("a"), b: await syncs("b") };
    repo.commit({ "secrets/a.enc.yaml": enc(values.a2) }, "rotate a");
    assert.equal(await push(commitPayload({ modified: ["secrets/a.enc.yaml"] })), 202);
    await waitFor("a has the pushed value", async () => ((await password("a")) === values.a2 ? true : undefined), WITHIN_MS);
    await sleep(SETTLE_MS);
    assert.equal((await syncs("a")) - before.a, 1, "a synced once");
    assert.equal(await syncs("b"), before.b, "b not synced");
    assert.equal(await password("b"), values.b1);
  });

  it("a push naming only files outside the store's root syncs nothing", async () => {
    const before = { a: await syncs("a"), b: await syncs("b") };
    repo.commit({ "secrets/b.enc.yaml": enc(values.b2) }, "b changed, but the payload names another file");
    assert.equal(await push(commitPayload({ added: ["elsewhere/a.enc.yaml", "README.md"] })), 202);
    await sleep(SETTLE_MS);
    assert.deepEqual({ a: await syncs("a"), b: await syncs("b") }, before);
    assert.equal(await password("b"), values.b1);
  });

  it("a push modifying b.enc.yaml syncs b only; a force push (no reliable file list) syncs every reader", async () => {
    repo.commit({ "secrets/b.enc.yaml": enc(values.b3) }, "b again");
    const before = { a: await syncs("a"), b: await syncs("b") };
    assert.equal(await push(commitPayload({ modified: ["secrets/b.enc.yaml"] })), 202);
    await waitFor("b has the pushed value", async () => ((await password("b")) === values.b3 ? true : undefined), WITHIN_MS);
    await sleep(SETTLE_MS);
    assert.deepEqual({ a: (await syncs("a")) - before.a, b: (await syncs("b")) - before.b }, { a: 0, b: 1 });
    assert.equal(await push(commitPayload({ modified: ["secrets/b.enc.yaml"] }, { forced: true })), 202);
    await waitFor("both synced", async () => ((await syncs("a")) - before.a === 1 && (await syncs("b")) - before.b === 2 ? true : undefined), WITHIN_MS);
  });

  it("no token or value in the operator's logs", () => {
    const logs = op.logs();
    assert.ok(logs.includes("webhook call verified"));
    for (const value of [token, ...Object.values(values)]) for (const form of leakForms(value)) assert.ok(!logs.includes(form), "a token or value appears in the logs");
  });
});
