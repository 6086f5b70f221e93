// The GeneratorState controller (ESO's, plus what a tenant namespace needs): a state whose deadline passed is
// deleted; a deleted state's finalizer revokes what it names, with the generator snapshot it holds, but only when
// this installation signed it (src/generators/state/signature.ts). Unsigned or altered states, and ours signed with
// a key since lost, are released without cleanup and a Warning; another installation's are left to it. A state whose ExternalSecret is gone is retired
// like a replaced one (the cluster's garbage collector would delete it too, through its ownerReference).
import type { Logger } from "pino";
import { GENERATOR_STATE_FINALIZER, INSTALLATION_ANNOTATION, type GeneratorResource, type GeneratorState } from "../../api/generator-state.ts";
import type { Clock } from "../../controller/clock.ts";
import type { ReconcileResult } from "../../controller/controller.ts";
import { errorMessage } from "../../controller/logging.ts";
import type { EventRecorder } from "../../kube/events.ts";
import type { GeneratorStateApi } from "../../kube/generator-states.ts";
import { ProviderUnavailableError, safeMessage } from "../../provider/errors.ts";
import { verify, type StateKey } from "../../generators/state/signature.ts";
import { rfc3339 } from "../../api/rfc3339.ts";

/** Transient cleanup failures are retried (with backoff) this long after the deletion was asked for; then released. */
export const CLEANUP_GIVE_UP_MS = 60 * 60 * 1000;

export interface GeneratorStateReconcilerDeps {
  api: GeneratorStateApi;
  key: StateKey;
  cached(namespace: string, name: string): GeneratorState | undefined;
  /** Runs the generator's cleanup (src/generators/resolve.ts cleanupFromResource, with the operator's env). */
  cleanup(resource: GeneratorResource, state: Record<string, string>, namespace: string): Promise<"cleaned" | "nothing">;
  /** Whether the ExternalSecret the state belongs to still exists (the cache, confirmed live before saying no). */
  ownerExists(state: GeneratorState): Promise<boolean>;
  gracePeriodMs: number;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
}

const timeOf = (value: string | Date | undefined): number | undefined => (value === undefined ? undefined : new Date(value).getTime());

export function generatorStateReconciler(deps: GeneratorStateReconcilerDeps): (key: string) => Promise<ReconcileResult> {
  const release = async (state: GeneratorState, key: string, warning?: { reason: string; message: string }) => {
    await deps.api.release(state);
    if (!warning) return;
    deps.log.warn({ generatorState: key, reason: warning.reason }, warning.message);
    const { name, namespace, uid } = state.metadata;
    await deps.events.warning({ apiVersion: state.apiVersion, kind: "GeneratorState", name, namespace: namespace!, uid }, warning.reason, warning.message);
  };

  const finalize = async (state: GeneratorState, key: string): Promise<ReconcileResult> => {
    const namespace = state.metadata.namespace!;
    const verdict = verify(await deps.key.get(), state);
    if (verdict === "other-key") {
      // Another installation's: left to it. Ours with a key we no longer have (its Secret was deleted and made anew):
      // nobody can verify it any more, and a finalizer nobody removes would block the namespace's deletion.
      if (state.metadata.annotations?.[INSTALLATION_ANNOTATION] !== deps.key.installation) return;
      await release(state, key, { reason: "NotCleanedUp", message: "GeneratorState was signed with a key this operator no longer has (its key Secret was replaced): released without cleanup; what it names is left to expire" });
      return;
    }
    if (verdict === "invalid") {
      await release(state, key, { reason: "NotCleanedUp", message: "GeneratorState was not created by this operator or was changed since: released without cleanup; what it names is left to expire" });
      return;
    }
    try {
      const done = await deps.cleanup(state.spec.resource, state.spec.state ?? {}, namespace);
      deps.log.info({ generatorState: key, generator: state.spec.resource.kind, cleanup: done }, done === "cleaned" ? "generator state cleaned up" : "generator state released; its generator keeps nothing to clean up");
      await release(state, key);
    } catch (err) {
      const message = `cleanup failed: ${safeMessage(err)}`;
      const askedAt = timeOf(state.metadata.deletionTimestamp) ?? deps.clock.now();
      if (err instanceof ProviderUnavailableError && deps.clock.now() - askedAt < CLEANUP_GIVE_UP_MS) {
        deps.log.info({ generatorState: key, error: message }, "generator state cleanup failed; retrying");
        throw new Error(message);
      }
      await release(state, key, { reason: "CleanupFailed", message: `${message}; released, what it names is left to expire` });
    }
  };

  return async (key) => {
    const [namespace, name] = key.split("/") as [string, string];
    const state = deps.cached(namespace, name);
    if (!state) return;
    if (state.metadata.deletionTimestamp) {
      if (!(state.metadata.finalizers ?? []).includes(GENERATOR_STATE_FINALIZER)) return;
      return finalize(state, key);
    }
    const now = deps.clock.now();
    let deadline = timeOf(state.spec?.garbageCollectionDeadline);
    if (deadline === undefined || Number.isNaN(deadline)) {
      if (deadline === undefined && (await deps.ownerExists(state))) return;
      // Gone owner, or a deadline that is not a time: retired as a replaced state would be.
      deadline = now + deps.gracePeriodMs;
      await deps.api.flag(namespace, name, rfc3339(deadline));
    }
    if (deadline > now) return { requeueAfterMs: deadline - now };
    try {
      await deps.api.delete(state);
    } catch (err) {
      throw new Error(`deleting GeneratorState ${key}: ${errorMessage(err)}`);
    }
    return;
  };
}
