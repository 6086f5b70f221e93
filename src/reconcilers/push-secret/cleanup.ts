// deletionPolicy Delete: what a PushSecret pushed before and pushes no more (an entry removed, a store dropped,
// the source or the PushSecret deleted) is removed from the provider. Only what we own goes: the adapter leaves a
// remote secret without our mark alone ("not-owned"), and a property push removes only its property.
import type { Logger } from "pino";
import type { SyncedPushSecrets } from "../../api/push-secret.ts";
import type { SecretStore } from "../../api/secret-store.ts";
import { safeMessage } from "../../provider/errors.ts";
import type { PushClient } from "../../provider/types.ts";
import { resolveStore, type StoreLookup } from "../external-secret/store-access.ts";

export type PushSessionFor = (store: SecretStore) => Promise<PushClient>;

export interface CleanupResult {
  deleted: number;
  /** What is still recorded as pushed (the entries not removed yet); equals `next` plus failures when error is set. */
  remaining: SyncedPushSecrets;
  /** The first failure; removal stops there and is retried by the next reconcile. */
  error?: string;
}

export async function removeUnpushed(previous: SyncedPushSecrets, next: SyncedPushSecrets, namespace: string, lookup: StoreLookup, sessionFor: PushSessionFor, log: Logger): Promise<CleanupResult> {
  const remaining: SyncedPushSecrets = {};
  for (const [store, entries] of Object.entries(previous)) remaining[store] = { ...entries };
  for (const [store, entries] of Object.entries(next)) remaining[store] = { ...remaining[store], ...entries };
  let deleted = 0;
  for (const [storeKey, entries] of Object.entries(previous)) {
    const gone = Object.entries(entries).filter(([statusKey]) => next[storeKey]?.[statusKey] === undefined);
    if (gone.length === 0) continue;
    const [kind, name] = storeKey.split("/") as ["SecretStore" | "ClusterSecretStore", string];
    if (!lookup.store(kind, name, kind === "SecretStore" ? namespace : undefined)) {
      // A deleted store cannot be asked to delete anything; holding on would block the PushSecret's deletion forever.
      log.warn({ store: storeKey, entries: gone.length }, "store is gone; what was pushed to it is left in the provider");
      for (const [statusKey] of gone) delete remaining[storeKey]![statusKey];
      continue;
    }
    try {
      const push = await sessionFor(await resolveStore({ kind, name }, namespace, lookup));
      for (const [statusKey, entry] of gone) {
        const outcome = await push.deleteSecret(entry.match.remoteRef);
        if (outcome === "deleted") deleted++;
        if (outcome === "not-owned") log.info({ store: storeKey, remoteKey: statusKey }, "not deleted: the provider's secret is not managed by external-secrets");
        else log.info({ store: storeKey, remoteKey: statusKey, outcome }, "removed from the provider");
        delete remaining[storeKey]![statusKey];
      }
    } catch (err) {
      return { deleted, remaining: dropEmpty(remaining), error: safeMessage(err) };
    }
  }
  return { deleted, remaining: dropEmpty(remaining) };
}

function dropEmpty(synced: SyncedPushSecrets): SyncedPushSecrets {
  return Object.fromEntries(Object.entries(synced).filter(([, entries]) => Object.keys(entries).length > 0));
}
