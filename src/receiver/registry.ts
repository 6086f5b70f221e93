// The receivers this replica serves, by webhook path: filled by the RefreshReceiver reconciler once the token is
// read, emptied when the receiver goes or its token cannot be read. The token lives here only as bytes for
// verification; it is never logged. Each receiver keeps its rate-limit bucket across token rotations and status
// updates, so re-registering cannot refill it.
import type { ReceiverResource, ReceiverType } from "../api/refresh-receiver.ts";
import { TokenBucket, type RateLimit } from "../controller/token-bucket.ts";

export interface ServedReceiver {
  /** "<namespace>/<name>". */
  key: string;
  namespace: string;
  name: string;
  type: ReceiverType;
  token: Uint8Array;
  events: string[];
  resources: ReceiverResource[];
  /** Verified calls this receiver may make (token bucket, tryTake: over it the caller gets 429). */
  budget: TokenBucket;
}

export type Registration = Omit<ServedReceiver, "budget">;

export class ReceiverRegistry {
  readonly #byPath = new Map<string, ServedReceiver>();
  readonly #pathOf = new Map<string, string>();
  readonly #budgets = new Map<string, TokenBucket>();
  readonly #limit: RateLimit;
  readonly #now: (() => number) | undefined;

  constructor(limit: RateLimit, now?: () => number) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Serves `receiver` at `path` (and no longer at its previous path). */
  set(path: string, receiver: Registration): void {
    this.#unlink(receiver.key);
    let budget = this.#budgets.get(receiver.key);
    if (!budget) this.#budgets.set(receiver.key, (budget = new TokenBucket(this.#limit, this.#now)));
    this.#byPath.set(path, { ...receiver, budget });
    this.#pathOf.set(receiver.key, path);
  }

  remove(key: string): void {
    this.#unlink(key);
    this.#budgets.delete(key);
  }

  byPath(path: string): ServedReceiver | undefined {
    return this.#byPath.get(path);
  }

  size(): number {
    return this.#byPath.size;
  }

  #unlink(key: string): void {
    const path = this.#pathOf.get(key);
    if (path !== undefined) this.#byPath.delete(path);
    this.#pathOf.delete(key);
  }
}
