// Wires GeneratorStates (ESO's --enable-generator-state): the signing key, what the ExternalSecret reconciler
// records and retires (src/generators/state/run-states.ts), and the controller that deletes states at their
// deadline and revokes what they name (src/reconcilers/generator-state/). States are queued by namespace/name.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { GROUP, VERSION } from "../api/common.ts";
import type { ExternalSecret } from "../api/external-secret.ts";
import type { GeneratorState } from "../api/generator-state.ts";
import { Controller, type ControllerOptions } from "../controller/controller.ts";
import type { Clock } from "../controller/clock.ts";
import { Priority, WorkQueue } from "../controller/work-queue.ts";
import { cleanupFromResource, type GenerateEnv } from "../generators/resolve.ts";
import { GeneratorStates } from "../generators/state/run-states.ts";
import { StateKey } from "../generators/state/signature.ts";
import type { KubeClients } from "../kube/clients.ts";
import { isNotFound } from "../kube/errors.ts";
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
  informers: { generatorStates: InformerLike<GeneratorState & KubernetesObject>; externalSecrets: InformerLike<ExternalSecret & KubernetesObject> };
  clients: KubeClients;
  generators: Omit<GenerateEnv, "context">;
  events: EventRecorder;
  log: Logger;
  clock: Clock;
  hooks: Pick<ControllerOptions, "onResult" | "onDequeue" | "gate">;
}): { states: GeneratorStates; controller: Controller; queue: WorkQueue; requeueAll(): void } {
  const { generatorStates, externalSecrets } = deps.informers;
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
  const ownerOf = (state: GeneratorState) => state.metadata.ownerReferences?.find((ref) => ref.kind === "ExternalSecret" && ref.apiVersion.startsWith(`${GROUP}/`));
  // The cache says yes for most; a miss (another shard's ExternalSecret, a watch lagging) is confirmed live.
  const ownerExists = async (state: GeneratorState): Promise<boolean> => {
    const owner = ownerOf(state);
    if (!owner) return false;
    const namespace = state.metadata.namespace!;
    if (externalSecrets.get(owner.name, namespace)?.metadata.uid === owner.uid) return true;
    try {
      const live = (await deps.clients.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural: "externalsecrets", namespace, name: owner.name })) as ExternalSecret;
      return live.metadata.uid === owner.uid;
    } catch (err) {
      if (isNotFound(err)) return false;
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
  // An ExternalSecret gone: its states are retired (the reconcile confirms it is gone, not just out of this cache).
  externalSecrets.onDelete((es) => {
    for (const state of generatorStates.list(es.metadata.namespace)) if (state.metadata.ownerReferences?.some((ref) => ref.uid === es.metadata.uid)) enqueue(state);
  });
  return {
    states,
    controller,
    queue,
    requeueAll: () => {
      for (const state of generatorStates.list()) enqueue(state);
    },
  };
}
