#!/usr/bin/env node
// The `secrets-bridge` command: thin; each subcommand lives in its own module.
import { Command, InvalidArgumentError, Option } from "commander";
import { builtinProviders, providerSchemas } from "../providers/index.ts";
import { runOperator } from "./main.ts";
import { genCrdsCommand } from "./commands/gen-crds.ts";
import { parseDuration } from "./api/duration.ts";
import { DEFAULT_NORMAL_EVENTS } from "./kube/events.ts";
import { DEFAULT_ISOLATION } from "./isolation/index.ts";
import { DEFAULT_STORE_RATE_LIMIT } from "./provider/limits.ts";
import { DEFAULT_MIN_REFRESH_INTERVAL_MS } from "./api/refresh-floor.ts";
import { formatDuration } from "./api/duration.ts";
import { DEFAULT_RESTART_BUDGET } from "./reconcilers/rollout-restart/restarter.ts";
import { LabelSelectorError, parseLabelSelector } from "./kube/label-selector-string.ts";

/** A selector Kubernetes would refuse fails the command line, before anything starts. */
function labelSelectorArgument(value: string): string {
  try {
    parseLabelSelector(value);
    return value;
  } catch (err) {
    if (err instanceof LabelSelectorError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}
import { DEFAULT_RECEIVER_RATE_LIMIT } from "./operator/refresh-receivers.ts";

const program = new Command("secrets-bridge").description("Bridges external secret stores into Kubernetes Secrets (ESO's external-secrets.io/v1 API).");

program
  .command("run")
  .description("Run the operator against the cluster of a kubeconfig, or in-cluster.")
  .option("--kubeconfig <path>", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)")
  .option("--namespace <ns,...>", "watch only these namespaces (comma-separated)")
  .option("--concurrent <n>", "parallel ExternalSecret reconciles", (v) => Number(v), 8)
  .option("--http-address <addr>", "address of /healthz, /readyz and /metrics", ":8080")
  .addOption(new Option("--metrics-auth <mode>", "who may read /metrics: kubernetes (a bearer token whose user may get /metrics: TokenReview + SubjectAccessReview) or none").choices(["kubernetes", "none"]).default("none"))
  .option("--metrics-bind-address <addr>", "serve /metrics on this address only (e.g. 127.0.0.1:8081) instead of --http-address")
  .addOption(new Option("--leader-elect [bool]", "leader election on a Lease (default: on in-cluster)").argParser((v) => v !== "false"))
  .option("--leader-election-namespace <ns>", "namespace of the Lease (default: the pod's)")
  .option("--leader-election-id <name>", "name of the Lease", "secrets-bridge-leader")
  .option("--leader-election-lease-duration <duration>", "Lease duration", "15s")
  .option("--leader-election-renew-deadline <duration>", "give up leading when renewals fail this long", "10s")
  .option("--leader-election-retry-period <duration>", "how often to renew or try to acquire", "2s")
  .option("--log-level <level>", "trace, debug, info, warn, error", process.env.LOG_LEVEL ?? "info")
  .option("--fetch-cache-ttl <duration>", "longest time a provider read is shared between ExternalSecrets (0 disables)", "10s")
  .option("--fetch-cache-max-bytes <n>", "memory bound of the shared read cache", (v) => Number(v), 64 * 1024 * 1024)
  .option("--store-requests-per-second <n>", "default request budget per store session (0: none; a store's spec.rateLimit wins)", (v) => Number(v), DEFAULT_STORE_RATE_LIMIT.requestsPerSecond)
  .option("--store-requests-burst <n>", "burst of that budget", (v) => Number(v), DEFAULT_STORE_RATE_LIMIT.burst)
  .option("--min-refresh-interval <duration>", "floor under ExternalSecret and store refresh intervals; shorter ones are raised to it (0 disables; an ExternalSecret's 0, sync once, stays)", formatDuration(DEFAULT_MIN_REFRESH_INTERVAL_MS))
  .option("--unsafe-allow-generic-targets", "let ExternalSecrets render into ConfigMaps and custom resources (target.manifest) of the kinds RBAC grants the operator; their content is not encrypted at rest", false)
  .addOption(
    new Option("--rollout-restarts <mode>", "restart the workloads an ExternalSecret names in spec.target.rolloutRestartTargets when its Secret's data changes (needs patch on deployments, statefulsets, daemonsets)")
      .choices(["on", "off"])
      .default("on"),
  )
  .addOption(
    new Option("--reloader-annotations <mode>", "with --rollout-restarts=on, also restart workloads by their Stakater Reloader annotations (secret.reloader.stakater.com/reload|auto, reloader.stakater.com/auto) for Secrets this operator writes; needs list on the three kinds. Turn off while Reloader itself still runs")
      .choices(["on", "off"])
      .default("on"),
  )
  .option("--rollout-restarts-per-second <n>", "restart budget per namespace; restarts over it wait", (v) => Number(v), DEFAULT_RESTART_BUDGET.perSecond)
  .option("--rollout-restarts-burst <n>", "burst of that budget", (v) => Number(v), DEFAULT_RESTART_BUDGET.burst)
  .option("--watch-label-selector <selector>", "manual shards: work only the ExternalSecrets, ClusterExternalSecrets, PushSecrets, ClusterPushSecrets and stores with these labels (e.g. sharding.secrets-bridge.dev/key=shard1, or '!sharding.secrets-bridge.dev/key' for the rest); give each shard its own --leader-election-id", labelSelectorArgument)
  .addOption(
    new Option("--shards <mode>", "auto: every replica works, each the share of ExternalSecrets (by the key they read), stores and PushSecrets rendezvous hashing gives it among the live replicas, handed over through member Leases (named after --leader-election-id, with its durations) instead of one leader; off: one leader works everything")
      .choices(["off", "auto"])
      .default("off"),
  )
  .option("--receiver-bind-address <addr>", "serve RefreshReceiver webhooks on this address (e.g. :9292); empty: receivers off (the default)", "")
  .option("--receiver-requests-per-second <n>", "verified calls per second each RefreshReceiver may make; over it callers get 429", (v) => Number(v), DEFAULT_RECEIVER_RATE_LIMIT.requestsPerSecond)
  .option("--receiver-requests-burst <n>", "burst of that budget", (v) => Number(v), DEFAULT_RECEIVER_RATE_LIMIT.burst)
  .option("--allow-ambient-credentials-for-namespaced-stores", "let namespaced SecretStores use the operator's own identity (its ServiceAccount token, AWS/GCP default credentials); ClusterSecretStores always may", false)
  .addOption(new Option("--events <mode>", "Events to write: all (Normal ones within the budget below, Warnings always) or warnings").choices(["all", "warnings"]).default("all"))
  .option("--normal-events-per-second <n>", "budget of Normal Events (Created/Updated/Deleted); over it they are dropped and counted", (v) => Number(v), DEFAULT_NORMAL_EVENTS.perSecond)
  .option("--normal-events-burst <n>", "burst of that budget", (v) => Number(v), DEFAULT_NORMAL_EVENTS.burst)
  .option("--isolation-workers <n>", "worker threads that run templates and parse SOPS files (one more serves repeat offenders)", (v) => Number(v), DEFAULT_ISOLATION.workers)
  .option("--isolation-timeout <duration>", "longest a template or SOPS file may take in a worker before the worker is stopped", `${DEFAULT_ISOLATION.timeoutMs / 1000}s`)
  .option("--isolation-heap-mb <n>", "V8 heap limit of each isolation worker, in MiB", (v) => Number(v), DEFAULT_ISOLATION.heapMb)
  .addOption(
    new Option("--service-account-token-requests [bool]", "mint ServiceAccount tokens for provider auth (serviceAccountRef); false when the platform grants no serviceaccounts/token create")
      .argParser((v) => v !== "false")
      .default(true),
  )
  .addOption(
    new Option(
      "--enable-cluster-external-secret-reconciler [bool]",
      "run the ClusterExternalSecret controller (ESO's flag). Default: on, but off with --namespace; turned on with --namespace it provisions only into those namespaces (enable it in one such installation only)",
    ).argParser((v) => v !== "false"),
  )
  .addOption(new Option("--enable-push-secret-reconciler [bool]", "run the PushSecret controller (ESO's flag); false when RBAC does not grant pushsecrets").argParser((v) => v !== "false").default(true))
  .addOption(
    new Option(
      "--enable-cluster-push-secret-reconciler [bool]",
      "run the ClusterPushSecret controller (ESO's flag). Default: on, but off with --namespace; turned on with --namespace it provisions only into those namespaces (enable it in one such installation only)",
    ).argParser((v) => v !== "false"),
  )
  .addOption(
    new Option("--enable-generator-state [bool]", "keep what stateful generators make (Vault leases and tokens) in GeneratorStates and revoke it once replaced (ESO's flag); false when RBAC does not grant generatorstates")
      .argParser((v) => v !== "false")
      .default(true),
  )
  .option("--generator-gc-grace-period <duration>", "how long a replaced generator state (and the credential it names) lives on after a newer one is written (ESO's flag)", "2m")
  .addOption(new Option("--in-cluster-root <dir>", "prefix of the service-account files (tests)").default("").hideHelp())
  .action(async (opts) => {
    await runOperator(
      {
        kubeconfig: opts.kubeconfig,
        namespace: opts.namespace,
        workers: opts.concurrent,
        httpAddress: opts.httpAddress,
        metricsAuth: opts.metricsAuth,
        metricsBindAddress: opts.metricsBindAddress,
        leaderElect: opts.leaderElect,
        leaderElectionNamespace: opts.leaderElectionNamespace,
        leaderElectionId: opts.leaderElectionId,
        leaseDurationMs: parseDuration(opts.leaderElectionLeaseDuration),
        renewDeadlineMs: parseDuration(opts.leaderElectionRenewDeadline),
        retryPeriodMs: parseDuration(opts.leaderElectionRetryPeriod),
        logLevel: opts.logLevel,
        fetchCacheTtlMs: parseDuration(opts.fetchCacheTtl),
        fetchCacheMaxBytes: opts.fetchCacheMaxBytes,
        storeRequestsPerSecond: opts.storeRequestsPerSecond,
        storeRequestsBurst: opts.storeRequestsBurst,
        minRefreshIntervalMs: parseDuration(opts.minRefreshInterval),
        allowAmbientCredentialsForNamespacedStores: opts.allowAmbientCredentialsForNamespacedStores === true,
        allowGenericTargets: opts.unsafeAllowGenericTargets === true,
        rolloutRestarts: {
          enabled: opts.rolloutRestarts === "on",
          reloaderAnnotations: opts.reloaderAnnotations === "on",
          budget: { perSecond: opts.rolloutRestartsPerSecond, burst: opts.rolloutRestartsBurst },
        },
        normalEvents: { mode: opts.events, perSecond: opts.normalEventsPerSecond, burst: opts.normalEventsBurst },
        serviceAccountTokenRequests: opts.serviceAccountTokenRequests,
        clusterExternalSecrets: opts.enableClusterExternalSecretReconciler,
        pushSecrets: opts.enablePushSecretReconciler,
        clusterPushSecrets: opts.enableClusterPushSecretReconciler,
        generatorStates: opts.enableGeneratorState ? { gracePeriodMs: parseDuration(opts.generatorGcGracePeriod) } : false,
        ...(opts.watchLabelSelector ? { watchLabelSelector: opts.watchLabelSelector } : {}),
        shards: opts.shards,
        receiverBindAddress: opts.receiverBindAddress,
        receiverRateLimit: { requestsPerSecond: opts.receiverRequestsPerSecond, burst: opts.receiverRequestsBurst },
        inClusterRoot: opts.inClusterRoot,
        isolation: { workers: opts.isolationWorkers, timeoutMs: parseDuration(opts.isolationTimeout), heapMb: opts.isolationHeapMb },
      },
      builtinProviders,
    );
  });

program
  .command("gen-crds")
  .description("Write the CustomResourceDefinitions generated from the API schemas.")
  .option("--out <dir...>", "directories to write", ["crds"])
  .option("--check <dir...>", "only check that these directories are up to date; exit 1 if not")
  .action((opts) => {
    process.exitCode = genCrdsCommand(opts, providerSchemas());
  });

program
  .command("demo")
  .description("Start a local control plane (etcd, kube-apiserver, kube-controller-manager), the operator and the examples; Ctrl-C stops.")
  .option("--dir <dir>", "where the demo keeps its state", ".bench/demo")
  .option("--exit-when-ready", "exit once every ExternalSecret is Ready (for scripted checks)")
  .action(async (opts) => {
    // The demo needs the bench (test/bench), which only a checkout has: load it by a computed path so the
    // compiled package (and the container image) neither bundles nor requires it.
    const demoModule = "./commands/demo.ts";
    const { runDemo } = (await import(demoModule).catch(() => {
      throw new Error("the demo runs from a source checkout: `npm ci && npm run demo`");
    })) as { runDemo: (opts: { dir: string; exitWhenReady?: boolean }) => Promise<void> };
    await runDemo(opts);
  });

const collect = (value: string, previous: string[] = []) => [...previous, value];
// render and diff run in CI pods on pull requests: the pod's own ServiceAccount token must never reach a store
// a PR names, even with --allow-live-stores. Vault's Kubernetes auth without refs reads it from this file
// (providers/vault/auth.ts); point it at a path that cannot exist unless the user chose a file themselves.
const keepPodIdentityOut = () => {
  process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"] ??= "/dev/null/render-and-diff-never-read-the-pod-token";
};
const renderOptions = (cmd: Command) =>
  cmd
    .option("--name <name>", "only the ExternalSecret with this name")
    .option("--namespace <ns>", "namespace for objects without one", "default")
    .option("--kubeconfig <path>", "read stores, Secrets and ConfigMaps missing from the files from this cluster, with your credentials (never the in-cluster account)")
    .option("--secret <NAME=KEY=FILE>", "supply a Secret key a store references from a local file (repeatable), e.g. a SOPS age key", collect)
    .option("--allow-live-stores", "also open stores that connect to a service (Vault, AWS, GCP, SOPS from Git) with the credentials they name or ambient ones; never on untrusted manifests")
    .option("--show-values", "print the values (default: masked)")
    .option("--log-level <level>", "provider logs on stderr", "warn");

renderOptions(program.command("render").argument("<paths...>", "manifest files or directories").description("Render the Secrets that the ExternalSecrets under PATHS would produce, and what the PushSecrets would push where (values masked)."))
  .action(async (paths: string[], opts) => {
    keepPodIdentityOut();
    const { renderCommand } = await import("./commands/render.ts");
    process.exitCode = await renderCommand(paths, builtinProviders, opts, (s) => console.log(s), (s) => console.error(s));
  });

renderOptions(program.command("diff").argument("<paths...>", "manifest files or directories").description("Compare the rendered Secrets with the ones in the cluster (values masked); exit 1 on differences."))
  .action(async (paths: string[], opts) => {
    keepPodIdentityOut();
    const { diffCommand } = await import("./commands/diff.ts");
    process.exitCode = await diffCommand(paths, builtinProviders, { ...opts, kubeconfig: opts.kubeconfig ?? process.env.KUBECONFIG }, (s) => console.log(s), (s) => console.error(s));
  });

program
  .command("validate")
  .argument("<paths...>", "manifest files or directories")
  .description("Check ExternalSecret and store manifests offline: schema, CEL rules, templates, references; exit 1 on errors.")
  .option("--allow-missing-stores", "stores not in PATHS are warnings (stores managed elsewhere)")
  .action(async (paths: string[], opts) => {
    const { validateCommand } = await import("./commands/validate.ts");
    const { servedGenerators } = await import("./generators/index.ts");
    process.exitCode = validateCommand(paths, providerSchemas(), { allowMissingStores: opts.allowMissingStores, generators: servedGenerators(builtinProviders) }, (s) => console.log(s));
  });

await program.parseAsync(process.argv);
