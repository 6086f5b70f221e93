// Acting on shared calls (shared-calls.ts) costs a selection over the receiver's namespace and a refresh of what it
// selects. Calls are budgeted where they are received, but each replica's budget is its own and status.calls can be
// written by anyone allowed to patch the status: so each replica also acts at most once per window per receiver,
// merging what arrived meanwhile. Merging widens (a scope that names nothing means everything) and never drops a call.
import type { Clock } from "../controller/clock.ts";
import type { CallScope } from "./shared-calls.ts";

/** Scopes merged past this count become one "everything" scope: the merged list stays small whatever is written. */
const MAX_PENDING_SCOPES = 16;

export class CallThrottle {
  readonly #pending = new Map<string, CallScope[]>();
  readonly #lastRun = new Map<string, number>();
  readonly #timers = new Map<string, unknown>();
  readonly #clock: Clock;
  readonly #windowMs: number;
  readonly #run: (receiverKey: string, scopes: CallScope[]) => Promise<void>;
  readonly #onError: (receiverKey: string, err: unknown) => void;

  constructor(opts: { clock: Clock; windowMs: number; run: (receiverKey: string, scopes: CallScope[]) => Promise<void>; onError: (receiverKey: string, err: unknown) => void }) {
    this.#clock = opts.clock;
    this.#windowMs = opts.windowMs;
    this.#run = opts.run;
    this.#onError = opts.onError;
  }

  /** Acts on `scopes` for the receiver now, or at the end of its window if it acted within the last one. */
  add(receiverKey: string, scopes: CallScope[]): void {
    if (scopes.length === 0) return;
    const pending = [...(this.#pending.get(receiverKey) ?? []), ...scopes];
    this.#pending.set(receiverKey, pending.length > MAX_PENDING_SCOPES || pending.some((scope) => !scope.keys && !scope.files) ? [{}] : pending);
    if (this.#timers.has(receiverKey)) return;
    const wait = (this.#lastRun.get(receiverKey) ?? -Infinity) + this.#windowMs - this.#clock.now();
    if (wait <= 0) return this.#flush(receiverKey);
    this.#timers.set(
      receiverKey,
      this.#clock.setTimeout(() => this.#flush(receiverKey), wait),
    );
  }

  /** The receiver is gone: what was pending for it is dropped. */
  forget(receiverKey: string): void {
    this.#clock.clearTimeout(this.#timers.get(receiverKey));
    this.#timers.delete(receiverKey);
    this.#pending.delete(receiverKey);
    this.#lastRun.delete(receiverKey);
  }

  stop(): void {
    for (const key of [...this.#timers.keys()]) this.forget(key);
  }

  /** Scopes waiting for their receiver's window (tests). */
  pending(receiverKey: string): CallScope[] {
    return this.#pending.get(receiverKey) ?? [];
  }

  #flush(receiverKey: string): void {
    this.#timers.delete(receiverKey);
    const scopes = this.#pending.get(receiverKey);
    this.#pending.delete(receiverKey);
    if (!scopes) return;
    this.#lastRun.set(receiverKey, this.#clock.now());
    this.#run(receiverKey, scopes).catch((err: unknown) => this.#onError(receiverKey, err));
  }
}
