// Soak (issue 23): the operator, as its own process, works N ExternalSecrets on a short interval for a long stretch
// of bench time while the scenario churns them: creates, spec updates, deletes, value rotations and store spec
// changes, a few every few seconds (seeded). Sampled every 10 s from /proc and the operator's /metrics: RSS, V8 heap,
// event-loop delay p99, the ExternalSecret queue's depth. Reported: RSS and heap slopes after a warm-up (least
// squares, MiB per hour; goal: flat), event-loop p99 (median and worst), the deepest queue, and at the end, once the
// churn stops, ExternalSecrets without their Secret or with a stale value (goal 0) and Secrets left behind by
// deleted ones (goal 0, the garbage collector's work through ownerReferences).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { freshNamespace, loadBench } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, waitFor } from "../helpers/operator.ts";
import { startOperatorProcess } from "../bench/benchmark/operator-process.ts";
import { ownRss } from "../bench/benchmark/process-stats.ts";
import { sumSeries } from "../bench/benchmark/prom.ts";
import { seededRandom } from "./seeded-random.ts";

export interface SoakOptions {
  externalSecrets: number;
  keys: number;
  minutes: number;
  intervalSeconds: number;
  /** One churn step every this many seconds: 3 creates, 3 deletes, 3 updates. */
  churnEverySeconds: number;
  /**
   * A rotation (every value changes: every Secret rewritten) every this many steps, and a store spec change every
   * `storeChangeEvery` (default 30 and 45: at full size about once a minute, a pace the bench's apiserver absorbs;
   * more often and the scenario measures a permanent backlog instead of a soak).
   */
  rotateEvery?: number;
  storeChangeEvery?: number;
  seed: number;
}

export interface SoakSample {
  atSeconds: number;
  rssMiB: number;
  heapMiB: number;
  eventLoopP99Ms: number;
  queueDepth: number;
}

export interface SoakFigures {
  externalSecrets: number;
  minutes: number;
  seed: number;
  churn: { created: number; updated: number; deleted: number; rotations: number; storeChanges: number };
  samples: number;
  rssMiB: { start: number; end: number; max: number; slopePerHour: number };
  heapMiB: { start: number; end: number; max: number; slopePerHour: number };
  eventLoopP99Ms: { median: number; max: number };
  queueDepthMax: number;
  /** After the churn: live ExternalSecrets without their Secret, or with a value older than the last rotation. */
  notConverged: number;
  /** Secrets of deleted ExternalSecrets still there after the garbage collector's turn. */
  leftBehind: number;
  operatorAlive: boolean;
}


/** Least-squares slope of y over x (per unit of x). */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const MiB = 1024 * 1024;

export async function runSoak(opts: SoakOptions, log: (line: string) => void = () => undefined): Promise<SoakFigures> {
  const k = kube();
  const ns = await freshNamespace("faults-soak");
  const next = seededRandom(opts.seed);
  let round = 0;
  let extraKeys = 0;
  const storeSpec = () => ({ provider: { fake: { data: Array.from({ length: opts.keys + extraKeys }, (_, key) => ({ key: `key-${key}`, value: `r${round}-${key}` })) } } });
  const live = new Map<string, number>(); // name -> key index
  const deleted = new Set<string>();
  let serial = 0;
  const create = async () => {
    const name = `es-${serial++}`;
    const key = Math.floor(next() * opts.keys);
    await k.create("ExternalSecret", ns, name, { refreshInterval: `${opts.intervalSeconds}s`, secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key: `key-${key}` } }] });
    live.set(name, key);
  };
  const pick = () => [...live.keys()][Math.floor(next() * live.size)]!;
  const churn = { created: 0, updated: 0, deleted: 0, rotations: 0, storeChanges: 0 };
  await k.create("SecretStore", ns, "fake", storeSpec());
  for (let i = 0; i < opts.externalSecrets; i++) await create();
  const everyReady = async () => {
    const list = (await k.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "externalsecrets" })) as { items: ExternalSecret[] };
    return list.items.length === live.size && list.items.every((es) => ready(es)?.status === "True");
  };
  const dir = mkdtempSync(join(tmpdir(), "soak-"));
  const op = await startOperatorProcess({ kubeconfig: loadBench().kubeconfigPath, logFile: join(dir, "operator.log"), repo: new URL("../../", import.meta.url).pathname, receivers: false, extraArgs: ["--namespace", ns, "--min-refresh-interval", "0"] });
  const samples: SoakSample[] = [];
  const started = Date.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const text = await op.metrics();
      let rss = 0;
      try {
        rss = ownRss(op.pid).rss / MiB;
      } catch {
        rss = 0; // the process is gone: the figures say so
      }
      samples.push({
        atSeconds: (Date.now() - started) / 1000,
        rssMiB: rss,
        heapMiB: sumSeries(text, "nodejs_heap_size_used_bytes") / MiB,
        eventLoopP99Ms: sumSeries(text, "nodejs_eventloop_lag_p99_seconds") * 1000,
        queueDepth: sumSeries(text, "secretsbridge_workqueue_depth", { controller: "externalsecret" }),
      });
      await sleep(10_000);
    }
  })();
  try {
    await waitFor("all Ready", async () => ((await everyReady()) ? true : undefined), 600_000);
    log(`soak: ${live.size} ExternalSecrets Ready; churning for ${opts.minutes} min`);
    const until = started + opts.minutes * 60_000;
    let step = 0;
    while (Date.now() < until) {
      step++;
      for (let i = 0; i < 3; i++) {
        await create();
        churn.created++;
      }
      for (let i = 0; i < 3 && live.size > 0; i++) {
        const name = pick();
        await k.delete("ExternalSecret", ns, name);
        live.delete(name);
        deleted.add(name);
        churn.deleted++;
      }
      for (let i = 0; i < 3 && live.size > 0; i++) {
        const name = pick();
        // A spec change (the interval) and a metadata change (force-sync): both resync.
        await k.patch("ExternalSecret", ns, name, { metadata: { annotations: { "soak/step": String(step) } }, spec: { refreshInterval: `${opts.intervalSeconds + (step % 2)}s` } });
        churn.updated++;
      }
      if (step % (opts.rotateEvery ?? 30) === 0) {
        round++;
        await k.patch("SecretStore", ns, "fake", { spec: storeSpec() });
        churn.rotations++;
      } else if (step % (opts.storeChangeEvery ?? 45) === 0) {
        extraKeys = (extraKeys + 1) % 3;
        await k.patch("SecretStore", ns, "fake", { spec: storeSpec() });
        churn.storeChanges++;
      }
      if (step % 30 === 0) log(`soak: ${Math.round((Date.now() - started) / 60_000)} min, ${live.size} live, ${JSON.stringify(churn)}, last sample ${JSON.stringify(samples.at(-1))}`);
      await sleep(opts.churnEverySeconds * 1000);
    }
    const stale = async () => {
      let missing = 0;
      for (const [name, key] of live) if (decoded(await k.secret(ns, name))["v"] !== `r${round}-${key}`) missing++;
      return missing;
    };
    await waitFor("converged after the churn", async () => ((await stale()) === 0 && (await everyReady()) ? true : undefined), 300_000).catch(() => undefined);
    const notConverged = await stale();
    let leftBehind = 0;
    await waitFor("deleted ExternalSecrets' Secrets collected", async () => {
      leftBehind = 0;
      for (const name of deleted) if (await k.secret(ns, name)) leftBehind++;
      return leftBehind === 0 ? true : undefined;
    }, 120_000).catch(() => undefined);
    sampling = false;
    await sampler;
    const operatorAlive = await fetch(op.metricsUrl!.replace("/metrics", "/readyz")).then((r) => r.ok, () => false);
    // Slopes after a warm-up (the first fifth: caches filling, JIT, the first rounds of everything).
    const steady = samples.filter((s) => s.atSeconds >= (opts.minutes * 60) / 5 && s.rssMiB > 0);
    const perHour = (field: (s: SoakSample) => number) => slope(steady.map((s) => [s.atSeconds / 3600, field(s)]));
    const stats = (field: (s: SoakSample) => number) => ({ start: field(steady[0] ?? samples[0]!), end: field(samples.at(-1)!), max: Math.max(...samples.map(field)), slopePerHour: perHour(field) });
    return {
      externalSecrets: opts.externalSecrets,
      minutes: opts.minutes,
      seed: opts.seed,
      churn,
      samples: samples.length,
      rssMiB: stats((s) => s.rssMiB),
      heapMiB: stats((s) => s.heapMiB),
      eventLoopP99Ms: { median: median(samples.map((s) => s.eventLoopP99Ms)), max: Math.max(...samples.map((s) => s.eventLoopP99Ms)) },
      queueDepthMax: Math.max(...samples.map((s) => s.queueDepth)),
      notConverged,
      leftBehind,
      operatorAlive,
    };
  } finally {
    sampling = false;
    await sampler.catch(() => undefined);
    await op.stop();
  }
}
