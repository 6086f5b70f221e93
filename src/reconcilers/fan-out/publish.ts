// The end of a fan-out reconcile: the owner's status written only when it changed, one Warning when Ready turns
// False (or changes its reason), never one per reconcile; then the retry or the next refreshTime.
import type { Logger } from "pino";
import { intervalMs } from "../../api/defaults.ts";
import type { ReconcileResult } from "../../controller/controller.ts";
import type { KubeClients } from "../../kube/clients.ts";
import type { EventRecorder } from "../../kube/events.ts";
import { semanticEqual } from "../../kube/semantic-equal.ts";
import { patchStatus } from "../../kube/status.ts";
import type { ApplyOutcome } from "./apply.ts";
import { namedList, statusPatch, type FanOutCondition } from "./status.ts";

/** The retry after a conflict (a stale cache, or a child created meanwhile): soon, without backoff or a failure. */
const CONFLICT_RETRY_MS = 1_000;

export interface FanOutOwner {
  apiVersion: string;
  kind: string;
  /** The owner's plural and API version, for its status subresource. */
  plural: string;
  api: { group: string; version: string };
  name: string;
  uid?: string | undefined;
  status?: { conditions?: FanOutCondition[] | undefined } | undefined;
}

type StatusWithReady = { conditions?: FanOutCondition[] | undefined; failedNamespaces?: Array<{ namespace: string }> | undefined };

/** Writes `next` if it differs from the owner's status; a Warning Event on a transition to Ready=False. */
export async function publishStatus(deps: { clients: KubeClients; events: EventRecorder }, owner: FanOutOwner, next: StatusWithReady): Promise<void> {
  if (semanticEqual(next, owner.status ?? {})) return;
  await patchStatus(deps.clients, { plural: owner.plural, api: owner.api, name: owner.name }, statusPatch(next, owner.status));
  const ready = next.conditions?.find((c) => c.type === "Ready");
  const before = owner.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status === "False" && (before?.status !== "False" || before.reason !== ready.reason)) {
    const failed = next.failedNamespaces ?? [];
    const detail = failed.length > 0 ? `: ${namedList(failed.map((f) => f.namespace))}` : "";
    await deps.events.warning({ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid }, ready.reason ?? "NotReady", `${ready.message ?? ""}${detail}`);
  }
}

/** Logs what was written and what failed, once per reconcile that wrote something. */
export function logOutcome(log: Logger, childKind: string, plan: { create: unknown[]; update: unknown[]; remove: unknown[] }, outcome: ApplyOutcome): void {
  const { failures, conflicted } = outcome;
  if (plan.create.length + plan.update.length + plan.remove.length > 0) {
    log.info({ created: plan.create.length, updated: plan.update.length, deleted: plan.remove.length, failed: failures.size, conflicted }, `${childKind}s written`);
  }
  const [firstFailed] = failures;
  if (firstFailed) log.warn({ failed: failures.size, namespace: firstFailed[0], reason: firstFailed[1] }, `${childKind}s could not be written in some namespaces`);
}

/** Transient failures throw (backoff); a conflict looks again soon; otherwise the next refreshTime. */
export function nextStep(childKind: string, outcome: ApplyOutcome, refreshTime: string | undefined): ReconcileResult {
  if (outcome.retry) throw new Error(`${childKind}s could not be written in ${outcome.failures.size} namespaces; retrying`);
  if (outcome.conflicted) return { requeueAfterMs: CONFLICT_RETRY_MS };
  const every = intervalMs(refreshTime);
  return every > 0 ? { requeueAfterMs: every } : undefined;
}
