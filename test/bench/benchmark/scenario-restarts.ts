// W10 (issue 19): one remote key read by N ExternalSecrets, each of whose Secrets feeds its own Deployment (env
// secretKeyRef) named in its spec.target.rolloutRestartTargets. The key is rotated; measured: how long until every
// Deployment has rolled (a second ReplicaSet), and how many times each one rolled (goal: exactly once). The restart
// budget is per namespace, so the layout matters: all N in one namespace wait for one budget (10 at once, then
// 1/s by default: ~N-10 seconds), N/10 namespaces of 10 each roll within the burst.
import { AppsV1Api } from "../../../src/kube/http/index.ts";
import { GROUP, VERSION } from "../../../src/api/common.ts";
import { inBatches, WRITE_VERBS } from "./cluster.ts";
import { sumSeries } from "./prom.ts";
import { RolloutView } from "./rollouts.ts";
import { percentile, setupStore, type Context } from "./scenarios.ts";

const LABEL = "bench.secrets-bridge.io/w10";
const STORE = "bench";
/** Longer than the restarter's 1 s debounce: a restart caused by creation would have shown by then. */
const QUIET_BEFORE_ROTATION_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RestartOptions {
  deployments: number;
  namespaces: number;
  /** How long to keep watching after every Deployment rolled: a second restart would show here. */
  settleSeconds: number;
  /** The remote key (of the benchmark's KEYS) every ExternalSecret reads. */
  key: number;
}

/** Polls `check` every 250 ms, calling `sample` each time; false when `timeoutMs` passed first. */
async function pollUntil(check: () => boolean, timeoutMs: number, sample: () => Promise<void> = async () => {}): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sample();
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

/**
 * The deployment and ReplicaSet controllers' writes so far (ReplicaSets and Pods: the operator writes neither), from
 * the apiserver's counters. Their rate during a rollout shows whether kube-controller-manager's own client budget
 * (--kube-api-qps, 20/s by default) is what paces it.
 */
async function controllerWrites(ctx: Context): Promise<number> {
  const body: unknown = await ctx.cluster.kc.transport().request({ method: "GET", path: "/metrics" });
  return sumSeries(String(body), "apiserver_request_total", { verb: WRITE_VERBS, resource: /^(replicasets|pods)$/ });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const seconds = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? "n/a" : ms / 1000);

export async function w10RolloutRestarts(ctx: Context, opts: RestartOptions) {
  const { deployments, namespaces, settleSeconds, key } = opts;
  const prefix = `w10-ns${namespaces}`;
  const nsOf = (i: number) => `${prefix}-${i % namespaces}`;
  const names = range(namespaces).map((j) => `${prefix}-${j}`);
  const workloads = range(deployments).map((i) => `${nsOf(i)}/app-${i}`);
  const apps = ctx.cluster.kc.makeApiClient(AppsV1Api);
  const view = new RolloutView(ctx.cluster.kc, `${LABEL}=${prefix}`);
  await view.start();
  try {
    await inBatches(names, 8, (name) => ctx.cluster.core.createNamespace({ body: { metadata: { name } } }));
    // The label goes on the pod template too: the deployment controller copies it to the ReplicaSets it makes.
    await inBatches(range(deployments), 16, (i) =>
      apps.createNamespacedDeployment({
        namespace: nsOf(i),
        body: {
          metadata: { name: `app-${i}`, labels: { [LABEL]: prefix } },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: `app-${i}` } },
            template: {
              metadata: { labels: { app: `app-${i}`, [LABEL]: prefix } },
              spec: { containers: [{ name: "app", image: "registry.invalid/app:1", env: [{ name: "V", valueFrom: { secretKeyRef: { name: `app-${i}`, key: "v" } } }] }] },
            },
          },
        },
      }),
    );
    await inBatches(range(deployments), 16, (i) =>
      ctx.cluster.custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: nsOf(i),
        plural: "externalsecrets",
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: "ExternalSecret",
          metadata: { name: `app-${i}`, namespace: nsOf(i) },
          spec: {
            refreshInterval: `${ctx.intervalSeconds}s`,
            secretStoreRef: { name: STORE, kind: "ClusterSecretStore" },
            target: { rolloutRestartTargets: [{ kind: "Deployment", name: `app-${i}` }] },
            data: [{ secretKey: "v", remoteRef: { key: `key-${key}` } }],
          },
        },
      }),
    );
    const ready = await pollUntil(() => workloads.every((w) => ctx.cluster.readyAt.has(w) && view.replicaSets(w) >= 1), 10 * 60_000);
    if (!ready) throw new Error("W10: timed out waiting for every ExternalSecret Ready and every Deployment's first ReplicaSet");
    // Creating a Secret must roll nothing: anything past one ReplicaSet now is a restart without a rotation.
    await sleep(QUIET_BEFORE_ROTATION_MS);
    const rolledBeforeRotation = workloads.filter((w) => view.replicaSets(w) !== 1).length;

    const ours = new RegExp(`^${prefix}-`);
    const metrics0 = await ctx.operator().metrics();
    const results0 = (result: string) => sumSeries(metrics0, "secretsbridge_rollout_restarts_total", { namespace: ours, result });
    const hashesBefore = new Map(workloads.map((w) => [w, ctx.cluster.secretChangedAt.get(w)?.hash]));
    let maxQueued = 0;
    const sampleQueued = async () => {
      const text = await ctx.operator().metrics();
      maxQueued = Math.max(maxQueued, sumSeries(text, "secretsbridge_rollout_restarts_queued"));
    };

    const controllerWrites0 = await controllerWrites(ctx);
    const t0 = Date.now();
    const value = `rotated-w10-${t0}`;
    if (await ctx.backend.rotate(key, value)) await setupStore(ctx, (k) => (k === key ? value : `value-${k}`));
    // Generous: the provider change may only be seen at the next refresh, then the budget paces the restarts.
    const perNamespace = Math.ceil(deployments / namespaces);
    const allRolled = await pollUntil(() => workloads.every((w) => view.replicaSets(w) >= 2), (ctx.intervalSeconds + 120 + 2 * perNamespace) * 1000, sampleQueued);
    const rolledAt = workloads.map((w) => (view.replicaSetSeenAt(w, 2) ?? Number.NaN) - t0);
    const rolloutWrites = (await controllerWrites(ctx)) - controllerWrites0;
    const rolloutSeconds = (Date.now() - t0) / 1000;
    const patchedAt = workloads.map((w) => (view.patchedAt(w, t0) ?? Number.NaN) - t0);
    const secretAt = workloads.map((w) => {
      const seen = ctx.cluster.secretChangedAt.get(w);
      return seen && seen.hash !== hashesBefore.get(w) ? seen.at - t0 : Number.NaN;
    });
    // Keep watching: a late second restart of any Deployment would show up as a third ReplicaSet.
    await pollUntil(() => false, settleSeconds * 1000, sampleQueued);

    const restarts = workloads.map((w) => view.replicaSets(w) - 1);
    const metrics1 = await ctx.operator().metrics();
    const delta = (result: string) => sumSeries(metrics1, "secretsbridge_rollout_restarts_total", { namespace: ours, result }) - results0(result);
    const hasMetrics = metrics1.length > 0;
    return {
      layout: `${namespaces} ns x ${perNamespace}`,
      deployments,
      rolledBeforeRotation,
      allSecretsUpdatedSeconds: seconds(Math.max(...secretAt)),
      allPatchedSeconds: seconds(Math.max(...patchedAt)),
      firstRolledSeconds: seconds(Math.min(...rolledAt)),
      rolledP50Seconds: seconds(percentile(rolledAt.filter(Number.isFinite), 50)),
      allRolledSeconds: allRolled ? seconds(Math.max(...rolledAt)) : "timeout",
      controllerWritesPerSecond: rolloutWrites / rolloutSeconds,
      notRolled: restarts.filter((n) => n < 1).length,
      restartsMin: Math.min(...restarts),
      restartsMax: Math.max(...restarts),
      // Different hashes a pod template carried: more than one means the operator computed two hashes for one rotation.
      hashesMax: Math.max(...workloads.map((w) => view.hashes(w))),
      restartedMetric: hasMetrics ? delta("restarted") : "n/a",
      otherResultsMetric: hasMetrics ? delta("unchanged") + delta("missing") + delta("failed") : "n/a",
      maxQueued: hasMetrics ? maxQueued : "n/a",
    };
  } finally {
    await view.stop();
    await deleteNamespaces(ctx, names);
  }
}

/**
 * Deletes the ExternalSecrets, then the namespaces, and waits until they are gone, so the next layout does not run
 * beside their clean-up. ExternalSecrets first: the namespace controller may delete a Secret before its
 * ExternalSecret, which the operator then re-creates into a terminating namespace (refused, retried, logged).
 */
async function deleteNamespaces(ctx: Context, names: string[]): Promise<void> {
  await inBatches(names, 8, (namespace) => ctx.cluster.custom.deleteCollectionNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "externalsecrets" }));
  await inBatches(names, 8, (name) => ctx.cluster.core.deleteNamespace({ name }).catch(() => undefined));
  const gone = new Set<string>();
  const deadline = Date.now() + 5 * 60_000;
  while (gone.size < names.length && Date.now() < deadline) {
    for (const name of names.filter((n) => !gone.has(n))) {
      await ctx.cluster.core.readNamespace({ name }).catch(() => gone.add(name));
    }
    if (gone.size < names.length) await sleep(1000);
  }
  if (gone.size < names.length) ctx.log(`W10: ${names.length - gone.size} namespaces still terminating after 5 min`);
}
