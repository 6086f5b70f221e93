// Test-side access to the bench that test/integration/global-setup.ts started: its record, an
// admin client, fresh namespaces, apiserver restarts and the apiserver's own request counters.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import type { RequestOptions } from "node:https";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { KubeConfig as OperatorKubeConfig } from "../../src/kube/http/index.ts";
import { PooledKubeConfig } from "./pooled-kube-config.ts";
import { restartApiserver, restartEtcd } from "../bench/kube-bench.ts";
import type { KubeBench } from "../bench/kube-bench.ts";

/** Where global-setup records running benches: one file per test runner, see benchStatePath. */
export const BENCH_STATE_DIR = fileURLToPath(new URL("../../.bench/", import.meta.url));

/**
 * The record of the bench that the test runner `runnerPid` started. A file, not an env var: a
 * restart in one test file (a child process) must be visible to the next and to globalTeardown.
 * Keyed by the runner's pid so concurrent runs in one checkout each find their own bench.
 */
export function benchStatePath(runnerPid: number): string {
  return join(BENCH_STATE_DIR, `state-${runnerPid}.json`);
}

/** Where global-setup records the state of bench peer `name` (see test/bench/peers.ts). */
export function peerStatePath(runnerPid: number, name: string): string {
  return join(BENCH_STATE_DIR, `peer-${runnerPid}-${name}.json`);
}

/** The state a bench peer's `start` returned, for the running test run. */
export function peerState<T>(name: string): T {
  for (const pid of [process.ppid, process.pid]) {
    const path = peerStatePath(pid, name);
    if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as T;
  }
  throw new Error(`bench peer ${name} is not running: run the tests via \`npm test\` (after \`npm run bench:setup\`)`);
}

/** Writes the record atomically so a concurrent reader never sees half a file. */
export function saveBench(path: string, b: KubeBench): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(b, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Reads a record; throws (ENOENT or a JSON error) when there is none. */
export function readBench(path: string): KubeBench {
  return JSON.parse(readFileSync(path, "utf8")) as KubeBench;
}

// Test files run in child processes of the runner (ppid); with --test-isolation=none, in it (pid).
function currentStatePath(): string {
  for (const pid of [process.ppid, process.pid]) {
    if (existsSync(benchStatePath(pid))) return benchStatePath(pid);
  }
  throw new Error(
    `the bench is not running (no ${benchStatePath(process.ppid)}): run integration tests via \`npm test\` ` +
      "(or `node --test --test-global-setup=test/integration/global-setup.ts ...`)",
  );
}

/** The running bench. Throws when there is none: run the tests through `npm test`. */
export function loadBench(): KubeBench {
  return readBench(currentStatePath());
}

/** A client-node KubeConfig for the bench's admin user (system:masters): what tests use for their own calls. */
export function kubeConfig(): KubeConfig {
  const kc = new PooledKubeConfig();
  kc.loadFromFile(loadBench().kubeconfigPath);
  return kc;
}

/** The operator's own (slim) KubeConfig for the bench's admin user: what tests hand to the operator's code. */
export function operatorKubeConfig(): OperatorKubeConfig {
  const kc = new OperatorKubeConfig();
  kc.loadFromFile(loadBench().kubeconfigPath);
  return kc;
}

/**
 * How long to wait for kube-controller-manager to finish a cascade or a namespace deletion. Usually
 * a second or two (a namespace: 5 s more, the namespace controller's fixed delay). Our CRDs are
 * installed before it starts (global-setup.ts), but the garbage collector learns about a CRD
 * installed later only at its 30 s discovery resync and retries owners of that kind with growing
 * backoff: such a cascade took 40 s when measured and can take a minute.
 */
export const CASCADE_TIMEOUT_MS = 90_000;

/**
 * Creates `<prefix>-<random>` and returns its name. Unique names, so no test waits for an earlier
 * run's namespace to finish deleting (the namespace controller takes 5 s at least).
 */
export async function freshNamespace(prefix: string): Promise<string> {
  const base = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50) || "test";
  const name = `${base}-${randomBytes(4).toString("hex")}`;
  const core = kubeConfig().makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { "secrets-bridge.dev/test": "true" } } } });
  return name;
}

/** Restarts the apiserver (etcd and its data stay) and records the new pid for later files and teardown. */
export async function restartApiserverFromTest(): Promise<void> {
  const path = currentStatePath();
  saveBench(path, await restartApiserver(readBench(path)));
}

/** Restarts etcd, down `downSeconds` (the apiserver stays, the data too), and records the new pid for later files and teardown. */
export async function restartEtcdFromTest(downSeconds = 0): Promise<void> {
  const path = currentStatePath();
  saveBench(path, await restartEtcd(readBench(path), downSeconds * 1000));
}

/** Which apiserver_request_total series to sum. Omitted fields match everything. */
export type RequestFilter = {
  /**
   * As the metric spells them: GET, LIST, WATCH, POST (create), PUT (update), PATCH (JSON/merge
   * patch), APPLY (server-side apply), DELETE (also a delete-collection, with scope "namespace").
   */
  verbs?: string[];
  /** Plural resource name, e.g. "configmaps". */
  resource?: string;
  /** API group; "" is the core group. */
  group?: string;
  /** "" counts only the main resource; e.g. "status" only that subresource. */
  subresource?: string;
  /** The HTTP code the apiserver answered, e.g. /^2/ for requests that did something. */
  code?: RegExp;
};

/**
 * Sums `apiserver_request_total` from the apiserver's /metrics over the matching series. Counts
 * everyone's requests, including the apiserver's own (it PUTs a coordination.k8s.io lease every
 * 10 s) and those of other test files' leftovers, so compare deltas on a resource and verb only
 * the code under test uses. The counter is per apiserver process: it restarts at 0 after
 * restartApiserverFromTest().
 */
export async function apiserverRequestCount(filter: RequestFilter): Promise<number> {
  const text = await scrapeMetrics();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const m = /^apiserver_request_total\{(.*)\} (\S+)$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const labels = parseLabels(m[1]);
    if (filter.verbs && !filter.verbs.includes(labels["verb"] ?? "")) continue;
    if (filter.resource !== undefined && labels["resource"] !== filter.resource) continue;
    if (filter.group !== undefined && labels["group"] !== filter.group) continue;
    if (filter.subresource !== undefined && labels["subresource"] !== filter.subresource) continue;
    if (filter.code && !filter.code.test(labels["code"] ?? "")) continue;
    sum += Number(m[2]);
  }
  return sum;
}

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
    if (m[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2].replace(/\\(.)/g, "$1");
  }
  return out;
}

async function scrapeMetrics(): Promise<string> {
  const kc = kubeConfig();
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const url = new URL("/metrics", kc.getCurrentCluster()?.server);
  return new Promise((ok, fail) => {
    const req = request(url, { ...opts, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => (res.statusCode === 200 ? ok(body) : fail(new Error(`GET /metrics: ${res.statusCode} ${body.slice(0, 200)}`))));
    });
    req.on("error", fail);
    req.end();
  });
}
