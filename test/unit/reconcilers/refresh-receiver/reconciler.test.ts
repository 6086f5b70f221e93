// The RefreshReceiver reconcile over a stub of the two API calls it makes (Secret GET, status merge patch): a token
// registers the receiver at Flux's path and writes Ready once; a missing Secret, a missing key or a short token take
// it out of service with Ready=False, one Warning, and no path in status; a rotated token moves the path.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import pino from "pino";
import type { KubeClients } from "../../../../src/kube/clients.ts";
import type { EventRecorder } from "../../../../src/kube/events.ts";
import type { RefreshReceiver } from "../../../../src/api/refresh-receiver.ts";
import { refreshReceiverReconciler, TOKEN_RECHECK_MS } from "../../../../src/reconcilers/refresh-receiver/reconciler.ts";
import { ReceiverRegistry } from "../../../../src/receiver/registry.ts";
import { webhookPath } from "../../../../src/receiver/webhook-path.ts";

const TOKEN = "a-token-of-enough-length";

/** RFC 7386 JSON merge patch, as the apiserver applies the reconciler's status patch (null removes a field). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = typeof target === "object" && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function harness(secret: Record<string, string> | "missing", opts: { writesStatus?: boolean; calls?: NonNullable<RefreshReceiver["status"]>["calls"] } = {}) {
  let data = secret;
  let receiver: RefreshReceiver = {
    metadata: { name: "hook", namespace: "team-a", generation: 3, uid: "u1" },
    spec: { type: "generic", secretRef: { name: "hook-token" }, resources: [{ kind: "ExternalSecret", name: "*" }] },
    ...(opts.calls ? { status: { calls: opts.calls } } : {}),
  };
  const patches: unknown[] = [];
  const warnings: string[] = [];
  const clients = {
    core: {
      async readNamespacedSecret({ name, namespace }: { name: string; namespace: string }) {
        assert.deepEqual([name, namespace], ["hook-token", "team-a"], "the receiver's own Secret, in its own namespace");
        if (data === "missing") throw Object.assign(new Error("not found"), { code: 404 });
        return { data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])) };
      },
    },
    custom: {
      async patchNamespacedCustomObjectStatus(req: { group: string; version: string; plural: string; body: { status: RefreshReceiver["status"] } }) {
        assert.deepEqual([req.group, req.version, req.plural], ["secrets-bridge.io", "v1alpha1", "refreshreceivers"]);
        patches.push(req.body.status);
        receiver = { ...receiver, status: mergePatch(receiver.status, req.body.status) as RefreshReceiver["status"] };
        return {};
      },
    },
  } as unknown as KubeClients;
  const events: EventRecorder = { normal: async () => {}, warning: async (_target, reason, message) => void warnings.push(`${reason}: ${message}`) };
  const registry = new ReceiverRegistry({ requestsPerSecond: 1 });
  const reconcile = refreshReceiverReconciler({
    clients,
    receiver: () => receiver,
    registry,
    events,
    log: pino({ level: "silent" }),
    now: () => new Date(0),
    ...(opts.writesStatus === undefined ? {} : { writesStatus: () => opts.writesStatus! }),
  });
  return { reconcile: () => reconcile("team-a/hook"), registry, patches, warnings, setSecret: (next: Record<string, string> | "missing") => (data = next), receiver: () => receiver };
}

describe("refreshReceiverReconciler", () => {
  it("serves the receiver at Flux's path, writes Ready once, and looks again later", async () => {
    const h = harness({ token: `${TOKEN}\n` });
    const path = webhookPath(Buffer.from(TOKEN), "hook", "team-a");
    assert.deepEqual(await h.reconcile(), { requeueAfterMs: TOKEN_RECHECK_MS });
    assert.equal(h.registry.byPath(path)?.key, "team-a/hook");
    assert.equal(h.receiver().status?.webhookPath, path);
    assert.equal(h.receiver().status?.observedGeneration, 3);
    assert.equal(h.receiver().status?.conditions?.[0]?.status, "True");
    await h.reconcile();
    assert.equal(h.patches.length, 1, "an unchanged status is not written again");
  });

  it("a rotated token moves the receiver to a new path; the old one is no longer served", async () => {
    const h = harness({ token: TOKEN });
    await h.reconcile();
    h.setSecret({ token: `${TOKEN}-rotated` });
    await h.reconcile();
    assert.equal(h.registry.byPath(webhookPath(Buffer.from(TOKEN), "hook", "team-a")), undefined);
    assert.equal(h.registry.byPath(webhookPath(Buffer.from(`${TOKEN}-rotated`), "hook", "team-a"))?.key, "team-a/hook");
    assert.equal(h.registry.size(), 1);
  });

  const broken: Array<{ name: string; secret: Record<string, string> | "missing"; reason: string; message: RegExp }> = [
    { name: "the Secret is missing", secret: "missing", reason: "SecretNotFound", message: /^Secret hook-token not found$/ },
    { name: "the Secret has no token key", secret: { other: TOKEN }, reason: "TokenInvalid", message: /has no key token/ },
    { name: "the token is too short", secret: { token: "tiny-tok" }, reason: "TokenInvalid", message: /shorter than 16 bytes/ },
  ];
  for (const { name, secret, reason, message } of broken) {
    it(`${name}: not served, Ready=False ${reason}, one Warning, no path, no token in any message`, async () => {
      const h = harness({ token: TOKEN });
      await h.reconcile();
      h.setSecret(secret);
      await h.reconcile();
      await h.reconcile();
      assert.equal(h.registry.size(), 0);
      const ready = h.receiver().status?.conditions?.find((c) => c.type === "Ready");
      assert.equal(ready?.status, "False");
      assert.equal(ready?.reason, reason);
      assert.match(ready?.message ?? "", message);
      assert.equal(h.receiver().status?.webhookPath, undefined);
      assert.equal(h.warnings.length, 1, "one Warning per change, not per look");
      assert.ok(!JSON.stringify([h.patches, h.warnings]).includes("tiny-tok"), "the token's content in a message");
    });
  }

  it("sharded: the calls other replicas shared in status are never written from here, and survive its writes", async () => {
    const calls = [{ id: "c1", at: new Date(0).toISOString(), keys: ["db"] }];
    const h = harness({ token: TOKEN }, { calls });
    await h.reconcile();
    h.setSecret("missing");
    await h.reconcile();
    assert.equal(h.patches.length, 2);
    for (const patch of h.patches) assert.ok(!("calls" in (patch as object)), "a status patch carries calls");
    assert.deepEqual(h.receiver().status?.calls, calls);
    assert.equal(h.receiver().status?.webhookPath, undefined, "the path no longer served is removed");
  });

  it("sharded: a replica not owning the receiver serves it but writes neither status nor events", async () => {
    const h = harness({ token: TOKEN }, { writesStatus: false });
    await h.reconcile();
    assert.equal(h.registry.byPath(webhookPath(Buffer.from(TOKEN), "hook", "team-a"))?.key, "team-a/hook");
    h.setSecret("missing");
    assert.deepEqual(await h.reconcile(), { requeueAfterMs: TOKEN_RECHECK_MS });
    assert.equal(h.registry.size(), 0);
    assert.deepEqual([h.patches, h.warnings], [[], []]);
  });

  it("a deleted receiver is no longer served", async () => {
    const h = harness({ token: TOKEN });
    await h.reconcile();
    h.receiver().metadata.deletionTimestamp = new Date();
    assert.equal(await h.reconcile(), undefined);
    assert.equal(h.registry.size(), 0);
  });
});
