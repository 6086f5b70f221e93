// Records core/v1 Events on our objects. Messages are built by callers from safe text (names, reasons).
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { KubeClients } from "./clients.ts";
import { kubeErrorSummary } from "./errors.ts";

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

export function eventRecorder(clients: KubeClients, log: Logger, component = "secrets-bridge"): EventRecorder {
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
      log.warn({ kind: target.kind, name: target.name, namespace: target.namespace, reason, error: kubeErrorSummary(err) }, "recording an event failed");
    }
  };
  return {
    normal: (target, reason, message) => record(target, "Normal", reason, message),
    warning: (target, reason, message) => record(target, "Warning", reason, message),
  };
}
