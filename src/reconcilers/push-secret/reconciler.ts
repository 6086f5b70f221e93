// The PushSecret reconcile: finalizer -> decide (nothing changed and not due: no call at all) -> read the source
// Secret(s) live -> render -> per store: plan entries, push each (the provider compares before it writes) ->
// remove what is no longer pushed (deletionPolicy Delete) -> status if changed. At rest a due refresh costs one
// provider read per entry and no write on either side.
import type { Logger } from "pino";
import type { V1Secret } from "@kubernetes/client-node";
import { GROUP } from "../../api/common.ts";
import { intervalMs as writtenIntervalMs } from "../../api/defaults.ts";
import { PUSH_API_VERSION, PUSH_VERSION, type PushSecret, type PushSecretStatus, type SyncedPushSecrets } from "../../api/push-secret.ts";
import type { SecretStore } from "../../api/secret-store.ts";
import { refreshFloor } from "../../api/refresh-floor.ts";
import { TerminalError, type ReconcileResult } from "../../controller/controller.ts";
import type { Clock } from "../../controller/clock.ts";
import { unitHash } from "../../controller/jitter.ts";
import type { EventRecorder } from "../../kube/events.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { replaceStatus } from "../../kube/status.ts";
import { ConfigError, ProviderError, safeMessage } from "../../provider/errors.ts";
import { scrubMessage, ValueScrubber } from "../../provider/scrub.ts";
import type { StoreSessions } from "../../provider/sessions.ts";
import type { PushClient } from "../../provider/types.ts";
import { apiTemplateSources, renderIsolated } from "../../template/index.ts";
import { findCondition, readyCondition, withCondition } from "../external-secret/conditions.ts";
import { semanticEqual } from "../../kube/semantic-equal.ts";
import { syncVersion } from "../external-secret/hashes.ts";
import { nextSlot } from "../external-secret/refresh.ts";
import { addFinalizer, hasFinalizer, removeFinalizer } from "./finalizer.ts";
import { planForStore, validateDataToRefs, validateDataToSelectors } from "./plan.ts";
import { readSources, selectedCached, sourcesDigest } from "./sources.ts";
import { pushStoreKey, resolvePushStores, type PushStoreLookup } from "./stores.ts";
import { removeUnpushed, type PushSessionFor } from "./cleanup.ts";
import { generateFromRef, type GenerateEnv } from "../../generators/index.ts";
import { generateContexts, kubeGeneratorReader } from "../../kube/generators.ts";
import type { GeneratorStates } from "../../generators/state/run-states.ts";
import { rfc3339 } from "../../api/rfc3339.ts";

export const PushReason = { Synced: "Synced", Errored: "Errored", SourceDeleted: "SourceDeleted" } as const;

export interface PushSecretCache extends PushStoreLookup {
  pushSecret(namespace: string, name: string): PushSecret | undefined;
  /** The cached Secrets of the namespace (metadata and data hash), undefined until its watch has synced. */
  sourceSecrets(namespace: string): V1Secret[] | undefined;
}

export interface PushSecretReconcilerDeps {
  clients: KubeClients;
  cache: PushSecretCache;
  sessions: StoreSessions;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
  /** Starts the watch of the namespace's Secrets (resolves when its cache is complete). */
  watchSources(namespace: string): Promise<void>;
  minRefreshIntervalMs?: number;
  /** Generators beyond the offline ones (the providers' own), and the tenant rules they run under (as for ExternalSecrets). */
  generators?: Omit<GenerateEnv, "context">;
  /** GeneratorStates: what a stateful selector.generatorRef makes is revoked once replaced (ESO's key "0"). */
  generatorStates?: GeneratorStates;
  /** Observes each sync: provider writes and deletes made, and whether it succeeded (metrics). */
  onSync?: (ps: PushSecret, result: { ok: boolean; writes: number; deletes: number }) => void;
}

const statusEqual = (a: PushSecretStatus | undefined, b: PushSecretStatus | undefined) => semanticEqual(a ?? {}, b ?? {});

function intervalMsOf(ps: PushSecret, floorMs: number): number {
  return refreshFloor(writtenIntervalMs(ps.spec.refreshInterval), floorMs).ms;
}

/** A source Secret named by the spec does not exist (and nothing was pushed from it that Delete must remove). */
class SourceMissingError extends ProviderError {
  constructor(name: string) {
    super(`could not get source secret ${name}: not found`, "SourceNotFound");
  }
}

/**
 * With selector.generatorRef every run pushes new values (a rotation), so it runs only when asked for: a new or
 * changed spec, changed stores, a failed last run, or the interval passed since the last push. The last push's time
 * is status.refreshTime, which survives a restart: a restart alone never rotates. "run", or when to look again.
 */
function generatorWait(ps: PushSecret, intervalMs: number, now: number, storesChanged: boolean, pushedAtOf: (statusTime: number) => number): "run" | ReconcileResult {
  const ready = findCondition(ps.status?.conditions, "Ready");
  const pushedAt = ps.status?.refreshTime ? Date.parse(ps.status.refreshTime) : Number.NaN;
  if (storesChanged || ready?.status !== "True" || ps.status?.syncedResourceVersion !== syncVersion(ps.metadata) || Number.isNaN(pushedAt)) return "run";
  if (intervalMs === 0) return undefined;
  const dueAt = pushedAtOf(pushedAt) + intervalMs;
  return dueAt <= now ? "run" : { requeueAfterMs: dueAt - now };
}

export function pushSecretReconciler(deps: PushSecretReconcilerDeps): (key: string) => Promise<ReconcileResult> {
  const readGenerator = kubeGeneratorReader(deps.clients);
  const generateEnv: GenerateEnv = { ...deps.generators, context: generateContexts(deps.clients, deps.log.child({ component: "generator" })) };
  // What each PushSecret last pushed successfully from (spec version, source data hashes, stores' versions) and
  // when: a reconcile woken by anything else with the same inputs before the next slot makes no call.
  const lastPushed = new Map<string, { inputs: string; atMs: number }>();
  // A push time ahead of now (our clock was set back, or another replica's runs ahead) counts as the moment it was
  // first seen so: the next rotation waits one interval, not the jump as well, and is not put off on every look.
  const futurePushes = new Map<string, { statusTime: number; seenAt: number }>();
  const pushTimeAt = (key: string, statusTime: number, now: number): number => {
    if (statusTime <= now) {
      futurePushes.delete(key);
      return statusTime;
    }
    const seen = futurePushes.get(key);
    if (seen?.statusTime === statusTime) return seen.seenAt;
    futurePushes.set(key, { statusTime, seenAt: now });
    return now;
  };

  const sessionFor: (namespace: string) => PushSessionFor = (namespace) => async (store: SecretStore): Promise<PushClient> => {
    const session = await deps.sessions.get(store, namespace);
    if (!session.push) throw new ConfigError(`${store.kind} ${store.metadata.name} cannot be written to: its provider is ReadOnly`);
    return session.push;
  };

  const storesVersion = (stores: SecretStore[]) => stores.map((store) => `${pushStoreKey(store)}@${store.metadata.uid ?? ""}/${store.metadata.generation ?? ""}`).join(",");

  async function writeStatus(ps: PushSecret, status: PushSecretStatus): Promise<void> {
    if (statusEqual(status, ps.status)) return;
    await replaceStatus(deps.clients, { plural: "pushsecrets", api: { group: GROUP, version: PUSH_VERSION }, namespace: ps.metadata.namespace, name: ps.metadata.name }, status);
  }

  return async (key) => {
    const [namespace, name] = key.split("/") as [string, string];
    const ps = deps.cache.pushSecret(namespace, name);
    if (!ps) {
      lastPushed.delete(key);
      futurePushes.delete(key);
      return;
    }
    const log = deps.log.child({ pushSecret: key });
    const eventTarget = { apiVersion: PUSH_API_VERSION, kind: "PushSecret", name, namespace, uid: ps.metadata.uid };
    const previous: SyncedPushSecrets = ps.status?.syncedPushSecrets ?? {};
    const deleteMode = ps.spec.deletionPolicy === "Delete";
    const now = deps.clock.now();

    if (ps.metadata.deletionTimestamp) {
      lastPushed.delete(key);
      if (!hasFinalizer(ps)) return;
      if (deleteMode) {
        const left = await removeUnpushed(previous, {}, namespace, deps.cache, sessionFor(namespace), log);
        if (left.error) {
          await failed(ps, `Failed to Delete Secrets from Provider: ${left.error}`, left.remaining);
          throw new Error(left.error);
        }
      }
      await removeFinalizer(deps.clients, ps);
      return;
    }
    // The finalizer is the first write: the patched object comes back through the watch and syncs then.
    if (deleteMode && !hasFinalizer(ps)) return void (await addFinalizer(deps.clients, ps));
    if (!deleteMode && hasFinalizer(ps)) await removeFinalizer(deps.clients, ps);

    const intervalMs = intervalMsOf(ps, deps.minRefreshIntervalMs ?? 0);
    const phaseMs = unitHash(key) * (intervalMs || 1);
    // Secrets are watched only in namespaces whose PushSecrets push Secrets (a generator's output is not one).
    if (ps.spec.selector.secret) await deps.watchSources(namespace);
    const digest = sourcesDigest(selectedCached(ps, deps.cache.sourceSecrets(namespace)));
    let stores: SecretStore[] = [];
    const values = new ValueScrubber();

    async function failed(current: PushSecret, message: string, synced?: SyncedPushSecrets): Promise<void> {
      const ready = findCondition(current.status?.conditions, "Ready");
      const condition = readyCondition("False", PushReason.Errored, message, ready, new Date(now));
      const status: PushSecretStatus = { ...current.status, conditions: withCondition(current.status?.conditions, condition), ...(synced ? { syncedPushSecrets: synced } : {}) };
      if (statusEqual(status, current.status)) return;
      await writeStatus(current, status);
      await deps.events.warning(eventTarget, PushReason.Errored, message);
    }

    // A generator's output is one source, dataFrom-like index 0 (ESO's defaultGeneratorStateKey).
    const states = ps.spec.selector.generatorRef ? deps.generatorStates?.begin({ apiVersion: PUSH_API_VERSION, kind: "PushSecret", namespace, name, uid: ps.metadata.uid ?? "" }) : undefined;
    try {
      validateDataToRefs(ps.spec);
      stores = await resolvePushStores(ps, deps.cache);
      const generated = ps.spec.selector.generatorRef !== undefined;
      const inputs = `${syncVersion(ps.metadata)}|${generated ? "generator" : (digest ?? "?")}|${storesVersion(stores)}`;
      const last = lastPushed.get(key);
      if (generated) {
        const wait = generatorWait(ps, intervalMs, now, last !== undefined && last.inputs !== inputs, (pushedAt) => pushTimeAt(key, pushedAt, now));
        if (wait !== "run") return wait;
      } else {
        if (last && last.atMs > now) last.atMs = now;
        const dueAt = last && intervalMs > 0 ? nextSlot(0, phaseMs, intervalMs, last.atMs) : undefined;
        if (last && digest !== undefined && last.inputs === inputs && (dueAt === undefined || dueAt > now)) {
          return dueAt === undefined ? undefined : { requeueAfterMs: dueAt - now };
        }
      }

      const sources = await readSources(deps.clients, ps, deps.cache.sourceSecrets(namespace), (ref, ns) => generateFromRef(ref, ns, readGenerator, generateEnv, states?.keeper(0)));
      if ("missing" in sources) {
        if (!deleteMode || Object.keys(previous).length === 0) throw new SourceMissingError(sources.missing);
        // ESO: the source is gone and Delete is asked for: what was pushed from it goes too.
        const left = await removeUnpushed(previous, {}, namespace, deps.cache, sessionFor(namespace), log);
        if (left.error) throw new ProviderError(`failed to cleanup provider secrets: ${left.error}`, "DeleteFailed");
        const message = "source secret deleted; provider secrets cleaned up";
        const condition = readyCondition("False", PushReason.SourceDeleted, message, findCondition(ps.status?.conditions, "Ready"), new Date(now));
        await writeStatus(ps, { ...ps.status, syncedPushSecrets: {}, conditions: withCondition(ps.status?.conditions, condition) });
        await deps.events.normal(eventTarget, PushReason.SourceDeleted, message);
        lastPushed.set(key, { inputs, atMs: now });
        return;
      }
      validateDataToSelectors(ps.spec, stores.map((store) => ({ kind: store.kind as "SecretStore" | "ClusterSecretStore", name: store.metadata.name, labels: store.metadata.labels })));

      const synced: SyncedPushSecrets = {};
      const writtenFrom = new Map<string, string>();
      let writes = 0;
      const templateSources = apiTemplateSources(deps.clients.core, namespace);
      try {
        for (const source of sources.found) {
          values.addAll(Object.values(source.data));
          const rendered = await renderIsolated(ps.spec.template, source.data, templateSources, key, values);
          values.addAll(Object.values(rendered.data));
          for (const store of stores) {
            const storeKey = pushStoreKey(store);
            const push = await sessionFor(namespace)(store);
            const planned = await planForStore(ps.spec, { kind: store.kind as "SecretStore" | "ClusterSecretStore", name: store.metadata.name, labels: store.metadata.labels }, rendered.data, key);
            const entries = (synced[storeKey] ??= {});
            for (const { statusKey, entry, request } of planned) {
              const other = writtenFrom.get(`${storeKey}|${statusKey}`);
              if (other !== undefined && other !== source.name) throw new ConfigError(`remote key ${statusKey} of ${storeKey} would be written from both Secret ${other} and Secret ${source.name}`);
              writtenFrom.set(`${storeKey}|${statusKey}`, source.name);
              if (ps.spec.updatePolicy === "IfNotExists" && (await push.secretExists(request.remoteRef))) {
                entries[statusKey] = entry;
                continue;
              }
              const outcome = await push.pushSecret(request);
              if (outcome !== "unchanged") {
                writes++;
                log.info({ store: storeKey, remoteKey: statusKey, outcome }, "pushed");
              }
              entries[statusKey] = entry;
            }
          }
        }
      } catch (err) {
        // What did reach the providers stays recorded, so a later Delete still finds it (ESO merges the same way).
        (err as { synced?: SyncedPushSecrets }).synced = mergeSynced(synced, previous);
        throw err;
      }
      let deletes = 0;
      if (deleteMode) {
        const left = await removeUnpushed(previous, synced, namespace, deps.cache, sessionFor(namespace), log);
        deletes = left.deleted;
        if (left.error) {
          const error = new ProviderError(`Failed to Delete Secrets from Provider: ${left.error}`, "DeleteFailed");
          (error as { synced?: SyncedPushSecrets }).synced = mergeSynced(synced, left.remaining);
          throw error;
        }
      }

      const message = ps.spec.updatePolicy === "IfNotExists" ? "PushSecret synced successfully. Existing secrets in providers unchanged." : "PushSecret synced successfully";
      const ready = findCondition(ps.status?.conditions, "Ready");
      const changed = writes + deletes > 0;
      const status: PushSecretStatus = {
        ...ps.status,
        refreshTime: changed || !ps.status?.refreshTime ? rfc3339(now) : ps.status.refreshTime,
        syncedResourceVersion: syncVersion(ps.metadata),
        syncedPushSecrets: synced,
        conditions: withCondition(ps.status?.conditions, readyCondition("True", PushReason.Synced, message, ready, new Date(now))),
      };
      await states?.commit(new Set([0]));
      await writeStatus(ps, status);
      if (changed || ready?.status !== "True") await deps.events.normal(eventTarget, PushReason.Synced, message);
      deps.onSync?.(ps, { ok: true, writes, deletes });
      lastPushed.set(key, { inputs, atMs: now });
      if (intervalMs === 0) return;
      return { requeueAfterMs: Math.max(0, nextSlot(0, phaseMs, intervalMs, now) - now) };
    } catch (err) {
      // What this run generated reached no store, or not all of them: revoked now, the retry makes new values.
      await states?.rollback();
      lastPushed.delete(key);
      deps.onSync?.(ps, { ok: false, writes: 0, deletes: 0 });
      const detail = err instanceof ProviderError ? `${err.reason}: ` : "";
      const message = scrubMessage(`could not push secret: ${detail}${safeMessage(err)}`, values);
      await failed(ps, message, (err as { synced?: SyncedPushSecrets }).synced);
      log.warn({ reason: err instanceof ProviderError ? err.reason : "Error", error: message }, "push failed");
      if (err instanceof ConfigError) throw new TerminalError(message);
      throw new Error(message);
    }
  };
}

/** ESO's mergeSecretState: the new map, plus every store and entry of the old one it lacks. */
export function mergeSynced(next: SyncedPushSecrets, old: SyncedPushSecrets): SyncedPushSecrets {
  const out: SyncedPushSecrets = {};
  for (const [store, entries] of Object.entries(old)) out[store] = { ...entries };
  for (const [store, entries] of Object.entries(next)) out[store] = { ...out[store], ...entries };
  return out;
}
