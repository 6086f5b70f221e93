// Drift detection for target.manifest resources: one watch per kind in use, started the first time an
// ExternalSecret renders that kind, only over objects carrying the managed label (as for Secrets). The cache
// keeps each object's content hash, not its content: values rendered into a ConfigMap do not stay in memory.
import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import { AuthorizationV1Api, ObjectApi, type KubeConfig } from "../kube/http/index.ts";
import type { Logger } from "pino";
import type { ManifestKind } from "../api/manifest-target.ts";
import { LABEL_MANAGED } from "../api/markers.ts";
import { ResilientInformer } from "../controller/informer.ts";
import { manifestContentHash } from "../reconcilers/external-secret/manifest-target/content-hash.ts";
import type { ManifestWriter } from "../reconcilers/external-secret/manifest-target/writer.ts";
import { MultiInformer } from "./multi-informer.ts";
import { dropManagedFields } from "./informers.ts";

/** A watched object as cached: spec and data replaced by their hash. */
export type CachedManifest = KubernetesObject & { contentDigest?: string };

/** How long a reconcile waits for a new watch's first list before deciding without it. */
const FIRST_LIST_WAIT_MS = 10_000;

function digest(obj: KubernetesObject): void {
  const cached = obj as CachedManifest & Record<string, unknown>;
  if (cached.contentDigest !== undefined) return;
  cached.contentDigest = manifestContentHash(cached) ?? "";
  // Set to undefined, not deleted (a slow dictionary each otherwise: see dropManagedFields).
  cached.spec = undefined;
  cached.data = undefined;
  cached.binaryData = undefined;
  dropManagedFields(cached);
}

export const watchKey = (kind: Pick<ManifestKind, "apiVersion" | "kind">): string => `${kind.apiVersion}/${kind.kind}`;

/** How often watches of kinds nobody renders any more are stopped. */
export const RETAIN_EVERY_MS = 5 * 60_000;

interface Watch {
  informer: MultiInformer<CachedManifest> | undefined;
  ready: Promise<boolean>;
  /** A reconcile already waited for the first list. */
  waited: boolean;
}

export class ManifestWatches {
  readonly #watches = new Map<string, Watch>();
  readonly #objects: ObjectApi;
  readonly #authz: AuthorizationV1Api;
  readonly #kc: KubeConfig;
  readonly #writer: ManifestWriter;
  readonly #log: Logger;
  /** Watched namespaces; empty: the whole cluster. */
  readonly #namespaces: string[];
  readonly #onChange: (kind: ManifestKind, namespace: string, name: string) => void;
  #stopped = false;

  constructor(kc: KubeConfig, writer: ManifestWriter, log: Logger, namespaces: string[], onChange: (kind: ManifestKind, namespace: string, name: string) => void) {
    this.#kc = kc;
    this.#writer = writer;
    this.#log = log;
    this.#namespaces = namespaces;
    this.#onChange = onChange;
    this.#objects = kc.makeApiClient(ObjectApi);
    this.#authz = kc.makeApiClient(AuthorizationV1Api);
  }

  /**
   * The cached object, after making sure its kind is watched; "unknown" while the watch cannot answer (being
   * set up, or the operator may not list and watch the kind: drift is then found at the next refresh only).
   */
  async cached(kind: ManifestKind, namespace: string, name: string): Promise<CachedManifest | undefined | "unknown"> {
    const watch = this.#watch(kind);
    if (watch.informer?.hasSynced()) return watch.informer.get(name, namespace);
    // Only the first reconcile of a kind waits for its first list; while a list hangs (a CRD's conversion
    // webhook down, say) every later one answers at once, so no worker is held.
    if (watch.waited) return "unknown";
    watch.waited = true;
    const ready = await Promise.race([watch.ready, new Promise<false>((resolve) => setTimeout(resolve, FIRST_LIST_WAIT_MS, false).unref())]);
    if (!ready || !watch.informer?.hasSynced()) return "unknown";
    return watch.informer.get(name, namespace);
  }

  /** Stops the watches of kinds no ExternalSecret renders any more ("<apiVersion>/<kind>" keys in use). */
  async retain(inUse: Set<string>): Promise<void> {
    for (const [key, watch] of this.#watches) {
      if (inUse.has(key)) continue;
      this.#watches.delete(key);
      await watch.informer?.stop();
      this.#log.info({ kind: key }, "stopped watching target.manifest kind: no ExternalSecret renders it");
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#watches.values()].map((watch) => watch.informer?.stop()));
  }

  #watch(kind: ManifestKind): Watch {
    const key = watchKey(kind);
    let watch = this.#watches.get(key);
    if (!watch) {
      watch = { informer: undefined, ready: Promise.resolve(false), waited: false };
      watch.ready = this.#start(kind, watch).catch((err: unknown) => {
        // Not remembered as failed forever: the next reconcile tries again (a CRD or a grant may arrive later).
        this.#watches.delete(key);
        this.#log.warn({ kind: kind.kind, apiVersion: kind.apiVersion, error: err instanceof Error ? err.message : String(err) }, "cannot watch target.manifest kind; drift is corrected at the next refresh");
        return false;
      });
      this.#watches.set(key, watch);
    }
    return watch;
  }

  async #start(kind: ManifestKind, watch: Watch): Promise<boolean> {
    const resource = await this.#writer.resource(kind);
    const scopes: Array<string | undefined> = this.#namespaces.length > 0 ? this.#namespaces : [undefined];
    for (const namespace of scopes) {
      for (const verb of ["list", "watch"]) {
        const review = await this.#authz.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { group: kind.group, resource: resource.name, verb, namespace } } } });
        if (!review.status?.allowed) throw new Error(`the operator may not ${verb} ${resource.name}${namespace ? ` in ${namespace}` : ""}`);
      }
    }
    if (this.#stopped) return false;
    const labelSelector = `${LABEL_MANAGED}=true`;
    const base = kind.group === "" ? `/api/${kind.apiVersion}` : `/apis/${kind.apiVersion}`;
    const informer = new MultiInformer(
      scopes.map(
        (namespace) =>
          new ResilientInformer<CachedManifest>({
            name: `${resource.name}.${kind.group || "core"}`,
            kc: this.#kc,
            path: namespace ? `${base}/namespaces/${namespace}/${resource.name}` : `${base}/${resource.name}`,
            labelSelector,
            list: async () => {
              const list = await this.#objects.list<CachedManifest>(kind.apiVersion, kind.kind, namespace, { labelSelector });
              for (const item of list.items) item.kind ??= kind.kind;
              return list;
            },
            log: this.#log,
            transform: digest,
          }),
      ),
    );
    const changed = (obj: CachedManifest) => this.#onChange(kind, obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
    informer.onUpdate(changed);
    informer.onDelete(changed);
    watch.informer = informer;
    await informer.start();
    this.#log.info({ kind: kind.kind, apiVersion: kind.apiVersion }, "watching target.manifest kind");
    return true;
  }
}
