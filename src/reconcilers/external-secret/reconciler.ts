// The ExternalSecret reconcile, in one screen: read -> decide (pure) -> fetch -> render -> write Secret if
// changed -> status if changed -> schedule the next refresh. A refresh that finds nothing new writes nothing.
import type { Logger } from "pino";
import type { KubernetesObject, V1Secret } from "@kubernetes/client-node";
import type { ExternalSecret, ExternalSecretStatus } from "../../api/external-secret.ts";
import type { StoreRef } from "../../api/common.ts";
import { refreshIntervalMs, refreshPolicy, resolvedTarget } from "../../api/defaults.ts";
import { API_VERSION } from "../../api/common.ts";
import { TerminalError, type ReconcileResult } from "../../controller/controller.ts";
import { monotonicNow, type Clock } from "../../controller/clock.ts";
import { unitHash } from "../../controller/jitter.ts";
import type { EventRecorder } from "../../kube/events.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { patchStatus } from "../../kube/status.ts";
import { ConfigError, ProviderError, ProviderUnavailableError, safeMessage } from "../../provider/errors.ts";
import { scrubMessage, ValueScrubber } from "../../provider/scrub.ts";
import { storeKeyOf, type StoreSessions } from "../../provider/sessions.ts";
import type { SecretsClient } from "../../provider/types.ts";
import { apiTemplateSources, renderIsolated } from "../../template/index.ts";
import { findCondition, readyCondition, Reason, statusEqual, withCondition } from "./conditions.ts";
import { desiredSecret, looksCurrent, orphanedSecrets } from "./desired-secret.ts";
import { dataChanged } from "../rollout-restart/dependencies.ts";
import { fetchData } from "./fetch.ts";
import { fetchOutcome, OutcomeMessage } from "./fetch-outcome.ts";
import { syncVersion } from "./hashes.ts";
import { nextSlot, refreshDecision, refreshGroup, storeRefsOf, usesGenerators } from "./refresh.ts";
import { liveView } from "./live-view.ts";
import { generateFromRef, type GenerateEnv } from "../../generators/index.ts";
import { generateContexts, kubeGeneratorReader } from "../../kube/generators.ts";
import type { GeneratorStates } from "../../generators/state/run-states.ts";
import { resolveStore, type StoreLookup } from "./store-access.ts";
import { refreshFloor } from "../../api/refresh-floor.ts";
import { FloorLog, floorNote } from "../refresh-floor.ts";
import type { SecretWriter, WriteOutcome } from "./secret-writer.ts";
import { manifestKind, ManifestKindError, type ManifestKind } from "../../api/manifest-target.ts";
import { manifestLooksCurrent } from "./manifest-target/desired.ts";
import { deleteManifest, syncManifest } from "./manifest-target/sync.ts";
import type { ManifestWriter } from "./manifest-target/writer.ts";
import { rfc3339 } from "../../api/rfc3339.ts";

/** target.manifest support (ESO's --unsafe-allow-generic-targets). */
export interface ManifestTargets {
  /** false: an ExternalSecret with target.manifest fails with ESO's message naming the flag. */
  allowed: boolean;
  writer: ManifestWriter;
  /** The watch cache of rendered objects ("unknown": not watched yet, or the operator may not watch the kind). */
  cached?: (kind: ManifestKind, namespace: string, name: string) => Promise<(KubernetesObject & { contentDigest?: string }) | undefined | "unknown">;
}

/** The manifest kind, or the problem that stops the sync (ConfigError: fixed only by a spec change). */
function manifestTargetOf(es: ExternalSecret, manifests: ManifestTargets | undefined): { kind?: ManifestKind; problem?: string } {
  try {
    const kind = manifestKind(es);
    if (kind && !manifests?.allowed) return { problem: "generic targets are disabled. Enable with --unsafe-allow-generic-targets flag" };
    return { kind };
  } catch (err) {
    if (err instanceof ManifestKindError) return { problem: err.message };
    throw err;
  }
}

export interface ExternalSecretCache extends StoreLookup {
  externalSecret(namespace: string, name: string): ExternalSecret | undefined;
  managedSecret(namespace: string, name: string): V1Secret | undefined;
  /** Every managed Secret of the namespace, as the watch caches it. */
  managedSecrets(namespace: string): V1Secret[];
  /** Whether the namespace is being deleted (asked only after a failed sync); false when unknown. */
  namespaceTerminating?(name: string): Promise<boolean>;
}

export interface ExternalSecretReconcilerDeps {
  clients: KubeClients;
  cache: ExternalSecretCache;
  sessions: StoreSessions;
  writer: SecretWriter;
  events: EventRecorder;
  clock: Clock;
  log: Logger;
  /** Observes each sync's outcome (metrics; store recovery, which wakes ExternalSecrets a provider outage failed). */
  onSync?: (es: ExternalSecret, ok: boolean, providerUnavailable?: boolean) => void;
  /** --min-refresh-interval: shorter refreshIntervals are raised to it (0 or unset: no floor). */
  minRefreshIntervalMs?: number;
  manifests?: ManifestTargets;
  /**
   * Called after a write that changed the target Secret's data (not a creation, not a metadata-only update),
   * with the hash of the new data: rollout restarts of spec.target.rolloutRestartTargets. Must not throw.
   */
  onDataChanged?: (es: ExternalSecret, secret: string, digest: string) => void;
  /**
   * Hand the status patch and Events back as `finishing` instead of awaiting them (the operator: its Controller keeps
   * the key in progress until they land). Off, reconcile resolves after them (unit tests, the CLI).
   */
  pipelineStatus?: boolean;
  /**
   * A refresh a RefreshReceiver call asked for (issue 20): the moment it was asked, consumed by this reconcile.
   * Such a sync reads nothing cached from before that moment.
   */
  takeRefreshRequest?: (key: string) => number | undefined;
  /** Generators beyond the offline ones (the providers' own), and the tenant rules they run under (src/generators/resolve.ts). */
  generators?: Omit<GenerateEnv, "context">;
  /**
   * When (monotonic) a store last came back from an outage (src/operator/store-recovery.ts): an ExternalSecret whose
   * last sync failed may share any read made since, so those woken together read each key about once.
   */
  recoveredAt?: (storeKey: string) => number | undefined;
  /** GeneratorStates (ESO's --enable-generator-state): what stateful generators make is revoked once replaced. */
  generatorStates?: GeneratorStates;
}

/** The dataFrom indexes that are generatorRefs: states kept for any other index are retired. */
const generatorIndexes = (es: ExternalSecret): Set<number> => new Set((es.spec.dataFrom ?? []).flatMap((entry, i) => (entry.sourceRef?.generatorRef ? [i] : [])));


/** The reconcile function, and `forget`: what it remembers per key, dropped (sharded: a slot handed over). */
export type ExternalSecretReconcile = ((key: string) => Promise<ReconcileResult>) & { forget(key: string): void };

export function externalSecretReconciler(deps: ExternalSecretReconcilerDeps): ExternalSecretReconcile {
  const startedAt = deps.clock.now();
  const lastChecked = new Map<string, number>();
  // The stores' versions (uid and generation) each ExternalSecret was last synced or checked against, in this
  // process only: empty after a restart, so a restart alone never looks like a store change.
  const storesSeen = new Map<string, string>();
  const floorLog = new FloorLog(deps.log);
  // After the wall clock was set back, the last check lies in the future and the next grid point after it would hold
  // the refresh back by the whole jump: such a check counts as made now, and stays so (capping it anew on every look
  // would move the next grid point ahead each time).
  const lastCheckedAt = (key: string, now: number): number => {
    const at = lastChecked.get(key) ?? startedAt;
    if (at <= now) return at;
    lastChecked.set(key, now);
    return now;
  };
  const readGenerator = kubeGeneratorReader(deps.clients);
  const generateEnv: GenerateEnv = { ...deps.generators, context: generateContexts(deps.clients, deps.log.child({ component: "generator" })) };
  const storesVersion = (es: ExternalSecret, namespace: string): string =>
    storeRefsOf(es)
      .map(({ kind, name }) => {
        const store = deps.cache.store(kind, name, kind === "SecretStore" ? namespace : undefined);
        return `${kind}/${name}@${store?.metadata.uid ?? "-"}/${store?.metadata.generation ?? "-"}`;
      })
      .join(",");

  /** Drops what this process remembers of `key` (deleted, or its slot handed to another replica). */
  const forget = (key: string): void => {
    lastChecked.delete(key);
    storesSeen.delete(key);
    floorLog.forget(key);
  };
  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = key.split("/") as [string, string];
    const es = deps.cache.externalSecret(namespace, name);
    if (!es || es.metadata.deletionTimestamp) {
      forget(key);
      return;
    }
    const now = deps.clock.now();
    const target = resolvedTarget(es);
    const floored = refreshFloor(refreshIntervalMs(es), deps.minRefreshIntervalMs ?? 0);
    floorLog.note(key, es.metadata.generation, es.spec.refreshInterval, floored);
    const intervalMs = floored.ms;
    const note = floorNote(es.spec.refreshInterval, floored);
    const ready = findCondition(es.status?.conditions, "Ready");
    const expectsManagedSecret = (target.creationPolicy === "Owner" || target.creationPolicy === "Orphan") && ready?.reason !== Reason.SecretDeleted;
    const manifest = manifestTargetOf(es, deps.manifests);
    const targetCurrent = async (secret: V1Secret | undefined): Promise<boolean> => {
      if (!expectsManagedSecret) return true;
      if (manifest.problem) return false;
      if (!manifest.kind) return looksCurrent(secret);
      const cached = await deps.manifests?.cached?.(manifest.kind, namespace, target.name);
      return cached !== "unknown" && manifestLooksCurrent(cached, target);
    };
    const phaseMs = unitHash(refreshGroup(es)) * intervalMs;
    const stores = storesVersion(es, namespace);
    const requestedAt = deps.takeRefreshRequest?.(key);
    const seenStores = storesSeen.get(key);
    storesSeen.set(key, stores);
    const generates = usesGenerators(es);
    const decide = async (view: ExternalSecret, secret: V1Secret | undefined) => {
      const viewReady = findCondition(view.status?.conditions, "Ready");
      return refreshDecision({
        policy: refreshPolicy(es),
        intervalMs,
        currentVersion: syncVersion(view.metadata),
        syncedVersion: view.status?.syncedResourceVersion,
        refreshTimeMs: view.status?.refreshTime ? Date.parse(view.status.refreshTime) : undefined,
        lastSyncOk: viewReady?.status === "True",
        secretCurrent: await targetCurrent(secret),
        storeChanged: seenStores !== undefined && seenStores !== stores,
        generates,
        lastCheckedMs: lastCheckedAt(key, now),
        phaseMs,
        nowMs: now,
        requested: requestedAt !== undefined,
        syncWindows: es.spec.syncWindows,
      });
    };
    let decision = await decide(es, deps.cache.managedSecret(namespace, target.name));
    // A generator's sync replaces values: one the cache asks for (anything but the clock's "due") is confirmed live.
    if (decision.sync && generates && decision.why !== "due") {
      // Unreadable (RBAC from before generators lacks get on externalsecrets): the cache decides, as for stores;
      // only the rare race with our own last write is left unguarded.
      const live = await liveView(deps.clients, namespace, name, target.name).catch((err: unknown) => {
        deps.log.warn({ externalSecret: key, error: safeMessage(err) }, "could not read the ExternalSecret live before generating; deciding from the cache");
        return undefined;
      });
      if (live && !live.es) return;
      if (live) decision = await decide(live.es!, live.secret);
    }
    const refreshTimeMs = es.status?.refreshTime ? Date.parse(es.status.refreshTime) : undefined;
    if (decision.why === "window-closed") deps.log.debug({ externalSecret: key, kind: es.spec.syncWindows?.kind }, "periodic refresh blocked by SyncWindow");
    if (!decision.sync) return decision.requeueAfterMs === undefined ? undefined : { requeueAfterMs: decision.requeueAfterMs };
    lastChecked.set(key, now);
    const log = deps.log.child({ externalSecret: key });
    log.debug({ why: decision.why }, "syncing");

    const eventTarget = { apiVersion: API_VERSION, kind: "ExternalSecret", name, namespace, uid: es.metadata.uid };
    const sessionFor = async (ref: StoreRef | undefined): Promise<SecretsClient> => {
      const store = await resolveStore(ref, namespace, deps.cache);
      const session = await deps.sessions.get(store, namespace);
      // A periodic refresh may reuse a read made a moment ago by an ExternalSecret due at the same grid point
      // (a quarter of the interval at most); a spec or metadata change (force-sync) or a retry must not.
      // A new ExternalSecret may share too: a burst of them reading one key costs one call.
      // A changed store is a new session, so its reads are only shared with others reading the changed store.
      const shareable = decision.why === "due" || decision.why === "secret-drift" || decision.why === "new" || decision.why === "store-changed";
      // A webhook refresh takes only reads made after the call arrived: fresh, yet shared by the ExternalSecrets it wakes.
      if (decision.why === "requested") return session.maxAge(Math.max(0, now - requestedAt!));
      // After an outage, a read made since the provider came back is as fresh as a failed ExternalSecret needs.
      const recovered = decision.why === "not-synced" ? deps.recoveredAt?.(storeKeyOf(store)) : undefined;
      if (recovered !== undefined) return session.maxAge(Math.max(0, monotonicNow(deps.clock) - recovered));
      return session.maxAge(shareable ? intervalMs / 4 : 0);
    };

    let status: ExternalSecretStatus;
    let outcome: WriteOutcome = "unchanged";
    let orphansDeleted: string[] = [];
    let changedDigest: string | undefined;
    // Every value this reconcile handles, so no error message can carry one to status, Events or logs.
    const values = new ValueScrubber();
    const states = deps.generatorStates?.begin({ apiVersion: API_VERSION, kind: "ExternalSecret", namespace, name, uid: es.metadata.uid ?? "" });
    try {
      if (manifest.problem) throw new ConfigError(manifest.problem);
      const fetched = await fetchData(es, sessionFor, target.deletionPolicy !== "Retain", (ref, index) => generateFromRef(ref, namespace, readGenerator, generateEnv, states?.keeper(index)));
      values.addAll(Object.values(fetched.data));
      const decided = fetchOutcome({ deletionPolicy: target.deletionPolicy, entries: fetched.entries, gone: fetched.missing.length, keys: Object.keys(fetched.data).length });
      if (decided.action === "delete") {
        outcome = manifest.kind ? await deleteManifest(deps.manifests!.writer, es, manifest.kind, target.name) : await deps.writer.delete(es, namespace, target.name);
      } else if (decided.action === "write" && manifest.kind) {
        const sources = apiTemplateSources(deps.clients.core, namespace);
        outcome = await syncManifest(deps.manifests!.writer, { es, target, kind: manifest.kind, data: fetched.data, sources, key, values });
      } else if (decided.action === "write") {
        const rendered = await renderIsolated(es.spec.target?.template, fetched.data, apiTemplateSources(deps.clients.core, namespace), key, values);
        values.addAll([...Object.values(rendered.data), ...Object.values(rendered.labels), ...Object.values(rendered.annotations)]);
        // A renamed target (Owner): the Secret(s) made under the old name go, as in ESO. ESO looks on every sync;
        // a rename is a spec change (also across a restart: syncedResourceVersion lags), so we look only then and
        // a refresh at rest never scans the namespace's Secrets.
        const renamable = target.creationPolicy === "Owner" && (decision.why === "new" || decision.why === "changed" || decision.why === "not-synced");
        const orphans = renamable ? orphanedSecrets(deps.cache.managedSecrets(namespace), es, target.name) : [];
        if (orphans.length > 0) orphansDeleted = await deps.writer.deleteOrphans(es, target.name, orphans);
        const before = deps.cache.managedSecret(namespace, target.name);
        const desired = desiredSecret(es, target, rendered);
        const written = await deps.writer.write(es, target, desired, before);
        outcome = written.outcome;
        if (written.data && dataChanged(outcome, written.data.before, written.data.after)) changedDigest = written.data.after;
      } else {
        // Logged at info once per transition (the condition's message changes); every later refresh at debug.
        const level = ready?.message?.startsWith(decided.message) ? "debug" : "info";
        log[level]({ secret: target.name, deletionPolicy: target.deletionPolicy }, "provider returned no data; secret left as it is");
      }
      // ESO's Merge without a target: Ready=True, SecretMissing, no Event (a Warning on every refresh would be a storm).
      const done = outcome === "missing" ? { reason: Reason.SecretMissing, message: OutcomeMessage.mergeMissing } : decided;
      if (outcome === "missing") log[ready?.reason === Reason.SecretMissing ? "debug" : "info"]({ secret: target.name }, "target secret missing; creationPolicy Merge creates nothing");
      const condition = readyCondition("True", done.reason, `${done.message}${note}`, ready, new Date(now));
      const wrote = outcome === "created" || outcome === "updated" || outcome === "deleted";
      status = {
        ...es.status,
        refreshTime: wrote || refreshTimeMs === undefined ? rfc3339(now) : es.status!.refreshTime,
        syncedResourceVersion: syncVersion(es.metadata),
        conditions: withCondition(es.status?.conditions, condition),
        binding: { name: target.name },
      };
      deps.onSync?.(es, true);
    } catch (err) {
      // What this sync generated was never handed out: revoked now, whatever failed.
      await states?.rollback();
      // Deleting a namespace deletes stores and Secrets, possibly before their ExternalSecrets, and refuses new
      // objects in it: the failures that follow are the deletion's, not the ExternalSecret's. Nothing to report.
      if (await deps.cache.namespaceTerminating?.(namespace)) {
        log.debug({ error: scrubMessage(safeMessage(err), values) }, "namespace is being deleted; sync abandoned");
        return;
      }
      deps.onSync?.(es, false, err instanceof ProviderUnavailableError);
      const reason = Reason.SecretSyncedError;
      // The Ready reason stays ESO's (tools key on it); the message names our finer reason (PermissionDenied,
      // ProviderUnavailable, SecretNotFound, StoreNotReady ...) first, so people and alerts can tell them apart.
      const detail = err instanceof ProviderError ? `${err.reason}: ` : "";
      const message = scrubMessage(`could not sync secret: ${detail}${safeMessage(err)}`, values);
      const condition = readyCondition("False", reason, `${message}${note}`, ready, new Date(now));
      const failed: ExternalSecretStatus = { ...es.status, conditions: withCondition(es.status?.conditions, condition) };
      if (!statusEqual(failed, es.status)) {
        await patchStatus(deps.clients, { plural: "externalsecrets", namespace, name }, failed);
        await deps.events.warning(eventTarget, "UpdateFailed", message);
      }
      log.warn({ reason: err instanceof ProviderError ? err.reason : "Error", error: message }, "sync failed");
      if (err instanceof ConfigError) throw new TerminalError(message);
      // The controller logs what it catches: only the scrubbed message may travel on.
      throw new Error(message);
    }

    await states?.commit(generatorIndexes(es));
    // What follows the sync: the status, the Events, the rollout trigger. Pipelined, the worker takes the next key
    // while these are in flight (the controller keeps this key in progress until they land).
    const finish = async (): Promise<void> => {
      if (!statusEqual(status, es.status)) await patchStatus(deps.clients, { plural: "externalsecrets", namespace, name }, status);
      const what = `${manifest.kind ? manifest.kind.kind : "secret"} ${target.name}`;
      if (outcome === "created") await deps.events.normal(eventTarget, "Created", `${what} created`);
      if (outcome === "updated") await deps.events.normal(eventTarget, "Updated", `${what} updated`);
      if (outcome === "deleted") await deps.events.normal(eventTarget, "Deleted", `${what} deleted due to DeletionPolicy=Delete`);
      for (const orphan of orphansDeleted) {
        await deps.events.normal(eventTarget, "Deleted", `secret ${orphan} deleted because it was orphaned`);
        log.info({ secret: orphan }, "deleted orphaned secret");
      }
      if (changedDigest !== undefined) deps.onDataChanged?.(es, target.name, changedDigest);
      if (outcome !== "unchanged" && outcome !== "missing") log.info({ outcome, target: what }, manifest.kind ? "target written" : "secret written");
    };
    const requeueAfterMs = refreshPolicy(es) !== "Periodic" || intervalMs === 0 ? undefined : Math.max(0, nextSlot(0, phaseMs, intervalMs, now) - now);
    if (deps.pipelineStatus) return { ...(requeueAfterMs === undefined ? {} : { requeueAfterMs }), finishing: finish() };
    await finish();
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  };
  return Object.assign(reconcile, { forget });
}
