// Wires GeneratorStates (ESO's --enable-generator-state): the signing key, what the ExternalSecret reconciler
// records and retires (src/generators/state/run-states.ts), and the controller that deletes states at their
// deadline and revokes what they name (src/reconcilers/generator-state/). States are queued by namespace/name.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { GROUP, VERSION } from "../api/common.ts";
import type { ExternalSecret } from "../api/external-secret.ts";
import type { GeneratorState } from "../api/generator-state.ts";
import { PUSH_VERSION, type PushSecret } from "../api/push-secret.ts";
import { Controller, type ControllerOptions } from "../controller/controller.ts";
import type { Clock } from "../controller/clock.ts";
import { Priority, WorkQueue } from "../controller/work-queue.ts";
import { cleanupFromResource, type GenerateEnv } from "../generators/resolve.ts";
import { GeneratorStates } from "../generators/state/run-states.ts";
import { StateKey } from "../generators/state/signature.ts";
import type { KubeClients } from "../kube/clients.ts";
import { isForbidden, isNotFound } from "../kube/errors.ts";
import type { EventRecorder } from "../kube/events.ts";
import { GeneratorStateApi } from "../kube/generator-states.ts";
import { generateContexts } from "../kube/generators.ts";
import { generatorStateReconciler } from "../reconcilers/generator-state/reconciler.ts";
import { esKey } from "./dependents.ts";
import type { InformerLike } from "./multi-informer.ts";

export interface GeneratorStateOptions {
  /** --generator-gc-grace-period (ESO's default: 2 minutes). */
  gracePeriodMs: number;
  /** Where the signing key's Secret lives: the operator's namespace. */
  keyNamespace: string;
}

export function wireGeneratorStates(deps: {
  options: GeneratorStateOptions;
  informers: {
    generatorStates: InformerLike<GeneratorState & KubernetesObject>;
    externalSecrets: InformerLike<ExternalSecret & KubernetesObject>;
    pushSecrets?: InformerLike<PushSecret & KubernetesObject>;
  };
  clients: KubeClients;
  generators: Omit<GenerateEnv, "context">;
  events: EventRecorder;
  log: Logger;
  clock: Clock;
  hooks: Pick<ControllerOptions, "onResult" | "onDequeue" | "gate">;
}): { states: GeneratorStates; controller: Controller; queue: WorkQueue; requeueAll(): void } {
  const { generatorStates, externalSecrets, pushSecrets } = deps.informers;
  const log = deps.log.child({ controller: "generatorstate" });
  const api = new GeneratorStateApi(deps.clients);
  const key = new StateKey(deps.clients, deps.options.keyNamespace);
  const env: GenerateEnv = { ...deps.generators, context: generateContexts(deps.clients, log) };
  const cleanup = (resource: GeneratorState["spec"]["resource"], state: Record<string, string>, namespace: string) => cleanupFromResource(resource, state, namespace, env);
  const states = new GeneratorStates({
    api,
    key,
    cached: (namespace) => generatorStates.list(namespace),
    cleanup: (kept, namespace) => cleanup(kept.resource, kept.state, namespace),
    gracePeriodMs: deps.options.gracePeriodMs,
    clock: deps.clock,
    log,
  });
  // The owners states can have, with their cache and how to read one live.
  const owners: Record<string, { version: string; plural: string; cached: (name: string, namespace: string) => { metadata: { uid?: string } } | undefined }> = {
    ExternalSecret: { version: VERSION, plural: "externalsecrets", cached: (name, namespace) => externalSecrets.get(name, namespace) },
    PushSecret: { version: PUSH_VERSION, plural: "pushsecrets", cached: (name, namespace) => pushSecrets?.get(name, namespace) },
  };
  // The cache says yes for most; a miss (another shard's object, a watch lagging) is confirmed live.
  const ownerExists = async (state: GeneratorState): Promise<boolean> => {
    const ref = state.metadata.ownerReferences?.find((each) => owners[each.kind] && each.apiVersion.startsWith(`${GROUP}/`));
    const owner = ref && owners[ref.kind];
    if (!ref || !owner) return false;
    const namespace = state.metadata.namespace!;
    if (owner.cached(ref.name, namespace)?.metadata.uid === ref.uid) return true;
    try {
      const live = (await deps.clients.custom.getNamespacedCustomObject({ group: GROUP, version: owner.version, plural: owner.plural, namespace, name: ref.name })) as { metadata: { uid?: string } };
      return live.metadata.uid === ref.uid;
    } catch (err) {
      if (isNotFound(err)) return false;
      // Not allowed to read it (RBAC without get on pushsecrets): never retire on a guess.
      if (isForbidden(err)) return true;
      throw err;
    }
  };
  const queue = new WorkQueue({ clock: deps.clock, log });
  const reconcile = generatorStateReconciler({
    api,
    key,
    cached: (namespace, name) => generatorStates.get(name, namespace),
    cleanup,
    ownerExists,
    gracePeriodMs: deps.options.gracePeriodMs,
    events: deps.events,
    clock: deps.clock,
    log,
  });
  const controller = new Controller({ name: "generatorstate", queue, reconcile, workers: 2, log, ...deps.hooks });
  const enqueue = (state: GeneratorState, priority = Priority.Normal) => queue.add(esKey(state), priority);
  generatorStates.onAdd((state) => enqueue(state));
  generatorStates.onUpdate((state) => enqueue(state));
  // An owner gone: its states are retired (the reconcile confirms it is gone, not just out of this cache).
  const ownerDeleted = (owner: { metadata: { namespace?: string; uid?: string } }) => {
    for (const state of generatorStates.list(owner.metadata.namespace)) if (state.metadata.ownerReferences?.some((ref) => ref.uid === owner.metadata.uid)) enqueue(state);
  };
  externalSecrets.onDelete(ownerDeleted);
  pushSecrets?.onDelete(ownerDeleted);
  return {
    states,
    controller,
    queue,
    requeueAll: () => {
      for (const state of generatorStates.list()) enqueue(state);
    },
  };
}
