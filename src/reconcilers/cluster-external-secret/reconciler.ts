// The ClusterExternalSecret reconcile, in one screen: read -> plan (pure) -> write the children that differ ->
// status if changed -> requeue at refreshTime. An unchanged ClusterExternalSecret over unchanged namespaces
// writes nothing. Children are owned by the ClusterExternalSecret (controller ownerReference), so deleting it
// removes them, and their Secrets, through the garbage collector.
import pLimit from "p-limit";
import type { Logger } from "pino";
import type { ClusterExternalSecret, ClusterExternalSecretStatus } from "../../api/cluster-external-secret.ts";
import { API_VERSION } from "../../api/common.ts";
import type { ExternalSecret } from "../../api/external-secret.ts";
import { intervalMs } from "../../api/defaults.ts";
import type { ReconcileResult } from "../../controller/controller.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { isConflict, kubeErrorSummary, statusCode } from "../../kube/errors.ts";
import type { EventRecorder } from "../../kube/events.ts";
import { semanticEqual } from "../../kube/semantic-equal.ts";
import { patchStatus } from "../../kube/status.ts";
import { childName } from "./children.ts";
import { ESO_CES_FINALIZER, esoNamespaceFinalizer } from "./eso-finalizers.ts";
import { FOREIGN_CHILD, planChildren } from "./plan.ts";
import type { NamespaceInfo } from "./selection.ts";
import { CesReason, cesStatus, namedList } from "./status.ts";
import { createChild, deleteChild, removeCesFinalizer, removeNamespaceFinalizer, replaceChild } from "./writes.ts";

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

/** Server errors and transport failures go away by themselves; a refused child (422, 403) does not. */
const transient = (err: unknown): boolean => statusCode(err) === undefined || (statusCode(err) ?? 0) >= 500 || statusCode(err) === 429;

/** How long a child we created counts as existing while the watch has not delivered it yet. */
const EXPECTATION_MS = 60_000;
/** The retry after a conflict (a stale cache, or a child created meanwhile): soon, without backoff or a failure. */
const CONFLICT_RETRY_MS = 1_000;

/** A merge patch replaces what it names and keeps what it omits: fields that went away are sent as null. */
function statusPatch(next: ClusterExternalSecretStatus, previous: ClusterExternalSecretStatus | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...next };
  for (const key of Object.keys(previous ?? {})) if (!(key in next)) patch[key] = null;
  return patch;
}

export function clusterExternalSecretReconciler(deps: ClusterExternalSecretReconcilerDeps): (key: string) => Promise<ReconcileResult> {
  const { clients, cache } = deps;
  const concurrency = deps.writeConcurrency ?? 16;
  // Children created but not yet seen by the watch ("ns/name" -> the object and when), so the reconcile that
  // their own add events trigger does not create them a second time (controller-runtime's expectations).
  const expected = new Map<string, { child: ExternalSecret; at: number }>();
  const existing = (namespace: string, name: string): ExternalSecret | undefined => {
    const key = `${namespace}/${name}`;
    const seen = cache.externalSecret(namespace, name);
    const pending = expected.get(key);
    if (seen || (pending && Date.now() - pending.at > EXPECTATION_MS)) expected.delete(key);
    return seen ?? (expected.has(key) ? pending?.child : undefined);
  };

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
      await Promise.all(cache.childrenOf(name).map((child) => limit(() => deleteChild(clients, child))));
      await releaseNamespaces(name, cache.namespaces());
      await removeCesFinalizer(clients, name, ces.metadata.finalizers, ESO_CES_FINALIZER);
      log.info("ESO's finalizer removed after cleaning up its ExternalSecrets");
      return;
    }

    const esName = childName(ces);
    if (deps.shard && !deps.shard.admits(ces.spec.externalSecretMetadata?.labels)) {
      const notInShard = `its ExternalSecrets would not match this replica's --watch-label-selector ${JSON.stringify(deps.shard.selector)}: put the shard's label in spec.externalSecretMetadata.labels`;
      const status = cesStatus({ externalSecretName: esName, provisioned: [], failed: [], notReady: [], notInShard }, ces.status);
      if (!semanticEqual(status, ces.status ?? {})) {
        await patchStatus(clients, { plural: "clusterexternalsecrets", name }, statusPatch(status, ces.status));
        await deps.events.warning({ apiVersion: API_VERSION, kind: "ClusterExternalSecret", name, uid: ces.metadata.uid }, CesReason.NotInShard, notInShard);
      }
      log.warn({ selector: deps.shard.selector }, "ClusterExternalSecret refused: its ExternalSecrets would be outside this shard");
      return;
    }
    const namespaces = cache.namespaces();
    const plan = planChildren({ ces, namespaces, existing, children: cache.childrenOf(name) });
    const failures = new Map<string, string>();
    let retry = false;
    let conflicted = false;
    const limit = pLimit(concurrency);
    const attempt = (namespace: string, failure: string, write: () => Promise<void>) =>
      limit(async () => {
        try {
          await write();
        } catch (err) {
          // A conflict means our cache is behind (or someone wrote meanwhile): look again in a moment; not a failure.
          if (isConflict(err)) conflicted = true;
          else {
            retry ||= transient(err);
            failures.set(namespace, `${failure}: ${kubeErrorSummary(err)}`);
          }
        }
      });
    const byNamespace = new Map(namespaces.map((ns) => [ns.name, ns]));
    await Promise.all([
      ...plan.create.map((child) =>
        attempt(child.metadata.namespace!, "could not create ExternalSecret", async () => {
          await createChild(clients, child);
          expected.set(`${child.metadata.namespace}/${child.metadata.name}`, { child, at: Date.now() });
        }),
      ),
      ...plan.update.map((child) => attempt(child.metadata.namespace!, "could not update ExternalSecret", () => replaceChild(clients, child))),
      ...plan.remove.map((child) => attempt(child.metadata.namespace!, "could not delete ExternalSecret", () => deleteChild(clients, child))),
      ...plan.releaseFinalizer.map((ns) =>
        attempt(ns, `could not remove ESO's finalizer ${esoNamespaceFinalizer(name)}`, () => removeNamespaceFinalizer(clients, ns, byNamespace.get(ns)?.finalizers ?? [], esoNamespaceFinalizer(name))),
      ),
    ]);
    const written = plan.create.length + plan.update.length + plan.remove.length;
    if (written > 0) log.info({ created: plan.create.length, updated: plan.update.length, deleted: plan.remove.length, failed: failures.size, conflicted }, "ExternalSecrets written");
    const [firstFailed] = failures;
    if (firstFailed) log.warn({ failed: failures.size, namespace: firstFailed[0], reason: firstFailed[1] }, "ExternalSecrets could not be written in some namespaces");

    const provisioned = plan.covered.filter((ns) => !failures.has(ns));
    const failed = [...plan.foreign.map((namespace) => ({ namespace, reason: FOREIGN_CHILD })), ...[...failures].map(([namespace, reason]) => ({ namespace, reason }))];
    const notReady = provisioned.filter((ns) => cache.externalSecret(ns, esName)?.status?.conditions?.find((c) => c.type === "Ready")?.status === "False");
    const status = cesStatus({ externalSecretName: esName, provisioned, failed, notReady }, ces.status);
    if (!semanticEqual(status, ces.status ?? {})) {
      await patchStatus(clients, { plural: "clusterexternalsecrets", name }, statusPatch(status, ces.status));
      const ready = status.conditions?.find((c) => c.type === "Ready");
      const before = ces.status?.conditions?.find((c) => c.type === "Ready");
      if (ready?.status === "False" && (before?.status !== "False" || before.reason !== ready.reason)) {
        const target = { apiVersion: API_VERSION, kind: "ClusterExternalSecret", name, uid: ces.metadata.uid };
        const detail = failed.length > 0 ? `: ${namedList(failed.map((f) => f.namespace))}` : "";
        await deps.events.warning(target, ready.reason ?? "NotReady", `${ready.message ?? ""}${detail}`);
      }
    }
    if (retry) throw new Error(`ExternalSecrets could not be written in ${failures.size} namespaces; retrying`);
    if (conflicted) return { requeueAfterMs: CONFLICT_RETRY_MS };
    const every = intervalMs(ces.spec.refreshTime);
    return every > 0 ? { requeueAfterMs: every } : undefined;
  };
}
