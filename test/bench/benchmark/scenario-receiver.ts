// W11 (issue 20): webhook-to-Secret latency. A RefreshReceiver in its own namespace selects the benchmark's
// ClusterSecretStore; `readers` ExternalSecrets there read one key on the benchmark's interval. Each round rotates
// the key at the provider, calls the receiver naming the key, and times until every reader's Secret changed.
// Reported next to the interval (W3 shows what the interval alone gives). The fake provider keeps its values in
// the store's spec, so its rotation is a store change that wakes readers by itself: W11 needs vault or aws.
import { randomBytes } from "node:crypto";
import { GROUP, VERSION } from "../../../src/api/common.ts";
import { RECEIVER_GROUP, RECEIVER_VERSION, type RefreshReceiver } from "../../../src/api/refresh-receiver.ts";
import { inBatches } from "./cluster.ts";
import { KEYS, percentile, type Context } from "./scenarios.ts";

const NAMESPACE = "bench-receiver";
const STORE = "bench";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

export async function w11WebhookLatency(ctx: Context, rounds = 20, readers = 10): Promise<Record<string, unknown>> {
  const url = ctx.operator().receiverUrl;
  if (!url) return { skipped: "the operator under test serves no RefreshReceivers" };
  if (ctx.backend.name === "fake") return { skipped: "the fake store's values live in its spec (a rotation is a store change): use --provider vault or aws" };
  const key = `key-${KEYS - 1}`;
  const token = randomBytes(24).toString("hex");
  const { core, custom } = ctx.cluster;
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  try {
    await core.createNamespacedSecret({ namespace: NAMESPACE, body: { metadata: { name: "hook" }, stringData: { token } } });
    await custom.createNamespacedCustomObject({
      group: RECEIVER_GROUP,
      version: RECEIVER_VERSION,
      namespace: NAMESPACE,
      plural: "refreshreceivers",
      body: { apiVersion: `${RECEIVER_GROUP}/${RECEIVER_VERSION}`, kind: "RefreshReceiver", metadata: { name: "rotation" }, spec: { type: "generic", secretRef: { name: "hook" }, resources: [{ kind: "ClusterSecretStore", name: STORE }] } },
    });
    const names = Array.from({ length: readers }, (_, i) => `reader-${i}`);
    await inBatches(names, 8, (name) =>
      custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NAMESPACE,
        plural: "externalsecrets",
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: "ExternalSecret", metadata: { name }, spec: { refreshInterval: `${ctx.intervalSeconds}s`, secretStoreRef: { name: STORE, kind: "ClusterSecretStore" }, data: [{ secretKey: "v", remoteRef: { key } }] } },
      }),
    );
    const keys = names.map((name) => `${NAMESPACE}/${name}`);
    await until("readers Ready", () => (keys.every((k) => ctx.cluster.readyAt.has(k)) ? true : undefined), 120_000);
    const path = await until("receiver path", async () => ((await custom.getNamespacedCustomObject({ group: RECEIVER_GROUP, version: RECEIVER_VERSION, namespace: NAMESPACE, plural: "refreshreceivers", name: "rotation" })) as RefreshReceiver).status?.webhookPath, 60_000);
    const latencies: number[] = [];
    const calls0 = await ctx.backend.providerCalls(ctx.operator());
    for (let round = 0; round < rounds; round++) {
      const before = new Map(keys.map((k) => [k, ctx.cluster.secretChangedAt.get(k)?.hash]));
      await ctx.backend.rotate(KEYS - 1, `webhook-${round}-${Date.now()}`);
      const t0 = Date.now();
      const res = await fetch(`${url}${path}`, { method: "POST", body: JSON.stringify({ keys: [key] }), headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-delivery-id": `w10-${round}-${t0}` } });
      if (res.status !== 202) throw new Error(`W11: the receiver answered ${res.status}`);
      await until("every reader changed", () => (keys.every((k) => ctx.cluster.secretChangedAt.get(k)?.hash !== before.get(k)) ? true : undefined), 60_000);
      for (const k of keys) latencies.push(ctx.cluster.secretChangedAt.get(k)!.at - t0);
      await sleep(1100); // the receiver's budget is 1 call per second
    }
    const calls = (await ctx.backend.providerCalls(ctx.operator())) - calls0;
    return { readers, rounds, intervalSeconds: ctx.intervalSeconds, webhookP50Ms: percentile(latencies, 50), webhookP99Ms: percentile(latencies, 99), webhookMaxMs: Math.max(...latencies), providerReadsPerCall: calls / rounds };
  } finally {
    await core.deleteNamespace({ name: NAMESPACE }).catch(() => undefined);
  }
}
