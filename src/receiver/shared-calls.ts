// --shards auto: the webhooks Service spreads calls over every replica, while the ExternalSecrets one call refreshes
// are worked by several. The replica that receives a call verifies it and shares it in the receiver's status.calls
// (the last MAX_SHARED_CALLS, newest last); every replica, itself included, acts once on each call it sees there,
// for the ExternalSecrets it works. The status is the channel because every replica already watches RefreshReceivers
// and may patch their status: no peer-to-peer traffic, no extra object, nothing for a tenant to reach.
import { createHash, randomUUID } from "node:crypto";
import { PatchStrategy, setHeaderOptions } from "../kube/http/index.ts";
import { MAX_SHARED_CALLS, RECEIVER_GROUP, RECEIVER_VERSION, type RefreshReceiver, type SharedCall } from "../api/refresh-receiver.ts";
import { statusCode } from "../controller/api-errors.ts";
import type { KubeClients } from "../kube/clients.ts";
import { isNotFound, kubeErrorSummary } from "../kube/errors.ts";

/** What one verified call asks to refresh: unset keys or files mean every key or every file. */
export interface CallScope {
  keys?: string[] | undefined;
  files?: string[] | undefined;
}

/** Lists longer than this are shared as "every one" (a wider refresh, never a narrower one): status stays small. */
export const MAX_SHARED_ENTRIES = 256;
const MAX_ENTRY_LENGTH = 1024;
/** Conflicting writers (calls reaching several replicas at once) retry on a fresh copy this many times. */
const PUBLISH_ATTEMPTS = 5;

const bounded = (list: string[] | undefined): string[] | undefined =>
  list && list.length <= MAX_SHARED_ENTRIES && list.every((entry) => entry.length <= MAX_ENTRY_LENGTH) ? list : undefined;

/** The record of a verified call; the delivery id is kept only as a hash, enough to refuse its replay elsewhere. */
export function sharedCall(scope: CallScope, deliveryId: string | undefined, now: Date): SharedCall {
  const keys = bounded(scope.keys);
  const files = bounded(scope.files);
  return {
    id: randomUUID(),
    at: now.toISOString(),
    ...(deliveryId === undefined ? {} : { delivery: createHash("sha256").update(deliveryId).digest("hex").slice(0, 32) }),
    ...(keys ? { keys } : {}),
    ...(files ? { files } : {}),
  };
}

export const scopeOf = (call: SharedCall): CallScope => ({ keys: call.keys, files: call.files });

export type PublishOutcome = "published" | "replayed" | "gone";

/**
 * Appends `call` to the receiver's status.calls. The patch carries the resourceVersion it read (a precondition),
 * so two replicas publishing at once cannot drop each other's call: the loser reads again and appends to the newer list.
 */
export async function publishCall(clients: KubeClients, target: { namespace: string; name: string }, call: SharedCall, cached: RefreshReceiver | undefined): Promise<PublishOutcome> {
  const api = { group: RECEIVER_GROUP, version: RECEIVER_VERSION, plural: "refreshreceivers", namespace: target.namespace, name: target.name };
  const options = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
  let current = cached;
  for (let attempt = 1; ; attempt++) {
    try {
      current ??= (await clients.custom.getNamespacedCustomObjectStatus(api)) as RefreshReceiver;
      const calls = current.status?.calls ?? [];
      if (call.delivery !== undefined && calls.some((earlier) => earlier.delivery === call.delivery)) return "replayed";
      const body = { metadata: { resourceVersion: current.metadata.resourceVersion }, status: { calls: [...calls, call].slice(-MAX_SHARED_CALLS) } };
      await clients.custom.patchNamespacedCustomObjectStatus({ ...api, body }, options);
      return "published";
    } catch (err) {
      if (isNotFound(err)) return "gone";
      if (statusCode(err) !== 409 || attempt >= PUBLISH_ATTEMPTS) throw new Error(`sharing a webhook call through refreshreceivers ${target.namespace}/${target.name}: ${kubeErrorSummary(err)}`);
      current = undefined;
    }
  }
}

/**
 * Which shared calls each receiver has had acted on here. The first sight of a receiver (this replica starting, the
 * receiver created) only records its calls: they were acted on before, by the replicas working then.
 */
export class SeenCalls {
  readonly #seen = new Map<string, Set<string>>();

  /** The calls of `calls` not seen before for `receiverKey`, oldest first. */
  unseen(receiverKey: string, calls: readonly SharedCall[] | undefined): SharedCall[] {
    const before = this.#seen.get(receiverKey);
    // Only the listed ids are kept: a call that left the list can never come back into it.
    this.#seen.set(receiverKey, new Set((calls ?? []).map((call) => call.id)));
    return before ? (calls ?? []).filter((call) => !before.has(call.id)) : [];
  }

  forget(receiverKey: string): void {
    this.#seen.delete(receiverKey);
  }
}
