// --shards auto: which slot each piece of work falls into, and the gates that let a replica work only its slots.
// ExternalSecrets are placed by what they read (their refresh group), so every reader of one remote key lands on
// the same replica and one provider call per key and cycle still serves them all; the other kinds, by their key.
import type { ExternalSecret } from "../api/external-secret.ts";
import type { ShardMembership } from "../controller/shards/membership.ts";
import { slotOf } from "../controller/shards/rendezvous.ts";
import { refreshGroup } from "../reconcilers/external-secret/refresh.ts";
import { esKey } from "./dependents.ts";
import type { SecretStore } from "../api/secret-store.ts";
import { storeQueueKey } from "../reconcilers/secret-store/reconciler.ts";

/**
 * What decides an ExternalSecret's replica: its refresh group, qualified by the namespace when it reads a
 * namespaced store (two namespaces' stores called "vault" are different stores, and their readers should spread).
 */
export function externalSecretShardKey(es: ExternalSecret): string {
  const group = refreshGroup(es);
  return group.startsWith("SecretStore/") ? `${es.metadata.namespace ?? ""}|${group}` : group;
}

/** The slot of each ExternalSecret the informer holds, kept current on add, update and delete. */
export class ExternalSecretSlots {
  readonly #slotOf = new Map<string, number>();
  readonly #slotCount: number;

  constructor(slotCount: number) {
    this.#slotCount = slotCount;
  }

  /** The slot `es` falls into as it is now (an object just received, before the index holds it). */
  slotFor(es: ExternalSecret): number {
    return slotOf(externalSecretShardKey(es), this.#slotCount);
  }

  set(es: ExternalSecret): void {
    this.#slotOf.set(esKey(es), this.slotFor(es));
  }

  remove(es: Pick<ExternalSecret, "metadata">): void {
    this.#slotOf.delete(esKey(es));
  }

  /** A key the informer no longer holds (deleted) falls back to a slot of its own key: one replica still runs its cleanup. */
  slot(key: string): number {
    return this.#slotOf.get(key) ?? slotOf(`ExternalSecret:${key}`, this.#slotCount);
  }

  keysIn(slots: ReadonlySet<number>): string[] {
    const keys: string[] = [];
    for (const [key, slot] of this.#slotOf) if (slots.has(slot)) keys.push(key);
    return keys;
  }
}

export interface KeyGate {
  enter(key: string): (() => void) | undefined;
}

/** A Controller gate: a key is worked here only while its slot is this replica's. */
export function slotGate(membership: ShardMembership, slotOfKey: (key: string) => number): KeyGate {
  return { enter: (key) => membership.enter(slotOfKey(key)) };
}

/** The slot of a kind keyed by name alone (stores, PushSecrets, the cluster-wide fan-outs). */
export function keyedSlot(kind: string, slotCount: number): (key: string) => number {
  return (key) => slotOf(`${kind}:${key}`, slotCount);
}

/**
 * The slot of an object of any sharded kind, keyed as its controller's queue keys it (stores by kind, namespace
 * and name; namespaced kinds by namespace/name; cluster-wide ones by name).
 */
export function slotOfObject(slotCount: number, externalSecrets: ExternalSecretSlots): (kind: string, object: { metadata: { name: string; namespace?: string } }) => number {
  const store = keyedSlot("store", slotCount);
  return (kind, { metadata }) => {
    switch (kind) {
      case "ExternalSecret":
        return externalSecrets.slot(esKey({ metadata }));
      case "SecretStore":
      case "ClusterSecretStore":
        return store(storeQueueKey({ kind, metadata } as Pick<SecretStore, "kind" | "metadata">));
      case "PushSecret":
        return keyedSlot(kind, slotCount)(`${metadata.namespace}/${metadata.name}`);
      default:
        return keyedSlot(kind, slotCount)(metadata.name);
    }
  };
}
