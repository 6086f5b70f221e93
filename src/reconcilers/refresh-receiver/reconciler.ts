// RefreshReceiver reconcile: read the token Secret -> register the receiver at its webhook path (or stop serving
// it) -> status (webhookPath, Ready, observedGeneration) if changed -> look again later. The token Secret is not
// watched (the operator watches only Secrets it manages), so a rotated token is picked up on the next look.
import type { Logger } from "pino";
import { RECEIVER_API_VERSION, RECEIVER_GROUP, RECEIVER_VERSION, type RefreshReceiver, type RefreshReceiverStatus } from "../../api/refresh-receiver.ts";
import type { ReconcileResult } from "../../controller/controller.ts";
import type { EventRecorder } from "../../kube/events.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { patchStatus } from "../../kube/status.ts";
import type { ReceiverRegistry } from "../../receiver/registry.ts";
import { webhookPath } from "../../receiver/webhook-path.ts";
import { findCondition, readyCondition, statusEqual, withCondition } from "../external-secret/conditions.ts";
import { readReceiverToken } from "./token.ts";

/** How often the token Secret is read again (token rotation, a Secret created after the receiver). */
export const TOKEN_RECHECK_MS = 60_000;

export interface RefreshReceiverReconcilerDeps {
  clients: KubeClients;
  receiver: (namespace: string, name: string) => RefreshReceiver | undefined;
  registry: ReceiverRegistry;
  events: EventRecorder;
  log: Logger;
  now?: () => Date;
  /**
   * Sharded (--shards auto), every replica serves every receiver (the Service spreads calls over all of them) but
   * only the one whose slot holds the receiver writes its status and events. Default: this replica writes them.
   */
  writesStatus?: (key: string) => boolean;
}

export function refreshReceiverReconciler(deps: RefreshReceiverReconcilerDeps): (key: string) => Promise<ReconcileResult> {
  const now = deps.now ?? (() => new Date());
  return async (key) => {
    const [namespace, name] = key.split("/") as [string, string];
    const receiver = deps.receiver(namespace, name);
    if (!receiver || receiver.metadata.deletionTimestamp) {
      deps.registry.remove(key);
      return;
    }
    // status.calls belongs to the replicas sharing webhook calls (receiver/shared-calls.ts): never written from here.
    const { calls: _shared, ...observed } = receiver.status ?? {};
    const previous = findCondition(observed.conditions, "Ready");
    const writes = deps.writesStatus?.(key) ?? true;
    const read = await readReceiverToken(deps.clients, namespace, receiver.spec.secretRef.name);
    let status: RefreshReceiverStatus;
    if ("token" in read) {
      const path = webhookPath(read.token, name, namespace);
      deps.registry.set(path, { key, namespace, name, type: receiver.spec.type, token: read.token, events: receiver.spec.events ?? [], resources: receiver.spec.resources });
      status = {
        ...observed,
        webhookPath: path,
        observedGeneration: receiver.metadata.generation,
        conditions: withCondition(observed.conditions, readyCondition("True", "Succeeded", `Receiver initialized for path: ${path}`, previous, now())),
      };
    } else {
      deps.registry.remove(key);
      const { webhookPath: _gone, ...rest } = observed;
      status = {
        ...rest,
        observedGeneration: receiver.metadata.generation,
        conditions: withCondition(observed.conditions, readyCondition("False", read.reason, read.problem, previous, now())),
      };
      if (writes && (previous?.status !== "False" || previous.message !== read.problem)) {
        await deps.events.warning({ apiVersion: RECEIVER_API_VERSION, kind: "RefreshReceiver", name, namespace, uid: receiver.metadata.uid }, read.reason, read.problem);
        deps.log.warn({ receiver: key, reason: read.reason }, "receiver not served");
      }
    }
    if (writes && !statusEqual(status, observed)) {
      // A merge patch keeps what it leaves out: a path no longer served is removed explicitly (null).
      const patch = status.webhookPath === undefined && observed.webhookPath !== undefined ? { ...status, webhookPath: null } : status;
      await patchStatus(deps.clients, { plural: "refreshreceivers", namespace, name, api: { group: RECEIVER_GROUP, version: RECEIVER_VERSION } }, patch);
    }
    return { requeueAfterMs: TOKEN_RECHECK_MS };
  };
}
