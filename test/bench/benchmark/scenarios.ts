// The benchmark scenarios (issue 8): W1 burst create, W2 steady refresh, W3 rotation, W4 unrelated Secrets,
// W5 new ExternalSecrets during refreshes, W7 restart, W9 W5 next to hostile tenants. Each returns plain numbers for the report.
import { GROUP, VERSION } from "../../../src/api/common.ts";
import type { ClusterView } from "./cluster.ts";
import { inBatches } from "./cluster.ts";
import { cpuSeconds, rssBytes } from "./process-stats.ts";
import { histogramQuantile, sumSeries } from "./prom.ts";
import type { Backend } from "./backends.ts";
import type { OperatorProcess } from "./operator-process.ts";
import { BACKTRACKING_REGEXPS, HOSTILE_TEMPLATES } from "../../helpers/hostile.ts";

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

export async function createExternalSecrets(ctx: Context, prefix: string, from: number, count: number): Promise<Map<string, number>> {
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
  const writes0 = await ctx.cluster.apiserverWritesByResource();
  const t0 = Date.now();
  const createdAt = await createExternalSecrets(ctx, prefix, 0, n);
  await waitUntil("all Ready", () => [...createdAt.keys()].every((key) => ctx.cluster.readyAt.has(key)), 30 * 60_000);
  const latencies = [...createdAt].map(([key, at]) => ctx.cluster.readyAt.get(key)! - at);
  const pid = ctx.operator().pid;
  const allReadySeconds = (Date.now() - t0) / 1000;
  const written = await ctx.cluster.apiserverWritesSince(writes0);
  // Our own n creates are not the operator's writes; what is left on externalsecrets is status.
  const statusWrites = written.externalsecrets - n;
  const total = written.secrets + statusWrites + written.events + written.secretstores + written.clustersecretstores;
  return {
    n,
    allReadySeconds,
    readyP50Ms: percentile(latencies, 50),
    readyP99Ms: percentile(latencies, 99),
    readyMaxMs: Math.max(...latencies),
    providerCalls: (await providerCalls(ctx)) - calls0,
    apiserverWrites: total,
    writesPerNewES: total / n,
    secretWrites: written.secrets,
    statusWrites,
    eventWrites: written.events,
    peakRssMiB: rssBytes(pid).peak / 2 ** 20,
    ...(await burstBreakdown(ctx)),
  };
}

/**
 * Where a burst's time went, from the operator's own metrics (its process started right before the burst, so they
 * cover it): apiserver latency of the two writes of a new ExternalSecret, queue wait in the lane new ones take,
 * event-loop delay. Another implementation (--operator-cmd) exposes none of them: n/a.
 */
async function burstBreakdown(ctx: Context): Promise<Record<string, number | string>> {
  const metrics = await ctx.operator().metrics().catch(() => "");
  const ms = (seconds: number | undefined) => (seconds === undefined ? "n/a" : Math.round(seconds * 10_000) / 10);
  const latency = "rest_client_request_duration_seconds";
  return {
    secretCreateP50Ms: ms(histogramQuantile(metrics, latency, 0.5, { verb: "POST", resource: "secrets" })),
    secretCreateP99Ms: ms(histogramQuantile(metrics, latency, 0.99, { verb: "POST", resource: "secrets" })),
    statusPatchP50Ms: ms(histogramQuantile(metrics, latency, 0.5, { verb: "PATCH", resource: "externalsecrets/status" })),
    statusPatchP99Ms: ms(histogramQuantile(metrics, latency, 0.99, { verb: "PATCH", resource: "externalsecrets/status" })),
    reconcileP50Ms: ms(histogramQuantile(metrics, "externalsecret_reconcile_duration", 0.5, { controller: "externalsecret", outcome: "ok" })),
    reconcileP99Ms: ms(histogramQuantile(metrics, "externalsecret_reconcile_duration", 0.99, { controller: "externalsecret", outcome: "ok" })),
    queueWaitHighP50Ms: ms(histogramQuantile(metrics, "secretsbridge_workqueue_wait_seconds", 0.5, { controller: "externalsecret", priority: "high" })),
    queueWaitHighP99Ms: ms(histogramQuantile(metrics, "secretsbridge_workqueue_wait_seconds", 0.99, { controller: "externalsecret", priority: "high" })),
    eventLoopLagP99Ms: metrics ? ms(sumSeries(metrics, "nodejs_eventloop_lag_p99_seconds")) : "n/a",
    // Every apiserver request the operator made since it started (watches apart), by verb: reads next to writes.
    kubeRequests: metrics ? ["GET", "POST", "PUT", "PATCH", "DELETE"].map((verb) => `${verb} ${sumSeries(metrics, "rest_client_requests_total", { verb })}`).join(", ") : "n/a",
  };
}

/** V8's live heap from the operator's metrics (prom-client's default), when it exposes them. */
const heapUsedMiB = (metrics: string): number | string => sumSeries(metrics, "nodejs_heap_size_used_bytes") / 2 ** 20 || "n/a";

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
    // RSS minus the live heap is code, buffers and free heap.
    heapUsedMiB: heapUsedMiB(await ctx.operator().metrics()),
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

/** The operator's event-loop delay since the previous scrape (prom-client resets its histogram on every scrape). */
async function eventLoopDelay(ctx: Context): Promise<{ eventLoopP99Ms: number | string; eventLoopMaxMs: number | string }> {
  const metrics = await ctx.operator().metrics();
  if (!metrics) return { eventLoopP99Ms: "n/a", eventLoopMaxMs: "n/a" };
  return { eventLoopP99Ms: sumSeries(metrics, "nodejs_eventloop_lag_p99_seconds") * 1000, eventLoopMaxMs: sumSeries(metrics, "nodejs_eventloop_lag_max_seconds") * 1000 };
}

/** 100 new ExternalSecrets while the others refresh: time to Ready, and how long the event loop stalled meanwhile. */
export async function w5NewDuringRefresh(ctx: Context, prefix: string, n: number, from = n) {
  const count = 100;
  await eventLoopDelay(ctx);
  const createdAt = await createExternalSecrets(ctx, prefix, from, count);
  await waitUntil("new ones Ready", () => [...createdAt.keys()].every((key) => ctx.cluster.readyAt.has(key)), 10 * 60_000);
  const latencies = [...createdAt].map(([key, at]) => ctx.cluster.readyAt.get(key)! - at);
  return { created: count, readyP50Ms: percentile(latencies, 50), readyP99Ms: percentile(latencies, 99), ...(await eventLoopDelay(ctx)) };
}

/**
 * W9: W5 again with 11 hostile ExternalSecrets in the cluster (templates without end, backtracking regexps),
 * retrying with backoff the whole time. The goal is W5's numbers: hostile tenants cost their own workers only.
 */
export async function w9HostileNeighbours(ctx: Context, prefix: string, n: number) {
  const namespace = namespaceOf(prefix, 0);
  const store = { name: STORE, kind: "ClusterSecretStore" };
  const read = [{ secretKey: "v", remoteRef: { key: "key-0" } }];
  const specs: Array<[string, Record<string, unknown>]> = [
    ...Object.entries(HOSTILE_TEMPLATES).map(([name, text]): [string, Record<string, unknown>] => [`hostile-${name}`, { secretStoreRef: store, data: read, target: { template: { data: { v: text } } } }]),
    ["hostile-find", { secretStoreRef: store, dataFrom: [{ find: { name: { regexp: BACKTRACKING_REGEXPS[0] } } }] }],
    ["hostile-rewrite", { secretStoreRef: store, dataFrom: [{ find: { name: { regexp: "^key-1" } }, rewrite: [{ regexp: { source: BACKTRACKING_REGEXPS[1], target: "x" } }] }] }],
    ["hostile-transform", { secretStoreRef: store, dataFrom: [{ find: { name: { regexp: "^key-2" } }, rewrite: [{ transform: { template: "{{ range until 100000000 }}{{ end }}{{ .value }}" } }] }] }],
    ["hostile-refresh", { refreshInterval: "1ms", secretStoreRef: store, data: read }],
  ];
  await inBatches(specs, 4, ([name, spec]) =>
    ctx.cluster.custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "externalsecrets", body: { apiVersion: `${GROUP}/${VERSION}`, kind: "ExternalSecret", metadata: { name, namespace }, spec } }),
  );
  await sleep(5000); // the hostile ones are failing and retrying by now
  const lost0 = sumSeries(await ctx.operator().metrics(), "secretsbridge_isolation_workers_lost_total");
  const result = await w5NewDuringRefresh(ctx, prefix, n, n + 100);
  const lost = sumSeries(await ctx.operator().metrics(), "secretsbridge_isolation_workers_lost_total") - lost0;
  return { hostile: specs.length, ...result, workersLost: lost };
}

/** Waits until the operator has written nothing for `quietMs` (so one scenario's tail does not land in the next). */
async function settle(ctx: Context, quietMs = 6000, maxMs = 120_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = await ctx.cluster.apiserverWrites();
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs && Date.now() < deadline) {
    await sleep(1000);
    const now = await ctx.cluster.apiserverWrites();
    if (now !== last) [last, quietSince] = [now, Date.now()];
  }
}

/**
 * Restart the operator with every ExternalSecret current and watch its first refresh cycle. Calls in the first
 * `earlySeconds` show there is no restart storm (only keys the grid makes due then are read); calls over the
 * whole cycle should be about the distinct keys, and writes zero.
 */
export async function w7Restart(ctx: Context, earlySeconds = 15) {
  await settle(ctx);
  const writes0 = await ctx.cluster.apiserverWritesByResource();
  const calls0 = ctx.backend.countsSurviveRestart ? await providerCalls(ctx) : 0;
  await ctx.restartOperator();
  await sleep(earlySeconds * 1000);
  const earlyCalls = (await providerCalls(ctx)) - calls0;
  await sleep(Math.max(0, ctx.intervalSeconds - earlySeconds) * 1000);
  const written = Object.entries(await ctx.cluster.apiserverWritesSince(writes0)).filter(([, count]) => count > 0);
  // On the refresh grid, about KEYS * early / interval keys come due in the early window anyway (their normal schedule).
  return {
    earlySeconds,
    earlyProviderCalls: earlyCalls,
    keysDueEarly: Math.min(KEYS, Math.round((KEYS * earlySeconds) / ctx.intervalSeconds)),
    cycleSeconds: Math.max(earlySeconds, ctx.intervalSeconds),
    cycleProviderCalls: (await providerCalls(ctx)) - calls0,
    distinctKeys: KEYS,
    apiserverWrites: written.reduce((sum, [, count]) => sum + count, 0),
    writtenResources: written.map(([resource, count]) => `${resource}:${count}`).join(" ") || "-",
  };
}

export async function w4UnrelatedSecrets(ctx: Context, levels: number[]) {
  const namespace = "bench-unrelated";
  await ctx.cluster.core.createNamespace({ body: { metadata: { name: namespace } } }).catch(() => undefined);
  const out: Array<{ unrelatedSecrets: number; rssMiB: number; heapUsedMiB: number | string; cachedSecrets: number | string }> = [];
  let created = 0;
  for (const level of levels) {
    const items = Array.from({ length: level - created }, (_, j) => created + j);
    await inBatches(items, 16, (i) => ctx.cluster.core.createNamespacedSecret({ namespace, body: { metadata: { name: `unrelated-${i}` }, stringData: { data: "x".repeat(512) } } }));
    created = level;
    await sleep(10_000); // let the operator settle (it should not even see these)
    const metrics = await ctx.operator().metrics();
    out.push({
      unrelatedSecrets: level,
      rssMiB: rssBytes(ctx.operator().pid).rss / 2 ** 20,
      heapUsedMiB: heapUsedMiB(metrics),
      // What the operator holds: only the Secrets it manages, however many others exist.
      cachedSecrets: metrics ? sumSeries(metrics, "secretsbridge_cached_objects", { informer: "managedSecrets" }) : "n/a",
    });
  }
  return out;
}

export async function cleanup(ctx: Context, prefix: string): Promise<void> {
  await inBatches(Array.from({ length: NAMESPACES }, (_, i) => `${prefix}-${i}`), 8, async (namespace) => {
    await ctx.cluster.custom.deleteCollectionNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "externalsecrets" });
    await ctx.cluster.core.deleteCollectionNamespacedSecret({ namespace, labelSelector: "reconcile.external-secrets.io/managed=true" });
  });
}
