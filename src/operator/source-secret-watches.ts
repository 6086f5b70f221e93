// Watches of the Secrets PushSecrets push, one per namespace that has PushSecrets, started when the first one
// appears there and stopped when the last one goes: a change of a source Secret is pushed at once, and a
// namespace without PushSecrets costs nothing. The cache holds each Secret's metadata and the hash of its data,
// never a value (the push reads the values live, at push time).
import type { V1Secret } from "@kubernetes/client-node";
import type { KubeConfig } from "../kube/http/index.ts";
import type { Logger } from "pino";
import { ResilientInformer } from "../controller/informer.ts";
import type { KubeClients } from "../kube/clients.ts";
import { secretWithoutValues } from "./informers.ts";

export type SourceSecretListener = (namespace: string, secret: V1Secret) => void;

export class SourceSecretWatches {
  readonly #watches = new Map<string, ResilientInformer<V1Secret>>();
  readonly #kc: KubeConfig;
  readonly #clients: KubeClients;
  readonly #log: Logger;
  readonly #onChange: SourceSecretListener;

  constructor(kc: KubeConfig, clients: KubeClients, log: Logger, onChange: SourceSecretListener) {
    this.#kc = kc;
    this.#clients = clients;
    this.#log = log;
    this.#onChange = onChange;
  }

  /** Starts the namespace's watch when it has none; resolves once its cache is complete. */
  async ensure(namespace: string): Promise<void> {
    let watch = this.#watches.get(namespace);
    if (!watch) {
      watch = new ResilientInformer<V1Secret>({
        name: `pushsecret-sources/${namespace}`,
        kc: this.#kc,
        path: `/api/v1/namespaces/${namespace}/secrets`,
        list: () => this.#clients.core.listNamespacedSecret({ namespace }),
        log: this.#log,
        transform: secretWithoutValues,
      });
      const changed = (secret: V1Secret) => this.#onChange(namespace, secret);
      watch.onAdd(changed);
      watch.onUpdate(changed);
      watch.onDelete(changed);
      this.#watches.set(namespace, watch);
    }
    await watch.start();
  }

  /** Stops the watches of namespaces not in `keep` (no PushSecret left there). */
  async retain(keep: ReadonlySet<string>): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [namespace, watch] of this.#watches) {
      if (keep.has(namespace)) continue;
      this.#watches.delete(namespace);
      stopping.push(watch.stop());
    }
    await Promise.all(stopping);
  }

  /** The cached Secrets of a namespace (metadata and data hash), or undefined when it is not watched yet. */
  list(namespace: string): V1Secret[] | undefined {
    const watch = this.#watches.get(namespace);
    return watch?.hasSynced() ? watch.list(namespace) : undefined;
  }

  watchedCount(): number {
    return this.#watches.size;
  }

  async stop(): Promise<void> {
    await this.retain(new Set());
  }
}
