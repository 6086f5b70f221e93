// One provider session per (store, spec, credentials namespace), opened once and reused by every reconcile;
// closed when the store's spec changes, the store is deleted, or the operator shuts down.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { SecretStore } from "../api/secret-store.ts";
import type { KubeClients } from "../kube/clients.ts";
import { kubeAccess } from "../kube/access.ts";
import type { ProviderRegistry } from "./registry.ts";
import type { SecretsClient } from "./types.ts";
import type { StoreIdentity } from "./store-identity.ts";
import { storeLabel } from "./store-identity.ts";
import { sharedFetches, type SharedSession } from "./shared-fetches.ts";
import type { FetchCache } from "./fetch-cache.ts";
import { rateLimited } from "./rate-limit.ts";
import { answerWatched } from "./answer-watch.ts";
import { TokenBucket, type RateLimit } from "../controller/token-bucket.ts";
import { flooredStoreInterval } from "../api/refresh-floor.ts";
import { ConfigError } from "./errors.ts";
import { ambientRefusal } from "./tenant-policy.ts";

interface Session {
  storeKey: string;
  /** The ExternalSecret namespace a referent-auth session serves ("" otherwise). */
  referent: string;
  client: Promise<SharedSession>;
}

type Resolved = ReturnType<ProviderRegistry["resolve"]> & { hash: string };

export function storeKeyOf(store: Pick<SecretStore, "kind" | "metadata">): string {
  return store.kind === "ClusterSecretStore" ? `ClusterSecretStore//${store.metadata.name}` : `SecretStore/${store.metadata.namespace}/${store.metadata.name}`;
}

function specHash(store: SecretStore): string {
  return createHash("sha256").update(JSON.stringify(store.spec.provider)).digest("hex").slice(0, 16);
}

export class StoreSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #registry: ProviderRegistry;
  readonly #clients: KubeClients;
  readonly #log: Logger;
  #opened = 0;

  readonly #cache: FetchCache | undefined;

  readonly #defaultRateLimit: RateLimit | undefined;
  readonly #minRefreshIntervalMs: number;
  readonly #allowAmbientForNamespaced: boolean;
  readonly #resolved = new WeakMap<object, Resolved>();
  readonly #onProviderAnswer: ((storeKey: string, available: boolean) => void) | undefined;

  constructor(opts: {
    registry: ProviderRegistry;
    clients: KubeClients;
    log: Logger;
    cache?: FetchCache;
    defaultRateLimit?: RateLimit;
    minRefreshIntervalMs?: number;
    /** --allow-ambient-credentials-for-namespaced-stores: SecretStores may use the operator's own identity. */
    allowAmbientForNamespaced?: boolean;
    /** Told whether the provider answered each call that reached it (see answer-watch.ts). */
    onProviderAnswer?: (storeKey: string, available: boolean) => void;
  }) {
    this.#onProviderAnswer = opts.onProviderAnswer;
    this.#allowAmbientForNamespaced = opts.allowAmbientForNamespaced ?? false;
    this.#cache = opts.cache;
    this.#defaultRateLimit = opts.defaultRateLimit;
    this.#minRefreshIntervalMs = opts.minRefreshIntervalMs ?? 0;
    this.#registry = opts.registry;
    this.#clients = opts.clients;
    this.#log = opts.log;
  }

  /** The session for `store` as seen by an ExternalSecret in `namespace`. Throws ConfigError for a bad spec. */
  async get(store: SecretStore, namespace: string): Promise<SharedSession> {
    const { provider, spec, hash } = this.#resolve(store);
    // Before any session exists: a refused store never reaches the provider, whatever it would send where.
    const refused = ambientRefusal(store.kind, provider.operatorIdentity(spec), this.#allowAmbientForNamespaced);
    if (refused) throw new ConfigError(refused);
    const referent = store.kind === "ClusterSecretStore" && (provider.referentAuth?.(spec) ?? false);
    const storeKey = storeKeyOf(store);
    const sessionKey = `${storeKey}@${store.metadata.uid ?? ""}#${hash}${referent ? `|${namespace}` : ""}`;
    const existing = this.#sessions.get(sessionKey);
    if (existing) return existing.client;
    const referentKey = referent ? namespace : "";
    const identity: StoreIdentity = {
      kind: store.kind,
      name: store.metadata.name,
      namespace: store.metadata.namespace,
      uid: store.metadata.uid,
      referentNamespace: referent ? namespace : undefined,
    };
    // The entry goes into the map before the first await, so concurrent callers (the store reconciler and
    // ExternalSecrets re-syncing after a store change) share one connect: checking, awaiting the close of the
    // stale session and only then registering let two of them log in, one session never to be closed.
    const stale = this.#takeWhere((session, key) => session.storeKey === storeKey && key !== sessionKey && session.referent === referentKey);
    const client = (async () => {
      // Sessions of the same store (and namespace) with another spec hash or uid belong to an older version of it.
      await this.#close(stale);
      const log = this.#log.child({ store: storeLabel(identity) });
      // Providers that poll a source (SOPS from Git) get the store's interval under --min-refresh-interval.
      const refreshInterval = flooredStoreInterval(store.spec.refreshInterval, this.#minRefreshIntervalMs);
      const connected = await provider.connect({ spec, store: identity, kube: kubeAccess(this.#clients, identity), log, refreshInterval });
      const limit = store.spec.rateLimit ?? this.#defaultRateLimit;
      const onAnswer = this.#onProviderAnswer;
      const watched = onAnswer ? answerWatched(connected, (available) => onAnswer(storeKey, available)) : connected;
      const raw = limit ? rateLimited(watched, new TokenBucket(limit)) : watched;
      this.#opened++;
      log.debug("provider session opened");
      return sharedFetches(raw, this.#cache, sessionKey);
    })();
    this.#sessions.set(sessionKey, { storeKey, referent: referentKey, client });
    // A failed connect must not stick: the next reconcile tries again.
    client.catch(() => {
      if (this.#sessions.get(sessionKey)?.client === client) this.#sessions.delete(sessionKey);
    });
    return client;
  }

  /**
   * The parsed provider spec and its hash, once per store object: every sync calls get(), and the informer
   * hands out a new object only when the store changed, so parsing and hashing per call was repeated work.
   */
  #resolve(store: SecretStore): Resolved {
    const known = this.#resolved.get(store.spec);
    if (known) return known;
    const resolved = { ...this.#registry.resolve(store.spec.provider), hash: specHash(store) };
    this.#resolved.set(store.spec, resolved);
    return resolved;
  }

  /**
   * The source behind a store changed (a RefreshReceiver call): every open session of it re-fetches on its next
   * read (sessions that do not poll ignore this). Opens nothing; returns how many sessions were told.
   */
  async refreshSources(storeKey: string): Promise<number> {
    let told = 0;
    for (const session of this.#sessions.values()) {
      if (session.storeKey !== storeKey) continue;
      const client = await session.client.catch(() => undefined);
      if (client?.refreshSource) {
        client.refreshSource();
        told++;
      }
    }
    return told;
  }

  /** The store's keys a Git push changed (Provider.keysForChangedFiles); undefined when the store cannot tell. */
  changedKeys(store: SecretStore, files: readonly string[]): string[] | undefined {
    try {
      const { provider, spec } = this.#resolve(store);
      return provider.keysForChangedFiles?.(spec, files);
    } catch {
      return undefined; // a bad spec is the store reconciler's to report
    }
  }

  /** Closes every session of a store (deleted or changed). */
  async closeStore(storeKey: string): Promise<void> {
    await this.#closeWhere((session) => session.storeKey === storeKey);
  }

  /** Closes the sessions of every store not in `keep` (automatic shards: stores only this replica's work still reads); returns how many. */
  async closeExcept(keep: ReadonlySet<string>): Promise<number> {
    const taken = this.#takeWhere((session) => !keep.has(session.storeKey));
    await this.#close(taken);
    return taken.length;
  }

  async closeAll(): Promise<void> {
    await this.#closeWhere(() => true);
  }

  /** Sessions opened since start (a login per session for providers that log in). */
  openedCount(): number {
    return this.#opened;
  }

  activeCount(): number {
    return this.#sessions.size;
  }

  async #closeWhere(match: (session: Session, key: string) => boolean): Promise<void> {
    await this.#close(this.#takeWhere(match));
  }

  /** Removes the matching sessions from the map (synchronously) and returns them. */
  #takeWhere(match: (session: Session, key: string) => boolean): Session[] {
    const taken: Session[] = [];
    for (const [key, session] of this.#sessions) {
      if (!match(session, key)) continue;
      this.#sessions.delete(key);
      taken.push(session);
    }
    return taken;
  }

  async #close(sessions: Session[]): Promise<void> {
    const closing = sessions.map((session) =>
      session.client.then(
        (client) => client.close(),
        () => undefined,
      ),
    );
    const results = await Promise.allSettled(closing);
    for (const result of results) if (result.status === "rejected") this.#log.warn("closing a provider session failed");
  }
}
