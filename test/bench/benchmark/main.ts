// `npm run bench`: the scale benchmark on the local bench (real etcd + kube-apiserver, the operator as its own
// process). Prints tables and writes JSON. Options: --sizes 1000,5000,10000 --interval 60 --operator-cmd CMD
// --crds DIR --out FILE --skip W4 --restart-deployments 100 --plot [DIR]. See docs/benchmarks.md for a recorded run.
import { Command } from "commander";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "../../../src/kube/http/index.ts";
import { startKubeBench, stopKubeBench } from "../kube-bench.ts";
import { installCrds, parseManifests } from "../../../src/kube/apply.ts";
import { generateCrdsFor } from "../../../src/crdgen/index.ts";
import { providerSchemas } from "../../../providers/index.ts";
import { ClusterView } from "./cluster.ts";
import { buildOperator, startOperatorProcess, type OperatorProcess } from "./operator-process.ts";
import { awsBackend, fakeBackend, vaultBackend, type Backend } from "./backends.ts";
import { KEYS, cleanup, setupStore, w1BurstCreate, w2SteadyRefresh, w3Rotation, w4UnrelatedSecrets, w5NewDuringRefresh, w7Restart, w9HostileNeighbours, type Context } from "./scenarios.ts";
import { w8ClusterExternalSecret } from "./scenario-ces.ts";
import { w10RolloutRestarts } from "./scenario-restarts.ts";
import { w11WebhookLatency } from "./scenario-receiver.ts";
import { w12PushSecrets } from "./scenario-push.ts";
import { w13Shards } from "./scenario-shards.ts";
import { floorBurst } from "./floor.ts";
import { table, writeJson } from "./report.ts";
import { writeCharts } from "./plot/plot.ts";
import { runFromResults } from "./plot/results.ts";

const REPO = new URL("../../../", import.meta.url).pathname;

const program = new Command("bench")
  .option("--sizes <list>", "ExternalSecret counts for W1-W7", "1000,5000,10000")
  .option("--interval <seconds>", "refreshInterval of the benchmark's ExternalSecrets (W2 measures one)", "60")
  .option("--unrelated <list>", "unrelated Secret counts for W4", "0,10000,50000")
  .option("--skip <list>", "scenarios to skip, e.g. W3,W4,floor (W1 and W2 always run)", "")
  .option("--ces-namespaces <n>", "W8: namespaces one ClusterExternalSecret fans out to (plus 10% labelled later)", "500")
  .option("--restart-deployments <n>", "W10: Deployments (each fed by its own ExternalSecret of one shared key) rolled by one rotation", "100")
  .option("--restart-namespaces <list>", "W10: the layouts, as namespace counts the Deployments are spread over (one run each)", "1,10")
  .option("--restart-settle <seconds>", "W10: how long to keep counting ReplicaSets after every Deployment rolled", "10")
  .option("--push-secrets <n>", "W12: PushSecrets, each pushing one key of its own Secret", "200")
  .option("--shards-size <n>", "W13: ExternalSecrets in the burst the fleets of --shard-fleets take (default: the largest of --sizes)")
  .option("--shard-fleets <list>", "W13: fleet sizes compared, each a run of replicas with --shards auto", "1,3")
  .option("--repeats <k>", "floor + W1 pairs per size, medians reported (the floor alone moves 25-40% between runs on a shared VM); the last W1's ExternalSecrets stay for W2 and on", "1")
  .option("--provider <name>", "where the keys live: fake, aws (the moto peer, counted at its proxy) or vault (the OpenBao peer, counted from its audit log)", "fake")
  .option("--cpu-prof <dir>", "write a V8 CPU profile of each operator process (one file per process) into this directory")
  .option("--source", "run the operator's TypeScript sources (node src/cli.ts) instead of building it as the image ships it (dist/)")
  .option("--operator-cmd <cmd>", "run another operator executable (gets KUBECONFIG and METRICS_ADDR)")
  .option("--operator-args <args>", "extra arguments for our operator, space-separated, e.g. \"--events=warnings\"", "")
  .option("--crds <dir>", "install the CRDs from this directory instead of ours")
  .option("--out <file>", "JSON results", join(REPO, ".bench/benchmark.json"))
  .option("--plot [dir]", "after the run, draw its results as SVG charts into DIR (default: <--out without .json>-charts/); npm run bench:plot draws the recorded ones into docs/charts");
program.parse();
const opts = program.opts<{ repeats: string; source?: boolean; shardsSize?: string; shardFleets: string; cpuProf?: string; plot?: string | boolean; pushSecrets: string; restartDeployments: string; restartNamespaces: string; restartSettle: string; cesNamespaces: string; provider: string; sizes: string; interval: string; unrelated: string; skip: string; operatorCmd?: string; operatorArgs: string; crds?: string; out: string }>();
// "" runs no size (e.g. only W13 with --shards-size).
const sizes = opts.sizes.split(",").filter(Boolean).map(Number);
const skip = new Set(opts.skip.split(",").filter(Boolean));
const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const dir = mkdtempSync(join(tmpdir(), "secrets-bridge-benchmark-"));
log(`starting etcd + kube-apiserver + kube-controller-manager in ${dir}`);
const kube = await startKubeBench({ dir, log });
const kc = new KubeConfig();
kc.loadFromFile(kube.kubeconfigPath);
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  operator: opts.operatorCmd ?? `secrets-bridge (node ${opts.source ? "src/cli.ts" : "dist/src/cli.js"} run${opts.operatorArgs ? ` ${opts.operatorArgs}` : ""})`,
  intervalSeconds: Number(opts.interval),
  sizes: {} as Record<string, unknown>,
};
let operator: OperatorProcess | undefined;
let backend: Backend | undefined;
const cluster = new ClusterView(kc);
try {
  const crds = opts.crds
    ? readdirSync(opts.crds).filter((f) => f.endsWith(".yaml")).flatMap((f) => parseManifests(readFileSync(join(opts.crds!, f), "utf8"))).filter((o) => o.kind === "CustomResourceDefinition")
    : generateCrdsFor(providerSchemas()).map((file) => parseManifests(file.yaml)[0]!);
  await installCrds(kc, crds);
  await cluster.start();
  backend =
    opts.provider === "aws" ? await awsBackend(KEYS, kube, cluster, dir)
    : opts.provider === "vault" ? await vaultBackend(KEYS, kube, cluster, dir)
    : fakeBackend(KEYS);
  results.provider = backend.name;
  // Ours runs as the image ships it (compiled JavaScript) unless --source asks for the TypeScript sources.
  const entry = opts.operatorCmd || opts.source ? undefined : buildOperator(REPO);
  const startOperator = (extraArgs: string[] = [], receivers = true) =>
    startOperatorProcess({ kubeconfig: kube.kubeconfigPath, logFile: join(dir, "operator.log"), command: opts.operatorCmd, repo: REPO, receivers, ...(entry ? { entry } : {}), extraArgs: [...opts.operatorArgs.split(" ").filter(Boolean), ...extraArgs], ...(opts.cpuProf ? { nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProf}`] } : {}) });
  operator = await startOperator();
  const ctx: Context = {
    cluster,
    backend,
    operator: () => operator!,
    restartOperator: async () => {
      await operator!.stop();
      operator = await startOperator();
    },
    intervalSeconds: Number(opts.interval),
    log,
  };
  await setupStore(ctx, (key) => `value-${key}`);
  // First, on a cluster with no ExternalSecret: the idle cycle's provider reads are then the PushSecrets' own.
  if (!skip.has("W12")) {
    log(`W12 ${opts.pushSecrets} PushSecrets: creation, one idle cycle, ${10} sources changed`);
    results.W12 = await w12PushSecrets(ctx, Number(opts.pushSecrets));
  }
  for (const n of sizes) {
    const prefix = `bench-${n}`;
    const row: Record<string, unknown> = {};
    // The floor first, with the operator stopped: the same burst's writes alone (floor.ts). Not for another
    // implementation (--operator-cmd): its floor is the same, run ours. With --repeats, floor and W1 alternate
    // and the medians are reported; earlier W1s are cleaned up and the operator restarted (a fresh process each).
    const repeats = Math.max(1, Number(opts.repeats));
    const pairs: Array<{ floorSeconds?: number; allReadySeconds: number; floorRatio?: number }> = [];
    for (let r = 0; r < repeats; r++) {
      const last = r === repeats - 1;
      const floor = !skip.has("floor") && !opts.operatorCmd ? await (async () => {
        log(`floor: the writes of a ${n} burst, no operator${repeats > 1 ? ` (${r + 1}/${repeats})` : ""}`);
        await operator!.stop();
        const result = await floorBurst(ctx, r === 0 ? `floor-${n}` : `floor-${n}-r${r}`, n);
        operator = await startOperator();
        return result;
      })() : undefined;
      if (floor) row.floor = floor;
      const burstPrefix = last ? prefix : `${prefix}-r${r}`;
      log(`W1 burst create: ${n} ExternalSecrets${repeats > 1 ? ` (${r + 1}/${repeats})` : ""}`);
      const w1 = (await w1BurstCreate(ctx, burstPrefix, n)) as Awaited<ReturnType<typeof w1BurstCreate>> & { floorRatio?: number };
      if (floor) w1.floorRatio = Math.round((w1.allReadySeconds / floor.floorSeconds) * 100) / 100;
      pairs.push({ floorSeconds: floor?.floorSeconds, allReadySeconds: w1.allReadySeconds, floorRatio: w1.floorRatio });
      row.W1 = w1;
      if (!last) {
        await cleanup(ctx, burstPrefix);
        // The next pair starts on a quiet apiserver: the garbage collector and the namespace's leftovers settle
        // first (a pair started in their wake measured 3x the apiserver latency and a 9.5 s W1 for a 3.5 s one).
        await settleWrites(ctx);
        await ctx.restartOperator();
      }
    }
    if (repeats > 1) {
      const median = (values: Array<number | undefined>) => {
        const sorted = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
        return sorted.length === 0 ? undefined : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
      };
      Object.assign(row.W1 as Record<string, unknown>, {
        medianAllReadySeconds: median(pairs.map((p) => p.allReadySeconds)),
        medianFloorSeconds: median(pairs.map((p) => p.floorSeconds)),
        medianFloorRatio: median(pairs.map((p) => p.floorRatio)),
      });
      row.repeats = pairs;
    }
    log(`W2 steady refresh: one ${opts.interval}s cycle`);
    row.W2 = await w2SteadyRefresh(ctx);
    if (!skip.has("W5")) {
      log("W5 100 new ExternalSecrets during refreshes");
      row.W5 = await w5NewDuringRefresh(ctx, prefix, n);
    }
    if (!skip.has("W9")) {
      log("W9 100 new ExternalSecrets next to 11 hostile ones");
      row.W9 = await w9HostileNeighbours(ctx, prefix, n);
    }
    if (!skip.has("W3")) {
      log("W3 rotation of a key 1% read");
      row.W3 = await w3Rotation(ctx, prefix, n);
      if (backend.name === "fake") await setupStore(ctx, (key) => `value-${key}`);
    }
    if (!skip.has("W7")) {
      log("W7 restart");
      row.W7 = await w7Restart(ctx);
    }
    (results.sizes as Record<string, unknown>)[n] = row;
    if (!skip.has("W4") && n === sizes[sizes.length - 1]) {
      log("W4 unrelated Secrets");
      results.W4 = await w4UnrelatedSecrets(ctx, opts.unrelated.split(",").map(Number));
    }
    log(`cleaning up ${n}`);
    await cleanup(ctx, prefix);
    // A clean slate for the next size: a new operator process (memory) after the deletes.
    await ctx.restartOperator();
  }
  if (!skip.has("W13") && !opts.operatorCmd) {
    // The single operator steps aside while the fleets run (its own replica would be a fourth worker).
    await operator!.stop();
    const shardsSize = Number(opts.shardsSize ?? sizes[sizes.length - 1] ?? 1000);
    const fleets = opts.shardFleets.split(",").map(Number);
    results.W13 = await w13Shards(ctx, shardsSize, fleets, (fleet) => startOperator(["--shards=auto", "--leader-election-namespace=default", `--leader-election-id=${fleet}`], false));
    operator = await startOperator();
  }
  if (!skip.has("W10")) {
    const deployments = Number(opts.restartDeployments);
    const rows: Array<Record<string, unknown>> = [];
    for (const namespaces of opts.restartNamespaces.split(",").map(Number)) {
      log(`W10 rotation of a key read by ${deployments} ExternalSecrets feeding ${deployments} Deployments, over ${namespaces} namespaces`);
      rows.push(await w10RolloutRestarts(ctx, { deployments, namespaces, settleSeconds: Number(opts.restartSettle), key: 0 }));
      if (backend.name === "fake") await setupStore(ctx, (key) => `value-${key}`);
    }
    results.W10 = rows;
  }
  if (!skip.has("W11")) {
    log("W11 webhook-to-Secret latency (RefreshReceiver)");
    results.W11 = await w11WebhookLatency(ctx);
  }
  if (!skip.has("W8")) {
    const fanOut = Number(opts.cesNamespaces);
    log(`W8 one ClusterExternalSecret over ${fanOut} namespaces`);
    results.W8 = await w8ClusterExternalSecret(ctx, fanOut, Math.ceil(fanOut / 10));
  }
} finally {
  await operator?.stop();
  await backend?.stop();
  await cluster.stop();
  await stopKubeBench(kube);
}

/** Waits until the apiserver took no write for 3 s (at most a minute). */
async function settleWrites(ctx: Context): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = await ctx.cluster.apiserverWrites();
  let quietSince = Date.now();
  while (Date.now() < deadline && Date.now() - quietSince < 3000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await ctx.cluster.apiserverWrites();
    if (now !== last) quietSince = Date.now();
    last = now;
  }
}

const sizeRows = (name: string) => Object.entries(results.sizes as Record<string, Record<string, Record<string, unknown>>>).filter(([, row]) => row[name]).map(([n, row]) => ({ N: Number(n), ...row[name] }));
console.log(`\nsecrets-bridge benchmark, ${results.date}, ${(results.machine as { cpus: number }).cpus} cores, operator: ${results.operator}, provider: ${results.provider}\n`);
console.log(table("floor: the writes of a W1 burst (N Secret creates + N status patches, 8 workers) with no operator", sizeRows("floor")));
console.log(table("W1 burst create (N ExternalSecrets over 100 keys in 50 namespaces; floorRatio = allReadySeconds / floor, goal <= 1.25)", sizeRows("W1")));
console.log(table(`W2 steady refresh, one ${opts.interval}s cycle with no change`, sizeRows("W2")));
console.log(table("W3 rotation of one key read by 1% of the ExternalSecrets", sizeRows("W3")));
console.log(table("W5 100 new ExternalSecrets while the others refresh", sizeRows("W5")));
console.log(table("W9 W5 with 11 hostile ExternalSecrets retrying (goal: W5's numbers)", sizeRows("W9")));
console.log(table("W7 restart with current ExternalSecrets: the first 15 s and the first refresh cycle", sizeRows("W7")));
if (results.W8) console.log(table(`W8 one ClusterExternalSecret over ${KEYS} keys fanned out to namespaces, then 10% more labelled while it runs`, [results.W8 as Record<string, unknown>]));
if (results.W10) console.log(table("W10 rollout restarts: one key read by every ExternalSecret rotated, each Secret feeding its own Deployment (goal: exactly 1 restart each)", results.W10 as Array<Record<string, unknown>>));
if (results.W11) console.log(table(`W11 webhook-to-Secret latency: a rotation at the provider, then a RefreshReceiver call naming the key (ExternalSecrets on a ${opts.interval}s interval)`, [results.W11 as Record<string, unknown>]));
if (results.W12) console.log(table(`W12 PushSecrets: creation, one ${opts.interval}s idle cycle (goal: 0 writes on both sides), 10 sources changed (goal: 10 writes, at once)`, [results.W12 as Record<string, unknown>]));
if (results.W13) {
  const rows = (results.W13 as Array<Record<string, unknown> & { perReplica: Array<Record<string, number>> }>).map(({ perReplica, ...row }) => ({
    ...row,
    shares: perReplica.map((p) => p.share).join("/"),
    cpuSecondsPerCycle: perReplica.map((p) => p.cpuSecondsPerCycle).join("/"),
    rssMiB: perReplica.map((p) => p.rssMiB).join("/"),
    heapUsedMiB: perReplica.map((p) => p.heapUsedMiB).join("/"),
  }));
  console.log(table(`W13 --shards auto, 1 vs 3 replicas: a burst, then one ${opts.interval}s idle cycle (goal: provider calls = distinct keys, 0 writes); per replica: share, CPU s per cycle, RSS`, rows));
}
if (results.W4) console.log(table("W4 operator RSS with unrelated Secrets in the cluster", results.W4 as Array<Record<string, unknown>>));
mkdirSync(join(opts.out, ".."), { recursive: true });
writeJson(opts.out, results);
console.log(`results written to ${opts.out}`);
if (opts.plot) {
  // By default next to --out and named after it: docs/charts holds several runs side by side (npm run bench:plot),
  // which a one-provider run recorded into docs/ must not replace. The JSON round trip draws exactly what was written.
  const chartDir = typeof opts.plot === "string" ? opts.plot : `${opts.out.replace(/\.json$/, "")}-charts`;
  for (const path of writeCharts([runFromResults(JSON.parse(JSON.stringify(results)), opts.out)], chartDir)) console.log(`chart written to ${path}`);
}
