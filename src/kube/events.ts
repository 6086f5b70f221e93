// Records core/v1 Events on our objects. Messages are built by callers from safe text (names, reasons).
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { KubeClients } from "./clients.ts";
import { isNamespaceTerminating, kubeErrorSummary } from "./errors.ts";
import { TokenBucket } from "../controller/token-bucket.ts";

export interface EventTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string | undefined;
  uid?: string | undefined;
}

export interface EventRecorder {
  normal(target: EventTarget, reason: string, message: string): Promise<void>;
  warning(target: EventTarget, reason: string, message: string): Promise<void>;
}

/**
 * Which Normal (informational) Events are written. Each Event is an apiserver write and an etcd object
 * for an hour, so Normal Events draw on a token bucket: a developer applying an ExternalSecret sees its
 * `Created` Event, but a burst (thousands created at once, a rotation read by thousands) cannot double
 * the operator's write load; what the budget refuses is dropped and counted, like client-go's recorder
 * drops Events under pressure. Warnings (failures) are never dropped. "warnings" writes no Normal Events.
 */
export interface NormalEventPolicy {
  mode: "all" | "warnings";
  perSecond: number;
  burst: number;
}

export const DEFAULT_NORMAL_EVENTS: NormalEventPolicy = { mode: "all", perSecond: 2, burst: 50 };

export function eventRecorder(
  clients: KubeClients,
  log: Logger,
  opts: { component?: string; normal?: NormalEventPolicy | undefined; onDropped?: (reason: string) => void; now?: () => number } = {},
): EventRecorder {
  const component = opts.component ?? "secrets-bridge";
  const policy = opts.normal ?? DEFAULT_NORMAL_EVENTS;
  const budget = new TokenBucket({ requestsPerSecond: policy.perSecond, burst: policy.burst }, opts.now);
  const record = async (target: EventTarget, type: "Normal" | "Warning", reason: string, message: string) => {
    // Cluster-scoped objects' events go to "default", as client-go's recorder does.
    const namespace = target.namespace ?? "default";
    const now = new Date();
    try {
      await clients.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name: `${target.name}.${randomBytes(8).toString("hex")}`, namespace },
          involvedObject: { apiVersion: target.apiVersion, kind: target.kind, name: target.name, namespace: target.namespace, uid: target.uid },
          type,
          reason,
          message: message.slice(0, 1024),
          source: { component },
          reportingComponent: component,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (err) {
      // A namespace being deleted takes no new Events: expected while its objects go, not worth a warning.
      const level = isNamespaceTerminating(err) ? "debug" : "warn";
      log[level]({ kind: target.kind, name: target.name, namespace: target.namespace, reason, error: kubeErrorSummary(err) }, "recording an event failed");
    }
  };
  return {
    normal: async (target, reason, message) => {
      if (policy.mode === "all" && budget.tryTake()) return record(target, "Normal", reason, message);
      opts.onDropped?.(reason);
    },
    warning: (target, reason, message) => record(target, "Warning", reason, message),
  };
}
