// What the ExternalSecret reconciler does with the state its generators keep (ESO's statemanager, in our order):
// a sync collects what each stateful run kept; once the sync succeeded (the Secret holds the new values) each is
// recorded as a signed GeneratorState and the older states of the same owner and dataFrom index get a deadline
// (now + --generator-gc-grace-period), after which the GeneratorState controller deletes them and their finalizer
// revokes what they name. A failed sync cleans up what it made at once: those values were never handed out.
// ESO commits before the Secret is written, so a failed write there lets the old credentials be revoked while the
// Secret still holds them; committing after the write cannot.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { GENERATOR_STATE_FINALIZER, INSTALLATION_ANNOTATION, OWNER_KEY_LABEL, SIGNATURE_ANNOTATION, type GeneratorState } from "../../api/generator-state.ts";
import { GENERATOR_API_VERSION } from "../../api/generators.ts";
import { monotonicNow, type Clock } from "../../controller/clock.ts";
import { errorMessage } from "../../controller/logging.ts";
import type { GeneratorStateApi } from "../../kube/generator-states.ts";
import type { KeepState, KeptState } from "../resolve.ts";
import { sign, type StateKey } from "./signature.ts";
import { rfc3339 } from "../../api/rfc3339.ts";

/** The object whose sync ran the generators (an ExternalSecret). */
export interface StateOwner {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/** ESO's owner key: which owner and dataFrom index a state belongs to (a sha3-224 over kind, namespace, name, index). */
export function ownerKey(owner: Pick<StateOwner, "kind" | "namespace" | "name">, index: string): string {
  return createHash("sha3-224").update(`${owner.kind}-${owner.namespace}-${owner.name}-${index}`).digest("hex");
}

/** The index a state was kept for, from the annotation we add next to ESO's label (the label is a hash). */
export const INDEX_ANNOTATION = "secrets-bridge.dev/generator-state-index";

export interface GeneratorStatesDeps {
  api: GeneratorStateApi;
  key: StateKey;
  /** The states of a namespace as the watch caches them. */
  cached(namespace: string): GeneratorState[];
  /** Revokes one kept state now (src/generators/resolve.ts cleanupFromResource, with the operator's env). */
  cleanup(kept: KeptState, namespace: string): Promise<unknown>;
  gracePeriodMs: number;
  clock: Clock;
  log: Logger;
}

const ownedBy = (state: GeneratorState, owner: StateOwner) => state.metadata.ownerReferences?.some((ref) => ref.uid === owner.uid) ?? false;

/** How long a state this process created is remembered while the watch has not delivered it yet. */
const RECENT_MS = 5 * 60 * 1000;

export class GeneratorStates {
  readonly #deps: GeneratorStatesDeps;
  // States created here that the cache may not hold yet (two syncs in quick succession): retired from memory too.
  readonly #recent = new Map<string, { state: GeneratorState; atMs: number }>();

  constructor(deps: GeneratorStatesDeps) {
    this.#deps = deps;
  }

  /** A collector for one sync of `owner`. */
  begin(owner: StateOwner): StateRun {
    return new StateRun(this, owner);
  }

  /** Records a kept state; `deadlineMs` set: already due (a failed sync whose cleanup failed too). */
  async record(owner: StateOwner, index: number, kept: KeptState, deadlineMs?: number): Promise<string> {
    const body: GeneratorState & { metadata: { generateName: string } } = {
      apiVersion: GENERATOR_API_VERSION,
      kind: "GeneratorState",
      metadata: {
        name: "",
        generateName: `gen-${owner.kind.toLowerCase()}-${owner.name}`.slice(0, 200) + "-",
        namespace: owner.namespace,
        labels: { [OWNER_KEY_LABEL]: ownerKey(owner, String(index)) },
        annotations: { [INDEX_ANNOTATION]: String(index), [INSTALLATION_ANNOTATION]: this.#deps.key.installation },
        ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid }],
        finalizers: [GENERATOR_STATE_FINALIZER],
      },
      spec: { resource: kept.resource, state: kept.state, ...(deadlineMs === undefined ? {} : { garbageCollectionDeadline: rfc3339(deadlineMs) }) },
    };
    body.metadata.annotations![SIGNATURE_ANNOTATION] = sign(await this.#deps.key.get(), body);
    const { name: _unnamed, ...metadata } = body.metadata;
    const name = await this.#deps.api.create({ ...body, metadata: metadata as typeof body.metadata });
    this.#recent.set(name, { state: { ...body, metadata: { ...body.metadata, name } }, atMs: monotonicNow(this.#deps.clock) });
    return name;
  }

  /** The owner's states: the cache's, plus those created here that it has not delivered yet. */
  #statesOf(namespace: string): GeneratorState[] {
    const cached = this.#deps.cached(namespace);
    const seen = new Set(cached.map((state) => state.metadata.name));
    const now = monotonicNow(this.#deps.clock);
    const extra: GeneratorState[] = [];
    for (const [name, { state, atMs }] of this.#recent) {
      if (seen.has(name) || now - atMs > RECENT_MS) this.#recent.delete(name);
      else if (state.metadata.namespace === namespace) extra.push(state);
    }
    return extra.length === 0 ? cached : [...cached, ...extra];
  }

  /**
   * Gives a deadline to the owner's states that are replaced (same index, not just made) or orphaned by the spec (an
   * index that is no longer a generatorRef). Reads the cache only; writes only for states without a deadline.
   */
  async retire(owner: StateOwner, keep: ReadonlySet<string>, generatorIndexes: ReadonlySet<number>, replacedIndexes: ReadonlySet<number>): Promise<number> {
    const deadline = rfc3339(this.#deps.clock.now() + this.#deps.gracePeriodMs);
    let flagged = 0;
    for (const state of this.#statesOf(owner.namespace)) {
      if (!ownedBy(state, owner) || state.spec?.garbageCollectionDeadline || state.metadata.deletionTimestamp || keep.has(state.metadata.name)) continue;
      const index = Number(state.metadata.annotations?.[INDEX_ANNOTATION] ?? "-1");
      if (generatorIndexes.has(index) && !replacedIndexes.has(index)) continue;
      await this.#deps.api.flag(owner.namespace, state.metadata.name, deadline);
      this.#recent.delete(state.metadata.name);
      flagged++;
    }
    return flagged;
  }

  get deps(): GeneratorStatesDeps {
    return this.#deps;
  }
}

/** What one sync kept, committed after it succeeded or cleaned up after it failed. */
export class StateRun {
  readonly #states: GeneratorStates;
  readonly #owner: StateOwner;
  readonly #kept: Array<{ index: number; kept: KeptState }> = [];

  constructor(states: GeneratorStates, owner: StateOwner) {
    this.#states = states;
    this.#owner = owner;
  }

  keeper(index: number): KeepState {
    return (kept) => this.#kept.push({ index, kept });
  }

  /**
   * The sync succeeded: record what was kept, retire what it replaced. Failures are logged, not thrown: the Secret
   * already holds the new values, and failing the sync would only generate again. A state not recorded lives out
   * its TTL; one not retired now is retired by the next sync.
   */
  async commit(generatorIndexes: ReadonlySet<number>): Promise<void> {
    const { log } = this.#states.deps;
    const made = new Set<string>();
    const replaced = new Set<number>();
    for (const { index, kept } of this.#kept) {
      try {
        made.add(await this.#states.record(this.#owner, index, kept));
        replaced.add(index);
      } catch (err) {
        log.warn({ owner: `${this.#owner.namespace}/${this.#owner.name}`, index, error: errorMessage(err) }, "could not record a generator's state; what it made is left to expire");
      }
    }
    try {
      await this.#states.retire(this.#owner, made, generatorIndexes, replaced);
    } catch (err) {
      log.warn({ owner: `${this.#owner.namespace}/${this.#owner.name}`, error: errorMessage(err) }, "could not flag replaced generator states; the next sync will");
    }
  }

  /** The sync failed: what it made was never handed out, so it is cleaned up now (or recorded as already due). */
  async rollback(): Promise<void> {
    const { log, cleanup, clock } = this.#states.deps;
    for (const { index, kept } of this.#kept) {
      try {
        await cleanup(kept, this.#owner.namespace);
      } catch (err) {
        log.info({ owner: `${this.#owner.namespace}/${this.#owner.name}`, index, error: errorMessage(err) }, "could not clean up what a failed sync generated; recorded for the garbage collector");
        await this.#states.record(this.#owner, index, kept, clock.now()).catch((recordErr: unknown) => {
          log.warn({ owner: `${this.#owner.namespace}/${this.#owner.name}`, index, error: errorMessage(recordErr) }, "could not record a generator's state; what it made is left to expire");
        });
      }
    }
  }

  get empty(): boolean {
    return this.#kept.length === 0;
  }
}
