// The apiserver calls made for GeneratorStates: create, set a deadline, delete, drop our finalizer. Each is one
// request; a state already gone is not an error (two replicas, or the garbage collector, may race us to it).
import { PatchStrategy, setHeaderOptions } from "./http/index.ts";
import { GENERATOR_GROUP, GENERATOR_VERSION } from "../api/generators.ts";
import { GENERATOR_STATE_FINALIZER, type GeneratorState } from "../api/generator-state.ts";
import type { KubeClients } from "./clients.ts";
import { FIELD_MANAGER } from "../api/markers.ts";
import { isNotFound } from "./errors.ts";

const api = { group: GENERATOR_GROUP, version: GENERATOR_VERSION, plural: "generatorstates" };

const ignoreGone = (err: unknown): void => {
  if (!isNotFound(err)) throw err;
};

export class GeneratorStateApi {
  readonly #clients: KubeClients;

  constructor(clients: KubeClients) {
    this.#clients = clients;
  }

  /** Creates the state; returns its name (made by the apiserver from generateName). */
  async create(state: Omit<GeneratorState, "metadata"> & { metadata: GeneratorState["metadata"] & { generateName: string } }): Promise<string> {
    const created = (await this.#clients.custom.createNamespacedCustomObject({ ...api, namespace: state.metadata.namespace!, body: state, fieldManager: FIELD_MANAGER })) as GeneratorState;
    return created.metadata.name;
  }

  /** Sets spec.garbageCollectionDeadline (a merge patch: nothing else of the state changes). */
  async flag(namespace: string, name: string, deadline: string): Promise<void> {
    const options = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
    await this.#clients.custom.patchNamespacedCustomObject({ ...api, namespace, name, body: { spec: { garbageCollectionDeadline: deadline } }, fieldManager: FIELD_MANAGER }, options).catch(ignoreGone);
  }

  async delete(state: GeneratorState): Promise<void> {
    const { namespace, name, uid } = state.metadata;
    await this.#clients.custom.deleteNamespacedCustomObject({ ...api, namespace: namespace!, name, body: { preconditions: { uid } } }).catch(ignoreGone);
  }

  /**
   * Removes our finalizer, only from the object as we read it (a JSON patch testing the finalizer list first: a
   * concurrent change makes it fail, and the next reconcile reads again).
   */
  async release(state: GeneratorState): Promise<void> {
    const finalizers = state.metadata.finalizers ?? [];
    const kept = finalizers.filter((f) => f !== GENERATOR_STATE_FINALIZER);
    if (kept.length === finalizers.length) return;
    const options = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);
    const body = [
      { op: "test", path: "/metadata/finalizers", value: finalizers },
      { op: "replace", path: "/metadata/finalizers", value: kept },
    ];
    await this.#clients.custom.patchNamespacedCustomObject({ ...api, namespace: state.metadata.namespace!, name: state.metadata.name, body, fieldManager: FIELD_MANAGER }, options).catch(ignoreGone);
  }
}
