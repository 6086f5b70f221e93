// The benchmark scenarios (issue 8): W1 burst create, W2 steady refresh, W3 rotation, W4 unrelated Secrets,
// W5 new ExternalSecrets during refreshes, W7 restart. Each returns plain numbers for the report.
import { GROUP, VERSION } from "../../../src/api/common.ts";
import type { ClusterView } from "./cluster.ts";
import { inBatches } from "./cluster.ts";
import { cpuSeconds, rssBytes } from "./process-stats.ts";
import type { Backend } from "./backends.ts";
import type { OperatorProcess } from "./operator-process.ts";

export const KEYS = 100;
export const NAMESPACES = 50;
const STORE = "bench";

export interface Context {
  cluster: ClusterView;
  backend: Backend;
  operator: () => OperatorProcess;
  restartOperator: () => Promise<void>;
  intervalSeconds: number;
  log: (msg: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function providerCalls(ctx: Context): Promise<number> {
  return ctx.backend.providerCalls(ctx.operator());
}

async function waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

export async function setupStore(ctx: Context, value: (key: number) => string): Promise<void> {
  const body = { apiVersion: `${GROUP}/${VERSION}`, kind: "ClusterSecretStore", metadata: { name: STORE }, spec: await ctx.backend.storeSpec(value) };
  try {
    await ctx.cluster.custom.createClusterCustomObject({ group: GROUP, version: VERSION, plural: "clustersecretstores", body });
  } catch {
    const current = (await ctx.cluster.custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: "clustersecretstores", name: STORE })) as { metadata: { resourceVersion: string } };
    await ctx.cluster.custom.replaceClusterCustomObject({ group: GROUP, version: VERSION, plural: "clustersecretstores", name: STORE, body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata.resourceVersion } } });
  }
}

const namespaceOf = (prefix: string, i: number) => `${prefix}-${i % NAMESPACES}`;

async function createExternalSecrets(ctx: Context, prefix: string, from: number, count: number): Promise<Map<string, number>> {
  const createdAt = new Map<string, number>();
  const items = Array.from({ length: count }, (_, j) => from + j);
  await inBatches(items, 16, async (i) => {
    const namespace = namespaceOf(prefix, i);
    const name = `es-${i}`;
    createdAt.set(`${namespace}/${name}`, Date.now());
    await ctx.cluster.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: "externalsecrets",
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: "ExternalSecret",
        metadata: { name, namespace },
        spec: { refreshInterval: `${ctx.intervalSeconds}s`, secretStoreRef: { name: STORE, kind: "ClusterSecretStore" }, data: [{ secretKey: "v", remoteRef: { key: `key-${i % KEYS}` } }] },
      },
    });
  });
  return createdAt;
}

export async function w1BurstCreate(ctx: Context, prefix: string, n: number) {
  await inBatches(Array.from({ length: NAMESPACES }, (_, i) => `${prefix}-${i}`), 8, (name) => ctx.cluster.core.createNamespace({ body: { metadata: { name } } }));
  const calls0 = await providerCalls(ctx);
  const writes0 = await ctx.cluster.apiserverWrites();
  const t0 = Date.now();
  const createdAt = await createExternalSecrets(ctx, prefix, 0, n);
  await waitUntil("all Ready", () => [...createdAt.keys()].every((key) => ctx.cluster.readyAt.has(key)), 30 * 60_000);
  const latencies = [...createdAt].map(([key, at]) => ctx.cluster.readyAt.get(key)! - at);
  const pid = ctx.operator().pid;
  return {
    n,
    allReadySeconds: (Date.now() - t0) / 1000,
    readyP50Ms: percentile(latencies, 50),
    readyP99Ms: percentile(latencies, 99),
    readyMaxMs: Math.max(...latencies),
    providerCalls: (await providerCalls(ctx)) - calls0,
    // Our own n creates are not the operator's writes.
    apiserverWrites: (await ctx.cluster.apiserverWrites()) - writes0 - n,
    peakRssMiB: rssBytes(pid).peak / 2 ** 20,
  };
}

export async function w2SteadyRefresh(ctx: Context) {
  const pid = ctx.operator().pid;
  const calls0 = await providerCalls(ctx);
  const writes0 = await ctx.cluster.apiserverWrites();
  const rev0 = await ctx.cluster.etcdRevision();
  const cpu0 = cpuSeconds(pid);
  await sleep(ctx.intervalSeconds * 1000);
  return {
    cycleSeconds: ctx.intervalSeconds,
    providerCallsPerCycle: (await providerCalls(ctx)) - calls0,
    apiserverWritesPerCycle: (await ctx.cluster.apiserverWrites()) - writes0,
    etcdRevisionDelta: (await ctx.cluster.etcdRevision()) - rev0,
    cpuSecondsPerCycle: cpuSeconds(pid) - cpu0,
    rssMiB: rssBytes(pid).rss / 2 ** 20,
  };
}

export async function w3Rotation(ctx: Context, prefix: string, n: number) {
  // key-0 is read by every ExternalSecret i with i % KEYS == 0: 1% of them.
  const dependents = Array.from({ length: Math.ceil(n / KEYS) }, (_, j) => j * KEYS).filter((i) => i < n).map((i) => `${namespaceOf(prefix, i)}/es-${i}`);
  const before = new Map(dependents.map((key) => [key, ctx.cluster.secretChangedAt.get(key)?.hash]));
  const t0 = Date.now();
  if (await ctx.backend.rotate(0, `rotated-${t0}`)) await setupStore(ctx, (key) => (key === 0 ? `rotated-${t0}` : `value-${key}`));
  await waitUntil("rotation everywhere", () => dependents.every((key) => ctx.cluster.secretChangedAt.get(key)?.hash !== before.get(key)), (ctx.intervalSeconds + 60) * 1000);
  const times = dependents.map((key) => ctx.cluster.secretChangedAt.get(key)!.at - t0);
  return { dependents: dependents.length, allUpdatedSeconds: Math.max(...times) / 1000, spreadMs: Math.max(...times) - Math.min(...times) };
}

export async function w5NewDuringRefresh(ctx: Context, prefix: string, n: number) {
  const count = 100;
  const createdAt = await createExternalSecrets(ctx, prefix, n, count);
  await waitUntil("new ones Ready", () => [...createdAt.keys()].every((key) => ctx.cluster.readyAt.has(key)), 10 * 60_000);
  const latencies = [...createdAt].map(([key, at]) => ctx.cluster.readyAt.get(key)! - at);
  return { created: count, readyP50Ms: percentile(latencies, 50), readyP99Ms: percentile(latencies, 99) };
}

export async function w7Restart(ctx: Context, windowSeconds = 15) {
  const writes0 = await ctx.cluster.apiserverWrites();
  const calls0 = ctx.backend.countsSurviveRestart ? await providerCalls(ctx) : 0;
  await ctx.restartOperator();
  await sleep(windowSeconds * 1000);
  // On the refresh grid, about KEYS * window / interval keys come due in the window anyway (their normal
  // schedule); anything beyond that would be a restart storm.
  const dueOnSchedule = Math.round((KEYS * windowSeconds) / ctx.intervalSeconds);
  return { windowSeconds, providerCalls: (await providerCalls(ctx)) - calls0, keysDueOnSchedule: Math.min(KEYS, dueOnSchedule), apiserverWrites: (await ctx.cluster.apiserverWrites()) - writes0 };
}

export async function w4UnrelatedSecrets(ctx: Context, levels: number[]) {
  const namespace = "bench-unrelated";
  await ctx.cluster.core.createNamespace({ body: { metadata: { name: namespace } } }).catch(() => undefined);
  const out: Array<{ unrelatedSecrets: number; rssMiB: number }> = [];
  let created = 0;
  for (const level of levels) {
    const items = Array.from({ length: level - created }, (_, j) => created + j);
    await inBatches(items, 16, (i) => ctx.cluster.core.createNamespacedSecret({ namespace, body: { metadata: { name: `unrelated-${i}` }, stringData: { data: "x".repeat(512) } } }));
    created = level;
    await sleep(10_000); // let the operator settle (it should not even see these)
    out.push({ unrelatedSecrets: level, rssMiB: rssBytes(ctx.operator().pid).rss / 2 ** 20 });
  }
  return out;
}

export async function cleanup(ctx: Context, prefix: string): Promise<void> {
  await inBatches(Array.from({ length: NAMESPACES }, (_, i) => `${prefix}-${i}`), 8, async (namespace) => {
    await ctx.cluster.custom.deleteCollectionNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "externalsecrets" });
    await ctx.cluster.core.deleteCollectionNamespacedSecret({ namespace, labelSelector: "reconcile.external-secrets.io/managed=true" });
  });
}
