// The ClusterPushSecret reconcile, in one screen: read -> plan (pure) -> write the PushSecrets that differ ->
// status if changed -> requeue at refreshTime. ESO's behaviour (one PushSecret per selected namespace, owned by the
// ClusterPushSecret so the garbage collector removes them, a foreign PushSecret of that name fails its namespace,
// namespaces leaving the selection and renamed children deleted), without ESO's write on every reconcile: an
// unchanged ClusterPushSecret over unchanged namespaces writes nothing, and an edited child is put back.
import type { Logger } from "pino";
import type { ClusterPushSecret } from "../../api/cluster-push-secret.ts";
import { GROUP } from "../../api/common.ts";
import { PUSH_API_VERSION, PUSH_VERSION, type PushSecret } from "../../api/push-secret.ts";
import type { ReconcileResult } from "../../controller/controller.ts";
import type { KubeClients } from "../../kube/clients.ts";
import type { EventRecorder } from "../../kube/events.ts";
import { applyPlan, Expectations } from "../fan-out/apply.ts";
import { logOutcome, nextStep, publishStatus, type FanOutOwner } from "../fan-out/publish.ts";
import type { NamespaceInfo } from "../fan-out/selection.ts";
import { pushSecretNameOf } from "./children.ts";
import { FOREIGN_PUSH_SECRET, planPushSecrets } from "./plan.ts";
import { cpsStatus } from "./status.ts";

export interface ClusterPushSecretCache {
  clusterPushSecret(name: string): ClusterPushSecret | undefined;
  namespaces(): NamespaceInfo[];
  pushSecret(namespace: string, name: string): PushSecret | undefined;
  /** PushSecrets whose controller ownerReference names this ClusterPushSecret. */
  childrenOf(cpsName: string): PushSecret[];
}

export interface ClusterPushSecretReconcilerDeps {
  clients: KubeClients;
  cache: ClusterPushSecretCache;
  events: EventRecorder;
  log: Logger;
  /** Parallel child writes per reconcile. */
  writeConcurrency?: number;
  /** Manual shards: a ClusterPushSecret whose PushSecrets this replica would not see is refused (see the ClusterExternalSecret's). */
  shard?: { selector: string; admits(labels: Record<string, string> | undefined): boolean };
}

const CHILDREN = { kind: "PushSecret", plural: "pushsecrets", version: PUSH_VERSION };

export function clusterPushSecretReconciler(deps: ClusterPushSecretReconcilerDeps): (key: string) => Promise<ReconcileResult> {
  const { clients, cache } = deps;
  const concurrency = deps.writeConcurrency ?? 16;
  const expectations = new Expectations<PushSecret>((namespace, name) => cache.pushSecret(namespace, name));

  return async (name) => {
    const cps = cache.clusterPushSecret(name);
    // Gone or going: its PushSecrets follow through the garbage collector (ESO adds no finalizer here either).
    if (!cps || cps.metadata.deletionTimestamp) return;
    const log = deps.log.child({ clusterPushSecret: name });
    const owner: FanOutOwner = { apiVersion: PUSH_API_VERSION, kind: "ClusterPushSecret", plural: "clusterpushsecrets", api: { group: GROUP, version: PUSH_VERSION }, name, uid: cps.metadata.uid, status: cps.status };
    const psName = pushSecretNameOf(cps);
    if (deps.shard && !deps.shard.admits(cps.spec.pushSecretMetadata?.labels)) {
      const notInShard = `its PushSecrets would not match this replica's --watch-label-selector ${JSON.stringify(deps.shard.selector)}: put the shard's label in spec.pushSecretMetadata.labels`;
      await publishStatus(deps, owner, cpsStatus({ pushSecretName: psName, provisioned: [], failed: [], notReady: [], notInShard }, cps.status));
      log.warn({ selector: deps.shard.selector }, "ClusterPushSecret refused: its PushSecrets would be outside this shard");
      return;
    }

    const plan = planPushSecrets({ cps, namespaces: cache.namespaces(), existing: (ns, n) => expectations.existing(ns, n), children: cache.childrenOf(name) });
    const outcome = await applyPlan({ clients, resource: CHILDREN, expectations, concurrency }, plan);
    logOutcome(log, "PushSecret", plan, outcome);

    const { failures } = outcome;
    const provisioned = plan.covered.filter((ns) => !failures.has(ns));
    const failed = [...plan.foreign.map((namespace) => ({ namespace, reason: FOREIGN_PUSH_SECRET })), ...[...failures].map(([namespace, reason]) => ({ namespace, reason }))];
    const notReady = provisioned.filter((ns) => cache.pushSecret(ns, psName)?.status?.conditions?.find((c) => c.type === "Ready")?.status === "False");
    await publishStatus(deps, owner, cpsStatus({ pushSecretName: psName, provisioned, failed, notReady }, cps.status));
    return nextStep("PushSecret", outcome, cps.spec.refreshTime);
  };
}
