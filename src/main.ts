// The daemon: kube config, providers, operator, HTTP endpoints, and a graceful drain on SIGTERM/SIGINT.
import type { Provider } from "./provider/types.ts";
import { loadInCluster, loadKubeConfig } from "./kube/clients.ts";
import { makeLogger } from "./log.ts";
import { makeMetrics } from "./metrics.ts";
import { startHttpServer } from "./http-server.ts";
import { accessReviewer } from "./kube/access-review.ts";
import { kubernetesMetricsAuth } from "./metrics-auth.ts";
import { startOperator } from "./operator/operator.ts";
import { existsSync, readFileSync } from "node:fs";
import type { NormalEventPolicy } from "./kube/events.ts";
import { configureIsolation, stopIsolation, type IsolationSettings } from "./isolation/index.ts";
import type { RestartBudget } from "./reconcilers/rollout-restart/restarter.ts";

export interface RunOptions {
  kubeconfig?: string;
  namespace?: string;
  workers: number;
  httpAddress: string;
  /** "kubernetes": /metrics needs a bearer token whose user may `get` /metrics (TokenReview + SubjectAccessReview). */
  metricsAuth: "kubernetes" | "none";
  /** Serve /metrics on this address instead of httpAddress (e.g. 127.0.0.1:8081); "" or absent: on httpAddress. */
  metricsBindAddress?: string | undefined;
  leaderElect: boolean | undefined;
  leaderElectionNamespace?: string;
  leaderElectionId: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  logLevel: string;
  fetchCacheTtlMs: number;
  fetchCacheMaxBytes: number;
  /** Default request budget of a store session (0: none); a store's spec.rateLimit wins. */
  storeRequestsPerSecond: number;
  storeRequestsBurst: number;
  /** Floor under refresh intervals (0: none). */
  minRefreshIntervalMs: number;
  normalEvents: NormalEventPolicy;
  /** SecretStores may use the operator's own identity (its ServiceAccount token, cloud default credentials). */
  allowAmbientCredentialsForNamespacedStores: boolean;
  /** --unsafe-allow-generic-targets: target.manifest is served. */
  allowGenericTargets?: boolean;
  /** --rollout-restarts and its per-namespace budget. */
  rolloutRestarts?: { enabled: boolean; reloaderAnnotations: boolean; budget: RestartBudget };
  /** Manual shards (--watch-label-selector). */
  watchLabelSelector?: string;
  /** --shards: "auto" splits the work across every replica (member Leases replace leader election). */
  shards?: "off" | "auto";
  /** Limits of the worker threads that run templates and parse SOPS files. */
  isolation: Omit<IsolationSettings, "onWorkerLost">;
  /** false: no TokenRequests (the platform withholds `serviceaccounts/token create`). */
  serviceAccountTokenRequests: boolean;
  /** Run the ClusterExternalSecret controller (default: unless `namespace` restricts the operator). */
  clusterExternalSecrets?: boolean | undefined;
  /** Run the PushSecret controller (default: on). */
  pushSecrets?: boolean | undefined;
  /** Run the ClusterPushSecret controller (default: unless `namespace` restricts the operator). */
  clusterPushSecrets?: boolean | undefined;
  /** --enable-generator-state / --generator-gc-grace-period; false: off. */
  generatorStates?: { gracePeriodMs: number } | false;
  /** RefreshReceivers' webhook listener (--receiver-bind-address; "" or absent: receivers off) and each receiver's call budget. */
  receiverBindAddress?: string | undefined;
  receiverRateLimit?: { requestsPerSecond: number; burst: number } | undefined;
  /** Root under which the in-cluster service-account files live ("" in a pod; a directory in tests). */
  inClusterRoot: string;
}

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The Pod this process runs in, from the downward API (the chart sets POD_NAME and POD_NAMESPACE with receivers on). */
function ownPodFromEnv(): { namespace: string; name: string } | undefined {
  const name = process.env["POD_NAME"];
  const namespace = process.env["POD_NAMESPACE"];
  return name && namespace ? { name, namespace } : undefined;
}

export async function runOperator(options: RunOptions, providers: ReadonlyArray<Provider<any>>): Promise<void> {
  const log = makeLogger({ level: options.logLevel });
  const namespaceFile = `${options.inClusterRoot}${SA_DIR}/namespace`;
  const inCluster = !options.kubeconfig && !process.env.KUBECONFIG && existsSync(namespaceFile);
  const kc = inCluster ? loadInCluster(options.inClusterRoot) : loadKubeConfig(options.kubeconfig);
  // Leader election is on by default in a cluster (several replicas), off by default elsewhere.
  const autoShards = options.shards === "auto";
  if (autoShards && options.leaderElect === true) throw new Error("--shards auto replaces leader election: drop --leader-elect");
  const leaderElect = !autoShards && (options.leaderElect ?? inCluster);
  const leNamespace = options.leaderElectionNamespace ?? (inCluster ? readFileSync(namespaceFile, "utf8").trim() : "default");
  const metrics = makeMetrics();
  configureIsolation({
    ...options.isolation,
    onWorkerLost: (why, lane) => {
      metrics.isolationWorkersLost.inc({ why, lane });
      log.warn({ why, lane }, "isolation worker stopped (a template or SOPS file hit a limit)");
    },
  });
  let operatorReady = () => false;
  const endpoints = {
    ready: () => operatorReady(),
    registry: metrics.registry,
    metricsAuth: options.metricsAuth === "kubernetes" ? kubernetesMetricsAuth(accessReviewer(kc), { log }) : undefined,
  };
  const servers = options.metricsBindAddress
    ? [await startHttpServer(options.httpAddress, endpoints, { health: true, metrics: false }), await startHttpServer(options.metricsBindAddress, endpoints, { health: false, metrics: true })]
    : [await startHttpServer(options.httpAddress, endpoints)];
  log.info({ address: options.httpAddress, metricsAddress: options.metricsBindAddress || options.httpAddress, metricsAuth: options.metricsAuth, leaderElect, namespace: options.namespace ?? "(all)", serviceAccountTokenRequests: options.serviceAccountTokenRequests, ambientCredentialsForSecretStores: options.allowAmbientCredentialsForNamespacedStores, genericTargets: options.allowGenericTargets === true, rolloutRestarts: options.rolloutRestarts?.enabled ?? true, reloaderAnnotations: options.rolloutRestarts?.reloaderAnnotations ?? true, watchLabelSelector: options.watchLabelSelector ?? "(none)", shards: options.shards ?? "off", lease: leaderElect || autoShards ? `${leNamespace}/${options.leaderElectionId}` : "(none)", receiverAddress: options.receiverBindAddress || "(off)" }, "starting");

  const operator = await startOperator({
    kc,
    log,
    providers,
    metrics,
    workers: options.workers,
    fetchCache: { ttlMs: options.fetchCacheTtlMs, maxBytes: options.fetchCacheMaxBytes },
    normalEvents: options.normalEvents,
    serviceAccountTokenRequests: options.serviceAccountTokenRequests,
    ...(options.storeRequestsPerSecond > 0 ? { defaultRateLimit: { requestsPerSecond: options.storeRequestsPerSecond, burst: options.storeRequestsBurst } } : {}),
    minRefreshIntervalMs: options.minRefreshIntervalMs,
    allowAmbientCredentialsForNamespacedStores: options.allowAmbientCredentialsForNamespacedStores,
    allowGenericTargets: options.allowGenericTargets,
    rolloutRestarts: options.rolloutRestarts,
    namespace: options.namespace,
    clusterExternalSecrets: options.clusterExternalSecrets,
    pushSecrets: options.pushSecrets,
    clusterPushSecrets: options.clusterPushSecrets,
    generatorStates: options.generatorStates === false ? false : { ...options.generatorStates, keyNamespace: leNamespace },
    ...(options.watchLabelSelector ? { watchLabelSelector: options.watchLabelSelector } : {}),
    receivers: options.receiverBindAddress ? { address: options.receiverBindAddress, rateLimit: options.receiverRateLimit, ownPod: ownPodFromEnv() } : undefined,
    ...(autoShards
      ? { autoShards: { namespace: leNamespace, fleet: options.leaderElectionId, leaseDurationMs: options.leaseDurationMs, renewDeadlineMs: options.renewDeadlineMs, retryPeriodMs: options.retryPeriodMs } }
      : {}),
    leaderElection: leaderElect
      ? { namespace: leNamespace, name: options.leaderElectionId, leaseDurationMs: options.leaseDurationMs, renewDeadlineMs: options.renewDeadlineMs, retryPeriodMs: options.retryPeriodMs }
      : false,
    onLostLeadership: () => {
      process.exitCode = 1;
      void shutdown("lost leadership");
    },
  });
  operatorReady = operator.ready;

  let stopping = false;
  async function shutdown(why: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info({ why }, "shutting down");
    await operator.stop();
    await stopIsolation();
    for (const server of servers) server.close();
  }
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}
