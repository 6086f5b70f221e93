// The ClusterExternalSecret reconcile, in one screen: read -> plan (pure) -> write the children that differ ->
// status if changed -> requeue at refreshTime. An unchanged ClusterExternalSecret over unchanged namespaces
// writes nothing. Children are owned by the ClusterExternalSecret (controller ownerReference), so deleting it
// removes them, and their Secrets, through the garbage collector. The fan-out machinery is shared with
// ClusterPushSecret (../fan-out/).
import pLimit from "p-limit";
import type { Logger } from "pino";
import type { ClusterExternalSecret } from "../../api/cluster-external-secret.ts";
import { API_VERSION, GROUP, VERSION } from "../../api/common.ts";
import type { ExternalSecret } from "../../api/external-secret.ts";
import type { ReconcileResult } from "../../controller/controller.ts";
import type { KubeClients } from "../../kube/clients.ts";
import type { EventRecorder } from "../../kube/events.ts";
import { applyPlan, Expectations } from "../fan-out/apply.ts";
import { logOutcome, nextStep, publishStatus, type FanOutOwner } from "../fan-out/publish.ts";
import type { NamespaceInfo } from "../fan-out/selection.ts";
import { deleteChild } from "../fan-out/writes.ts";
import { childName } from "./children.ts";
import { ESO_CES_FINALIZER, esoNamespaceFinalizer } from "./eso-finalizers.ts";
import { FOREIGN_CHILD, planChildren } from "./plan.ts";
import { cesStatus } from "./status.ts";
import { removeCesFinalizer, removeNamespaceFinalizer } from "./writes.ts";

export interface ClusterExternalSecretCache {
  clusterExternalSecret(name: string): ClusterExternalSecret | undefined;
  namespaces(): NamespaceInfo[];
  externalSecret(namespace: string, name: string): ExternalSecret | undefined;
  /** ExternalSecrets whose controller ownerReference names this ClusterExternalSecret. */
  childrenOf(cesName: string): ExternalSecret[];
}

export interface ClusterExternalSecretReconcilerDeps {
  clients: KubeClients;
  cache: ClusterExternalSecretCache;
  events: EventRecorder;
  log: Logger;
  /** Parallel child writes per reconcile: a fan-out over hundreds of namespaces should not be serial round trips. */
  writeConcurrency?: number;
  /**
   * Manual shards (--watch-label-selector): whether children with these labels would be seen by this replica.
   * A ClusterExternalSecret whose children would not is refused: this replica would never see them and create
   * them again and again, and another shard would sync them.
   */
  shard?: { selector: string; admits(labels: Record<string, string> | undefined): boolean };
}

const CHILDREN = { kind: "ExternalSecret", plural: "externalsecrets", version: VERSION };

export function clusterExternalSecretReconciler(deps: ClusterExternalSecretReconcilerDeps): (key: string) => Promise<ReconcileResult> {
  const { clients, cache } = deps;
  const concurrency = deps.writeConcurrency ?? 16;
  const expectations = new Expectations<ExternalSecret>((namespace, esName) => cache.externalSecret(namespace, esName));

  const releaseNamespaces = async (cesName: string, namespaces: NamespaceInfo[]) => {
    const finalizer = esoNamespaceFinalizer(cesName);
    const limit = pLimit(concurrency);
    await Promise.all(namespaces.filter((ns) => ns.finalizers?.includes(finalizer)).map((ns) => limit(() => removeNamespaceFinalizer(clients, ns.name, ns.finalizers ?? [], finalizer))));
  };

  return async (name) => {
    const ces = cache.clusterExternalSecret(name);
    const log = deps.log.child({ clusterExternalSecret: name });
    if (!ces) {
      // Gone: our children go with it (garbage collector). Only ESO's leftover namespace finalizers need us.
      await releaseNamespaces(name, cache.namespaces());
      return;
    }
    if (ces.metadata.deletionTimestamp) {
      // Held by ESO's finalizer (made by ESO before a swap): do its cleanup, then let the object go.
      if (!ces.metadata.finalizers?.includes(ESO_CES_FINALIZER)) return;
      const limit = pLimit(concurrency);
      await Promise.all(cache.childrenOf(name).map((child) => limit(() => deleteChild(clients, CHILDREN, child))));
      await releaseNamespaces(name, cache.namespaces());
      await removeCesFinalizer(clients, name, ces.metadata.finalizers, ESO_CES_FINALIZER);
      log.info("ESO's finalizer removed after cleaning up its ExternalSecrets");
      return;
    }

    const owner: FanOutOwner = { apiVersion: API_VERSION, kind: "ClusterExternalSecret", plural: "clusterexternalsecrets", api: { group: GROUP, version: VERSION }, name, uid: ces.metadata.uid, status: ces.status };
    const esName = childName(ces);
    if (deps.shard && !deps.shard.admits(ces.spec.externalSecretMetadata?.labels)) {
      const notInShard = `its ExternalSecrets would not match this replica's --watch-label-selector ${JSON.stringify(deps.shard.selector)}: put the shard's label in spec.externalSecretMetadata.labels`;
      await publishStatus(deps, owner, cesStatus({ externalSecretName: esName, provisioned: [], failed: [], notReady: [], notInShard }, ces.status));
      log.warn({ selector: deps.shard.selector }, "ClusterExternalSecret refused: its ExternalSecrets would be outside this shard");
      return;
    }
    const namespaces = cache.namespaces();
    const plan = planChildren({ ces, namespaces, existing: (ns, n) => expectations.existing(ns, n), children: cache.childrenOf(name) });
    const byNamespace = new Map(namespaces.map((ns) => [ns.name, ns]));
    const finalizer = esoNamespaceFinalizer(name);
    const outcome = await applyPlan(
      { clients, resource: CHILDREN, expectations, concurrency },
      plan,
      plan.releaseFinalizer.map((ns) => ({
        namespace: ns,
        failure: `could not remove ESO's finalizer ${finalizer}`,
        write: () => removeNamespaceFinalizer(clients, ns, byNamespace.get(ns)?.finalizers ?? [], finalizer),
      })),
    );
    logOutcome(log, "ExternalSecret", plan, outcome);

    const { failures } = outcome;
    const provisioned = plan.covered.filter((ns) => !failures.has(ns));
    const failed = [...plan.foreign.map((namespace) => ({ namespace, reason: FOREIGN_CHILD })), ...[...failures].map(([namespace, reason]) => ({ namespace, reason }))];
    const notReady = provisioned.filter((ns) => cache.externalSecret(ns, esName)?.status?.conditions?.find((c) => c.type === "Ready")?.status === "False");
    await publishStatus(deps, owner, cesStatus({ externalSecretName: esName, provisioned, failed, notReady }, ces.status));
    return nextStep("ExternalSecret", outcome, ces.spec.refreshTime);
  };
}
