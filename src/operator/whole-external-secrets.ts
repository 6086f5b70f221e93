// Makes reduced cache entries whole again (automatic shards, see slim-external-secret.ts): a replica about to work an
// ExternalSecret it holds reduced reads it once from the apiserver and swaps it into the cache, a few at a time.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { GROUP, VERSION } from "../api/common.ts";
import type { ExternalSecret } from "../api/external-secret.ts";
import type { KubeClients } from "../kube/clients.ts";
import { isNotFound, kubeErrorSummary } from "../kube/errors.ts";
import type { InformerLike } from "./multi-informer.ts";
import { isSlim } from "./slim-external-secret.ts";

export interface WholeExternalSecretsDeps {
  clients: KubeClients;
  informer: InformerLike<ExternalSecret & KubernetesObject>;
  /** The key can be worked now (`whole`), or should be tried again a little later (the watch had a newer version). */
  onFetched: (key: string, whole: boolean) => void;
  log: Logger;
  concurrency?: number;
}

export class WholeExternalSecrets {
  readonly #deps: WholeExternalSecretsDeps;
  readonly #pending = new Set<string>();
  readonly #waiting: string[] = [];
  #running = 0;

  constructor(deps: WholeExternalSecretsDeps) {
    this.#deps = deps;
  }

  /** Asks for `namespace/name` whole; a key already asked for is not read twice. */
  request(key: string): void {
    if (this.#pending.has(key)) return;
    this.#pending.add(key);
    this.#waiting.push(key);
    this.#pump();
  }

  #pump(): void {
    while (this.#running < (this.#deps.concurrency ?? 8) && this.#waiting.length > 0) void this.#fetch(this.#waiting.shift()!);
  }

  async #fetch(key: string): Promise<void> {
    this.#running++;
    let whole = false;
    try {
      const slash = key.indexOf("/");
      const [namespace, name] = [key.slice(0, slash), key.slice(slash + 1)];
      const obj = (await this.#deps.clients.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "externalsecrets", name })) as ExternalSecret & KubernetesObject;
      obj.kind ??= "ExternalSecret";
      whole = this.#deps.informer.fill(obj, isSlim) || !isSlim(this.#deps.informer.get(name, namespace) ?? {});
    } catch (err) {
      // Deleted meanwhile (404) needs nothing; anything else is tried again with the key.
      if (!isNotFound(err)) this.#deps.log.debug({ key, err: kubeErrorSummary(err) }, "could not read an ExternalSecret whole");
    } finally {
      this.#running--;
      this.#pending.delete(key);
      this.#deps.onFetched(key, whole);
      this.#pump();
    }
  }
}
