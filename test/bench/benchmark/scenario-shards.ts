// W13 (issue 21): one replica against three with --shards auto, on the same burst. For each fleet size: the
// replicas start and settle (every member sees the others, the 1,024 slots covered), N ExternalSecrets are created
// at once; measured: time until all are Ready, one idle cycle (provider calls across the fleet, goal: distinct
// keys; apiserver writes on the work's resources, goal 0; Lease writes apart), and per replica its share, CPU
// seconds in the cycle and RSS.
import { cleanup, createExternalSecrets, KEYS, NAMESPACES, percentile, type Context } from "./scenarios.ts";
import { inBatches } from "./cluster.ts";
import type { OperatorProcess } from "./operator-process.ts";
import { cpuSeconds, rssBytes } from "./process-stats.ts";
import { sumSeries } from "./prom.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = 2 ** 20;

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(250);
  }
}

/** Starts one replica of a fleet: `--shards auto` with the fleet's Lease id (and no receivers, which auto refuses). */
export type StartReplica = (fleet: string) => Promise<OperatorProcess>;

export async function w13Shards(ctx: Context, n: number, fleetSizes: number[], startReplica: StartReplica): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  for (const size of fleetSizes) {
    const fleet = `bench-fleet-${size}-${n}`;
    const prefix = `shards${size}-${n}`;
    ctx.log(`W13 ${size} replica(s), --shards auto, burst of ${n}`);
    const replicas: OperatorProcess[] = [];
    try {
      for (let i = 0; i < size; i++) replicas.push(await startReplica(fleet));
      const metrics = () => Promise.all(replicas.map((r) => r.metrics()));
      await until("the fleet settled", async () => {
        const texts = await metrics();
        return texts.every((t) => sumSeries(t, "secretsbridge_shard_members") === size) && texts.reduce((sum, t) => sum + sumSeries(t, "secretsbridge_shard_slots"), 0) === 1024;
      }, 120_000);
      // Counted at the provider: once for the fleet; counted from each replica's metrics: summed.
      const providerCalls = async () =>
        ctx.backend.countsSurviveRestart ? ctx.backend.providerCalls(replicas[0]!) : (await Promise.all(replicas.map((r) => ctx.backend.providerCalls(r)))).reduce((a, b) => a + b, 0);
      await inBatches(Array.from({ length: NAMESPACES }, (_, i) => `${prefix}-${i}`), 8, (name) => ctx.cluster.core.createNamespace({ body: { metadata: { name } } }));
      const t0 = Date.now();
      const createdAt = await createExternalSecrets(ctx, prefix, 0, n);
      await until("all Ready", () => [...createdAt.keys()].every((key) => ctx.cluster.readyAt.has(key)), 30 * 60_000);
      const allReadySeconds = (Date.now() - t0) / 1000;
      const latencies = [...createdAt].map(([key, at]) => ctx.cluster.readyAt.get(key)! - at);
      // One interval to let the burst's first refreshes pass, then the measured idle cycle.
      await sleep(ctx.intervalSeconds * 1000);
      const [calls0, writes0, leases0] = [await providerCalls(), await ctx.cluster.apiserverWrites(), await ctx.cluster.leaseWrites()];
      const cpu0 = replicas.map((r) => cpuSeconds(r.pid));
      await sleep(ctx.intervalSeconds * 1000);
      const providerCallsPerCycle = (await providerCalls()) - calls0;
      const apiserverWritesPerCycle = (await ctx.cluster.apiserverWrites()) - writes0;
      // Membership renewals (one per replica per retry period), counted apart: they are the fleet's price, not work.
      const leaseWritesPerCycle = (await ctx.cluster.leaseWrites()) - leases0;
      const texts = await metrics();
      const perReplica = replicas.map((r, i) => ({
        share: sumSeries(texts[i]!, "secretsbridge_shard_externalsecrets"),
        slots: sumSeries(texts[i]!, "secretsbridge_shard_slots"),
        cpuSecondsPerCycle: Math.round((cpuSeconds(r.pid) - cpu0[i]!) * 100) / 100,
        rssMiB: Math.round(rssBytes(r.pid).rss / MiB),
        heapUsedMiB: Math.round(sumSeries(texts[i]!, "nodejs_heap_size_used_bytes") / MiB),
        reducedInCache: sumSeries(texts[i]!, "secretsbridge_shard_reduced_externalsecrets"),
        peakRssMiB: Math.round(rssBytes(r.pid).peak / MiB),
      }));
      rows.push({
        replicas: size,
        n,
        allReadySeconds,
        readyP50Ms: percentile(latencies, 50),
        readyP99Ms: percentile(latencies, 99),
        readyMaxMs: Math.max(...latencies),
        distinctKeys: KEYS,
        providerCallsPerCycle,
        apiserverWritesPerCycle,
        leaseWritesPerCycle,
        perReplica,
      });
      ctx.log(`W13 ${size}: all Ready in ${allReadySeconds.toFixed(1)} s, ${providerCallsPerCycle} provider calls and ${apiserverWritesPerCycle} apiserver writes per idle cycle; shares ${perReplica.map((p) => p.share).join("/")}`);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      await cleanup(ctx, prefix);
    }
  }
  return rows;
}
