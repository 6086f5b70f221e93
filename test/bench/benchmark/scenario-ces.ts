// W8: one ClusterExternalSecret over all 100 keys fanned out to many namespaces, then more namespaces labelled
// while it runs. What it costs the provider (goal: the distinct keys, whatever the namespace count), the apiserver
// (writes per namespace), and how long a namespace waits for its Secret. Deleting the ClusterExternalSecret at the
// end cleans up through the bench's garbage collector (kube-controller-manager).
import { PatchStrategy, setHeaderOptions } from "../../../src/kube/http/index.ts";
import { GROUP, VERSION } from "../../../src/api/common.ts";
import { inBatches } from "./cluster.ts";
import { cpuSeconds, rssBytes } from "./process-stats.ts";
import { KEYS, percentile, type Context } from "./scenarios.ts";

const LABEL = "bench.secrets-bridge.io/ces";
const NAME = "bench-fanout";
const jsonPatch = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

export async function w8ClusterExternalSecret(ctx: Context, namespaces: number, late: number) {
  const names = Array.from({ length: namespaces + late }, (_, i) => `w8-${i}`);
  const [early, later] = [names.slice(0, namespaces), names.slice(namespaces)];
  await inBatches(names, 16, (name) => ctx.cluster.core.createNamespace({ body: { metadata: { name, labels: early.includes(name) ? { [LABEL]: "yes" } : {} } } }));
  const key = (namespace: string) => `${namespace}/${NAME}`;
  const calls0 = await ctx.backend.providerCalls(ctx.operator());
  const writes0 = await ctx.cluster.apiserverWritesByResource();
  const t0 = Date.now();
  await ctx.cluster.custom.createClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: "clusterexternalsecrets",
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: "ClusterExternalSecret",
      metadata: { name: NAME },
      spec: {
        externalSecretName: NAME,
        namespaceSelectors: [{ matchLabels: { [LABEL]: "yes" } }],
        externalSecretSpec: {
          refreshInterval: `${ctx.intervalSeconds}s`,
          secretStoreRef: { name: "bench", kind: "ClusterSecretStore" },
          data: Array.from({ length: KEYS }, (_, i) => ({ secretKey: `k${i}`, remoteRef: { key: `key-${i}` } })),
        },
      },
    },
  });
  await waitUntil("every namespace Ready", () => early.every((ns) => ctx.cluster.readyAt.has(key(ns))), 30 * 60_000);
  const allReadySeconds = (Date.now() - t0) / 1000;
  const fanOutCalls = (await ctx.backend.providerCalls(ctx.operator())) - calls0;
  const written = await ctx.cluster.apiserverWritesSince(writes0);
  const fanOutWrites = Object.values(written).reduce((a, b) => a + b, 0);

  // One idle refresh cycle: every child comes due once.
  await sleep(2000);
  const pid = ctx.operator().pid;
  const [calls1, writes1, cpu1] = [await ctx.backend.providerCalls(ctx.operator()), await ctx.cluster.apiserverWrites(), cpuSeconds(pid)];
  await sleep(ctx.intervalSeconds * 1000);
  const idleCalls = (await ctx.backend.providerCalls(ctx.operator())) - calls1;
  const idleWrites = (await ctx.cluster.apiserverWrites()) - writes1;
  const idleCpu = cpuSeconds(pid) - cpu1;

  // Namespaces labelled while it runs, a few at a time: how long each waits for its Secret.
  const labelledAt = new Map<string, number>();
  await inBatches(later, 4, async (ns) => {
    labelledAt.set(ns, Date.now());
    await ctx.cluster.core.patchNamespace({ name: ns, body: [{ op: "add", path: "/metadata/labels", value: { [LABEL]: "yes" } }] }, jsonPatch);
  });
  await waitUntil("late namespaces Ready", () => later.every((ns) => ctx.cluster.readyAt.has(key(ns)) && ctx.cluster.secret(ns, NAME) !== undefined), 10 * 60_000);
  const waits = later.map((ns) => ctx.cluster.readyAt.get(key(ns))! - labelledAt.get(ns)!);

  const result = {
    namespaces,
    keys: KEYS,
    allReadySeconds,
    fanOutProviderCalls: fanOutCalls,
    idleProviderCallsPerCycle: idleCalls,
    writesPerNamespace: fanOutWrites / namespaces,
    secretWritesPerNamespace: written.secrets / namespaces,
    idleApiserverWrites: idleWrites,
    idleCpuSeconds: idleCpu,
    lateNamespaces: later.length,
    lateWaitP50Ms: percentile(waits, 50),
    lateWaitMaxMs: Math.max(...waits),
    rssMiB: rssBytes(pid).rss / 2 ** 20,
  };
  ctx.log("W8 cleanup: deleting the ClusterExternalSecret (children and Secrets go through the garbage collector)");
  await ctx.cluster.custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterexternalsecrets", name: NAME });
  await waitUntil("children collected", () => names.every((ns) => ctx.cluster.secret(ns, NAME) === undefined), 10 * 60_000);
  await inBatches(names, 16, (name) => ctx.cluster.core.deleteNamespace({ name }));
  return result;
}
