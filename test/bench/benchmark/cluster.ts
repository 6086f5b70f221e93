// The harness's view of the bench cluster: bulk creation with bounded concurrency, watches that timestamp
// when each ExternalSecret turns Ready and when each Secret's data changes, and the apiserver's counters.
import { type KubernetesObject, type V1Secret } from "@kubernetes/client-node";
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from "../../../src/kube/http/index.ts";
import { ResilientInformer } from "../../../src/controller/informer.ts";
import { GROUP, VERSION } from "../../../src/api/common.ts";
import type { ExternalSecret } from "../../../src/api/external-secret.ts";
import { sumSeries } from "./prom.ts";

export const WRITE_VERBS = /^(POST|PUT|PATCH|APPLY|DELETE)$/;

export async function inBatches<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      for (let attempt = 0; ; attempt++) {
        try {
          await fn(item);
          break;
        } catch (err) {
          if (attempt >= 5) throw err;
          await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const WRITTEN_RESOURCES = ["secrets", "externalsecrets", "secretstores", "clustersecretstores", "clusterexternalsecrets", "events"] as const;
type WrittenResource = (typeof WRITTEN_RESOURCES)[number];

export class ClusterView {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  /** First time each ExternalSecret ("ns/name") was seen Ready=True. */
  readonly readyAt = new Map<string, number>();
  /** Last time each managed Secret's data changed, with its data hash annotation. */
  readonly secretChangedAt = new Map<string, { at: number; hash: string | undefined }>();
  #es: ResilientInformer<ExternalSecret & KubernetesObject>;
  #secrets: ResilientInformer<V1Secret>;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.#es = new ResilientInformer<ExternalSecret & KubernetesObject>({
      name: "bench-es",
      kc,
      path: `/apis/${GROUP}/${VERSION}/externalsecrets`,
      list: async () => (await this.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: "externalsecrets" })) as never,
    });
    const seeEs = (es: ExternalSecret) => {
      const key = `${es.metadata.namespace}/${es.metadata.name}`;
      if (!this.readyAt.has(key) && es.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) this.readyAt.set(key, Date.now());
    };
    this.#es.onAdd(seeEs);
    this.#es.onUpdate(seeEs);
    this.#es.onDelete((es) => this.readyAt.delete(`${es.metadata.namespace}/${es.metadata.name}`));
    const labelSelector = "reconcile.external-secrets.io/managed=true";
    this.#secrets = new ResilientInformer<V1Secret>({ name: "bench-secrets", kc, path: "/api/v1/secrets", labelSelector, list: () => this.core.listSecretForAllNamespaces({ labelSelector }) });
    const seeSecret = (secret: V1Secret) => {
      const key = `${secret.metadata?.namespace}/${secret.metadata?.name}`;
      const hash = secret.metadata?.annotations?.["reconcile.external-secrets.io/data-hash"];
      if (this.secretChangedAt.get(key)?.hash !== hash) this.secretChangedAt.set(key, { at: Date.now(), hash });
    };
    this.#secrets.onAdd(seeSecret);
    this.#secrets.onUpdate(seeSecret);
  }

  async start(): Promise<void> {
    await Promise.all([this.#es.start(), this.#secrets.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.#es.stop(), this.#secrets.stop()]);
  }

  secret(namespace: string, name: string): V1Secret | undefined {
    return this.#secrets.get(name, namespace);
  }

  /** apiserver write requests so far on the resources an operator writes (from the apiserver's own /metrics). */
  async apiserverWrites(): Promise<number> {
    return Object.values(await this.apiserverWritesByResource()).reduce((a, b) => a + b, 0);
  }

  /** Write requests by resource since `before` (an earlier apiserverWritesByResource()). */
  async apiserverWritesSince(before: Record<WrittenResource, number>): Promise<Record<WrittenResource, number>> {
    const now = await this.apiserverWritesByResource();
    return Object.fromEntries(WRITTEN_RESOURCES.map((resource) => [resource, now[resource] - before[resource]])) as Record<WrittenResource, number>;
  }

  /** Write requests so far by resource, from the apiserver's own apiserver_request_total. */
  async apiserverWritesByResource(): Promise<Record<WrittenResource, number>> {
    const body: unknown = await this.kc.transport().request({ method: "GET", path: "/metrics" });
    const text = String(body);
    const count = (resource: WrittenResource) => sumSeries(text, "apiserver_request_total", { verb: WRITE_VERBS, resource });
    return Object.fromEntries(WRITTEN_RESOURCES.map((resource) => [resource, count(resource)])) as Record<WrittenResource, number>;
  }

  /** Lease write requests so far (leader election, shard membership): the cost of coordination, kept apart from the work's writes. */
  async leaseWrites(): Promise<number> {
    const body: unknown = await this.kc.transport().request({ method: "GET", path: "/metrics" });
    return sumSeries(String(body), "apiserver_request_total", { verb: WRITE_VERBS, resource: "leases" });
  }

  /** The etcd revision: the resourceVersion of any list. */
  async etcdRevision(): Promise<number> {
    const list = await this.core.listNamespace({ limit: 1 });
    return Number(list.metadata?.resourceVersion ?? 0);
  }
}
