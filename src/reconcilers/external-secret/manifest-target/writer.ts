// Reads and writes target.manifest resources of any kind through ObjectApi (discovery
// maps a kind to its resource; its cache makes that one request per API version). Only namespaced kinds in the
// ExternalSecret's own namespace are ever touched.
import type { KubernetesObject, V1APIResource } from "@kubernetes/client-node";
import { ObjectApi, type KubeConfig, type ObjectReference } from "../../../kube/http/index.ts";
import type { ManifestKind } from "../../../api/manifest-target.ts";
import { FIELD_MANAGER } from "../../../api/markers.ts";
import { isConflict, isForbidden, isNotFound, kubeErrorSummary } from "../../../kube/errors.ts";
import { ConfigError, ProviderUnavailableError } from "../../../provider/errors.ts";
import type { Manifest } from "../../../template/index.ts";
import { secretError } from "../secret-writer.ts";

const describe = (kind: ManifestKind, namespace: string, name: string) => `${kind.kind} ${namespace}/${name}`;

export class ManifestWriter {
  readonly #api: ObjectApi;

  constructor(kc: KubeConfig) {
    this.#api = kc.makeApiClient(ObjectApi);
  }

  /** The kind's API resource; a kind the apiserver does not serve is retried (its CRD may come later), a cluster-scoped one is refused. */
  async resource(kind: ManifestKind): Promise<V1APIResource> {
    let resource: V1APIResource | undefined;
    try {
      resource = await this.#api.resource(kind.apiVersion, kind.kind);
    } catch (err) {
      if (!isNotFound(err)) throw new ProviderUnavailableError(`discovering ${kind.apiVersion} ${kind.kind}: ${kubeErrorSummary(err)}`);
    }
    if (!resource) throw new ProviderUnavailableError(`the apiserver serves no ${kind.kind} in ${kind.apiVersion}`);
    if (!resource.namespaced) throw new ConfigError(`target.manifest ${kind.apiVersion} ${kind.kind} is cluster-scoped: only namespaced kinds can be rendered`);
    return resource;
  }

  async get(kind: ManifestKind, namespace: string, name: string): Promise<KubernetesObject | undefined> {
    await this.resource(kind);
    try {
      return await this.#api.read({ apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, namespace } });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.#failure(err, `reading ${describe(kind, namespace, name)}`, "get");
    }
  }

  async create(kind: ManifestKind, obj: Manifest): Promise<void> {
    const { namespace, name } = obj.metadata as { namespace: string; name: string };
    try {
      await this.#api.create(obj as unknown as ObjectReference, { fieldManager: FIELD_MANAGER });
    } catch (err) {
      throw this.#failure(err, `creating ${describe(kind, namespace, name)}`, "create");
    }
  }

  /** Replaces the live object at `resourceVersion` (optimistic concurrency: a concurrent change is retried). */
  async replace(kind: ManifestKind, obj: Manifest, resourceVersion: string | undefined): Promise<void> {
    const { namespace, name } = obj.metadata as { namespace: string; name: string };
    try {
      await this.#api.replace({ ...obj, metadata: { ...obj.metadata, resourceVersion } } as ObjectReference, { fieldManager: FIELD_MANAGER });
    } catch (err) {
      throw this.#failure(err, `updating ${describe(kind, namespace, name)}`, "update");
    }
  }

  /** Deletes the object at the uid it was checked at, so an object recreated meanwhile by someone else survives. */
  async delete(kind: ManifestKind, namespace: string, name: string, uid: string): Promise<void> {
    try {
      await this.#api.deleteObject({ apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, namespace } }, { preconditions: { uid } });
    } catch (err) {
      if (isNotFound(err)) return;
      throw this.#failure(err, `deleting ${describe(kind, namespace, name)}`, "delete");
    }
  }

  #failure(err: unknown, what: string, verb: string): Error {
    if (isConflict(err)) return new ProviderUnavailableError(`${what}: conflict, will retry`);
    // The operator's RBAC decides which kinds it may render: say which grant is missing (genericTargets.resources in the chart).
    if (isForbidden(err)) return secretError("SecretWriteFailed", `${what}: the operator may not ${verb} this kind (grant it in the chart's genericTargets.resources)`);
    return secretError("SecretWriteFailed", `${what}: ${kubeErrorSummary(err)}`);
  }
}
