// Objects of any kind, addressed by apiVersion and kind (server-side apply of manifests, target.manifest):
// discovery maps the kind to its resource, cached per API version and fetched again for a kind it lacks (a CRD
// installed later), as client-node's KubernetesObjectApi does.
import type { KubernetesListObject, KubernetesObject, V1APIResource, V1APIResourceList } from "@kubernetes/client-node";
import { ApiGroup, resourcePath } from "../api-group.ts";
import { PatchStrategy } from "../transport.ts";

/** apiVersion, kind and metadata name/namespace: enough to address one object. */
export type ObjectReference = KubernetesObject & { apiVersion: string; kind: string };

export interface WriteOptions {
  fieldManager?: string;
}

export class ObjectApi extends ApiGroup {
  readonly #discovered = new Map<string, V1APIResourceList>();

  /** The resource serving `kind` in `apiVersion`, or undefined when the apiserver serves none. */
  async resource(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    const cached = this.#discovered.get(apiVersion)?.resources.find((r) => r.kind === kind && !r.name.includes("/"));
    if (cached) return cached;
    const list = await this.get<V1APIResourceList>(apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
    this.#discovered.set(apiVersion, list);
    return list.resources.find((r) => r.kind === kind && !r.name.includes("/"));
  }

  read<T extends KubernetesObject>(ref: ObjectReference): Promise<T> {
    return this.#path(ref, true).then((path) => this.get<T>(path));
  }

  async list<T extends KubernetesObject>(apiVersion: string, kind: string, namespace: string | undefined, query: { labelSelector?: string } = {}): Promise<KubernetesListObject<T>> {
    const path = await this.#path({ apiVersion, kind, metadata: { namespace } }, false);
    return this.get(path, query);
  }

  async create<T extends KubernetesObject>(obj: ObjectReference, options: WriteOptions = {}): Promise<T> {
    return this.post(await this.#path(obj, false), { body: obj, ...options });
  }

  async replace<T extends KubernetesObject>(obj: ObjectReference, options: WriteOptions = {}): Promise<T> {
    return this.put(await this.#path(obj, true), { body: obj, ...options });
  }

  /** Server-side apply by default (`force` takes over conflicting fields, as `kubectl apply --server-side --force-conflicts`). */
  async patchObject<T extends KubernetesObject>(obj: ObjectReference, options: WriteOptions & { force?: boolean; strategy?: PatchStrategy } = {}): Promise<T> {
    const { strategy = PatchStrategy.ServerSideApply, ...query } = options;
    return this.patch(await this.#path(obj, true), { body: obj, ...query }, { headers: { "Content-Type": strategy } });
  }

  async deleteObject(ref: ObjectReference, body?: { preconditions?: { uid?: string; resourceVersion?: string }; propagationPolicy?: string }): Promise<unknown> {
    return this.delete(await this.#path(ref, true), { body });
  }

  async #path(ref: ObjectReference, named: boolean): Promise<string> {
    const resource = await this.resource(ref.apiVersion, ref.kind);
    if (!resource) throw new Error(`the apiserver serves no ${ref.kind} in ${ref.apiVersion}`);
    const prefix = ref.apiVersion.includes("/") ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const namespace = resource.namespaced ? (ref.metadata?.namespace ?? (named ? "default" : undefined)) : undefined;
    return resourcePath(prefix, namespace, resource.name, named ? ref.metadata?.name : undefined);
  }
}
