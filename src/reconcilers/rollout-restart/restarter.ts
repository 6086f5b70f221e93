// Rollout restarts (issue 19): when a managed Secret's data really changed, each workload that depends on it gets
// the hash of its Secrets' data on its pod template. A workload depends on a Secret when an ExternalSecret names
// it in spec.target.rolloutRestartTargets, or when its Stakater Reloader annotations ask for that Secret (found by
// listing the namespace's workloads once per debounce window after a change: nothing is watched or cached at rest).
// Requests for one workload within the debounce window become one patch; each namespace has a token-bucket
// budget, and what it refuses waits (never dropped). The hash covers every managed Secret the workload depends on,
// read from the live workload at restart time, so both ways of asking give the same hash and the patch is skipped
// when the workload already carries it: the same data never rolls anything twice. Failures are Warning Events on
// the ExternalSecrets, never a failed sync.
import type { Logger } from "pino";
import type { ExternalSecret } from "../../api/external-secret.ts";
import { API_VERSION } from "../../api/common.ts";
import { ANNOTATION_RESTARTED_FOR, ANNOTATION_SECRETS_HASH } from "../../api/markers.ts";
import { resolvedTarget } from "../../api/defaults.ts";
import type { Clock } from "../../controller/clock.ts";
import { TokenBucket } from "../../controller/token-bucket.ts";
import type { EventRecorder } from "../../kube/events.ts";
import { isConflict, isNotFound, kubeErrorSummary } from "../../kube/errors.ts";
import type { Workload, WorkloadApi } from "../../kube/workloads.ts";
import { dependenciesOf, secretsHash, workloadKey, type WorkloadId } from "./dependencies.ts";
import { reloaderRule, type SecretInfo } from "./reloader.ts";
import { changedSince, formatRestartedFor, parseRestartedFor } from "./restarted-for.ts";
import type { Condition } from "../../api/common.ts";
import { ROLLOUT_RESTART_CONDITION, rolloutCondition } from "./condition.ts";

export interface RestartBudget {
  /** Restarts per second per namespace, after the burst. */
  perSecond: number;
  burst: number;
}

export const DEFAULT_RESTART_BUDGET: RestartBudget = { perSecond: 1, burst: 10 };
export const DEFAULT_DEBOUNCE_MS = 1000;
/** A conflicting condition write waits for the watch to deliver the newer ExternalSecret, a few times. */
const CONDITION_ATTEMPTS = 5;
const CONDITION_RETRY_MS = 500;
/** A restart asked for while the same workload is being restarted looks again after this. */
const RUNNING_RETRY_MS = 100;

export type RestartResult = "restarted" | "unchanged" | "missing" | "failed";

export interface RolloutRestarterDeps {
  clock: Clock;
  log: Logger;
  events: EventRecorder;
  workloads: WorkloadApi;
  /** The ExternalSecrets of a namespace (of all namespaces for ""), as the watch caches them. */
  externalSecrets(namespace: string): ExternalSecret[];
  /**
   * Honour Stakater Reloader's annotations on workloads (needs list on the three kinds). Then `managedSecrets`
   * gives the namespace's managed Secrets (name and annotations) as the watch caches them.
   */
  reloader?: { managedSecrets(namespace: string): SecretInfo[] };
  /** The hash of a managed Secret's data, as the watch caches it (undefined: not seen). */
  secretDigest(namespace: string, name: string): string | undefined;
  debounceMs?: number;
  budget?: RestartBudget;
  onResult?: (namespace: string, kind: string, result: RestartResult) => void;
  /**
   * Writes the ExternalSecret's status.conditions, on the condition that the object is still at `es`'s
   * resourceVersion (the list replaces the whole field, so a stale copy must not win): throws a 409 otherwise,
   * and the restarter retries from the watch's newer copy. Absent: no condition.
   */
  writeConditions?: (es: ExternalSecret, conditions: Condition[]) => Promise<void>;
}

interface Pending {
  workload: WorkloadId;
  timer: unknown;
  /** ExternalSecret name -> the Secret whose change asked for this restart (for Events). */
  causes: Map<string, string>;
}

/** Secrets that changed in a namespace, waiting for the debounce window before its workloads are listed. */
interface PendingScan {
  timer: unknown;
  /** Secret name -> the ExternalSecret that wrote it. */
  changed: Map<string, string>;
}

export class RolloutRestarter {
  readonly #deps: RolloutRestarterDeps;
  readonly #pending = new Map<string, Pending>();
  readonly #scans = new Map<string, PendingScan>();
  /** Workloads being read or patched now: a second restart of one waits for the first (one Event, one patch). */
  readonly #running = new Set<string>();
  /** Namespaces whose workload list failed, warned about once until a list works again. */
  readonly #listWarned = new Set<string>();
  readonly #budgets = new Map<string, TokenBucket>();
  /** Digests just written by the reconciler: the watch may not have delivered those Secrets yet. */
  readonly #written = new Map<string, string>();
  /** Per ExternalSecret (`namespace/name`), the workloads whose last restart failed, with the message. */
  readonly #failures = new Map<string, Map<string, string>>();
  #stopped = false;

  constructor(deps: RolloutRestarterDeps) {
    const { perSecond, burst } = deps.budget ?? DEFAULT_RESTART_BUDGET;
    // A zero rate would hold every restart forever: refused at start-up rather than queued without end.
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error(`rollout restart budget: per-second must be > 0 and burst >= 1 (got ${perSecond}, ${burst})`);
    this.#deps = deps;
  }

  /** Restarts waiting for their debounce window or for the namespace's budget. */
  queued(): number {
    return this.#pending.size;
  }

  /** The reconciler wrote `secret` (of `es`) with new data, whose hash is `digest`. */
  dataChanged(es: ExternalSecret, secret: string, digest: string): void {
    const targets = es.spec.target?.rolloutRestartTargets ?? [];
    // Without targets or Reloader nothing is remembered: #written holds only Secrets a workload may be hashed over.
    if (this.#stopped || (targets.length === 0 && !this.#deps.reloader)) return;
    const namespace = es.metadata.namespace ?? "";
    this.#written.set(`${namespace}/${secret}`, digest);
    const debounceMs = this.#deps.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    for (const ref of targets) this.#request({ kind: ref.kind, namespace, name: ref.name }, es.metadata.name, secret, debounceMs);
    if (!this.#deps.reloader) return;
    const scan = this.#scans.get(namespace) ?? { timer: undefined, changed: new Map<string, string>() };
    scan.changed.set(secret, es.metadata.name);
    if (scan.timer === undefined) scan.timer = this.#deps.clock.setTimeout(() => void this.#scan(namespace), debounceMs);
    this.#scans.set(namespace, scan);
  }

  /** Asks for a restart of `workload` after `delayMs`, joining one already waiting. */
  #request(workload: WorkloadId, esName: string, secret: string, delayMs: number): void {
    const key = workloadKey(workload);
    const pending = this.#pending.get(key) ?? { workload, timer: undefined, causes: new Map() };
    pending.causes.set(esName, secret);
    if (pending.timer === undefined) pending.timer = this.#deps.clock.setTimeout(() => this.#due(key), delayMs);
    this.#pending.set(key, pending);
  }

  /** Lists the namespace's workloads and asks for a restart of each whose Reloader annotations want a changed Secret. */
  async #scan(namespace: string): Promise<void> {
    const scan = this.#scans.get(namespace);
    this.#scans.delete(namespace);
    if (!scan || !this.#deps.reloader) return;
    let workloads: Workload[];
    try {
      workloads = await this.#deps.workloads.list(namespace, (workload) => reloaderRule(workload) !== undefined);
      this.#listWarned.delete(namespace);
    } catch (err) {
      if (!this.#listWarned.has(namespace)) this.#deps.log.warn({ namespace, error: kubeErrorSummary(err) }, "cannot list workloads: Reloader annotations not honoured in this namespace");
      this.#listWarned.add(namespace);
      return;
    }
    const known = new Map(this.#managedSecrets(namespace).map((info) => [info.name, info]));
    for (const workload of workloads) {
      const rule = reloaderRule(workload)!;
      for (const [secret, esName] of scan.changed) {
        if (rule.reloadsOn(known.get(secret) ?? { name: secret, annotations: {} })) this.#request(workload, esName, secret, 0);
      }
    }
    this.#forgetCaughtUp(namespace);
  }

  /** The namespace's managed Secrets: the watch's, and those just written that it has not delivered (or never will: Merge targets). */
  #managedSecrets(namespace: string): SecretInfo[] {
    const cached = this.#deps.reloader?.managedSecrets(namespace) ?? [];
    const names = new Set(cached.map((info) => info.name));
    const prefix = `${namespace}/`;
    const written = [...this.#written.keys()].filter((id) => id.startsWith(prefix) && !names.has(id.slice(prefix.length)));
    return [...cached, ...written.map((id) => ({ name: id.slice(prefix.length), annotations: {} }))];
  }

  /** Drops the namespace's just-written digests the watch has caught up with. */
  #forgetCaughtUp(namespace: string): void {
    const prefix = `${namespace}/`;
    for (const [id, digest] of this.#written) {
      if (id.startsWith(prefix) && this.#deps.secretDigest(namespace, id.slice(prefix.length)) === digest) this.#written.delete(id);
    }
  }

  /**
   * Shutdown: nothing else will ask, so what waits for its debounce window restarts now (the data changed and no
   * later reconcile would notice a lost restart); what the budget still holds back is not restarted, and says so
   * with a Warning Event on its ExternalSecrets. Call after the reconcilers stopped.
   */
  async drain(): Promise<void> {
    // Changes waiting for their namespace's list are looked at now, so their restarts join the flush below.
    const scans = [...this.#scans.entries()];
    for (const [, scan] of scans) this.#deps.clock.clearTimeout(scan.timer);
    await Promise.all(scans.map(([namespace]) => this.#scan(namespace)));
    this.#stopped = true;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    const runs: Promise<void>[] = [];
    for (const entry of pending) {
      this.#deps.clock.clearTimeout(entry.timer);
      if (this.#budgetFor(entry.workload.namespace).tryTake()) {
        runs.push(this.#run(entry));
        continue;
      }
      const { kind, name, namespace } = entry.workload;
      const secrets = [...new Set(entry.causes.values())].sort().join(", ");
      this.#deps.log.warn({ workload: `${kind}/${name}`, namespace, secrets }, "operator stopping: rollout restart over budget not done");
      for (const esName of entry.causes.keys()) {
        await this.#deps.events.warning(this.#esTarget(namespace, esName), "RolloutRestartFailed", `${kind} ${name} not restarted after the data of secret ${secrets} changed: the operator stopped while the namespace's restart budget held it back (the next start makes it if the workload was restarted before)`);
      }
    }
    await Promise.all(runs);
  }

  #due(key: string): void {
    const pending = this.#pending.get(key);
    if (!pending || this.#stopped) return;
    if (this.#running.has(key)) {
      pending.timer = this.#deps.clock.setTimeout(() => this.#due(key), RUNNING_RETRY_MS);
      return;
    }
    const budget = this.#budgetFor(pending.workload.namespace);
    if (!budget.tryTake()) {
      // Over budget: wait for the next token; further changes meanwhile join this same restart.
      pending.timer = this.#deps.clock.setTimeout(() => this.#due(key), Math.ceil(1000 / this.#budget().perSecond));
      return;
    }
    this.#pending.delete(key);
    void this.#run(pending);
  }

  /** One restart, its metric and its condition; never rejects. */
  async #run(pending: Pending): Promise<void> {
    const key = workloadKey(pending.workload);
    this.#running.add(key);
    try {
      const { result, failure } = await this.#restart(pending);
      this.#deps.onResult?.(pending.workload.namespace, pending.workload.kind, result);
      await this.#report(pending, failure);
    } catch (err) {
      this.#deps.log.error({ workload: key, error: err instanceof Error ? err.message : "unknown" }, "rollout restart crashed");
    } finally {
      this.#running.delete(key);
    }
  }

  #budget(): RestartBudget {
    return this.#deps.budget ?? DEFAULT_RESTART_BUDGET;
  }

  #budgetFor(namespace: string): TokenBucket {
    let bucket = this.#budgets.get(namespace);
    if (!bucket) {
      const { perSecond, burst } = this.#budget();
      bucket = new TokenBucket({ requestsPerSecond: perSecond, burst }, () => this.#deps.clock.now());
      this.#budgets.set(namespace, bucket);
    }
    return bucket;
  }

  /**
   * The hash of the managed Secrets the live workload depends on (rolloutRestartTargets naming it, and its
   * Reloader annotations): just-written digests first, then the watch's.
   */
  #hashFor(workload: Workload): { hash: string; digests: Array<readonly [string, string | undefined]> } {
    const { namespace } = workload;
    const secrets = new Set(dependenciesOf(this.#deps.externalSecrets(namespace), workload).map(({ secret }) => secret));
    const rule = this.#deps.reloader && reloaderRule(workload);
    if (rule) for (const info of this.#managedSecrets(namespace)) if (rule.reloadsOn(info)) secrets.add(info.name);
    const digests = [...secrets].map((secret) => [secret, this.#currentDigest(namespace, secret)] as const);
    return { hash: secretsHash(digests), digests };
  }

  /** A Secret's data digest now: just written (the watch may lag, or never see a Merge target), else the watch's. */
  #currentDigest(namespace: string, secret: string): string | undefined {
    const id = `${namespace}/${secret}`;
    const cached = this.#deps.secretDigest(namespace, secret);
    const written = this.#written.get(id);
    if (written !== undefined && written === cached) this.#written.delete(id);
    return written ?? cached;
  }

  /**
   * After start-up (and on gaining leadership): a restart the previous operator owed and never made (it crashed
   * inside the debounce window or while the budget held the restart back) is made now. Judged per workload from
   * its restarted-for record, so only a Secret it was restarted for before, whose data changed since, restarts
   * it. Workloads come from one list of the three kinds (or, without list permission, a GET of each named in
   * rolloutRestartTargets). A workload never restarted has no record: its first restart cannot be recovered.
   */
  async resume(namespaces: string[], worksHere: (es: ExternalSecret) => boolean = () => true): Promise<void> {
    let workloads: Workload[] = [];
    try {
      const recorded = (workload: Workload) => ANNOTATION_RESTARTED_FOR in workload.annotations;
      for (const namespace of namespaces.length > 0 ? namespaces : [undefined]) workloads.push(...(await this.#deps.workloads.list(namespace, recorded)));
    } catch (err) {
      this.#deps.log.debug({ error: kubeErrorSummary(err) }, "cannot list workloads; resuming restarts for rolloutRestartTargets only");
      workloads = await this.#namedWorkloads(namespaces);
    }
    let owed = 0;
    for (const workload of workloads) {
      const record = parseRestartedFor(workload.annotations[ANNOTATION_RESTARTED_FOR]);
      if (record.size === 0) continue;
      for (const secret of changedSince(record, (name) => this.#currentDigest(workload.namespace, name))) {
        const writer = this.#deps.externalSecrets(workload.namespace).find((es) => !es.spec.target?.manifest && resolvedTarget(es).name === secret);
        // Sharded, the replica working the writer owes its restarts; the others leave them.
        if (!writer || !worksHere(writer)) continue;
        this.#request(workload, writer.metadata.name, secret, 0);
        owed++;
      }
    }
    if (owed > 0) this.#deps.log.info({ owed }, "resuming rollout restarts a previous run did not make");
  }

  /** The workloads rolloutRestartTargets name, read one by one (no list permission needed). */
  async #namedWorkloads(namespaces: string[]): Promise<Workload[]> {
    const scopes = namespaces.length > 0 ? namespaces : [undefined];
    const found: Workload[] = [];
    const seen = new Set<string>();
    for (const scope of scopes) {
      for (const es of this.#deps.externalSecrets(scope ?? "")) {
        for (const ref of es.spec.target?.rolloutRestartTargets ?? []) {
          const id = { kind: ref.kind, namespace: es.metadata.namespace ?? "", name: ref.name };
          if (seen.has(workloadKey(id))) continue;
          seen.add(workloadKey(id));
          try {
            const workload = await this.#deps.workloads.get(id.kind, id.namespace, id.name);
            if (workload) found.push(workload);
          } catch (err) {
            this.#deps.log.debug({ workload: workloadKey(id), error: kubeErrorSummary(err) }, "cannot read workload to resume its restart");
          }
        }
      }
    }
    return found;
  }

  /** Updates the RolloutRestart condition of the ExternalSecrets behind a restart; a failed write is only logged. */
  async #report({ workload, causes }: Pending, failure: string | undefined): Promise<void> {
    const what = `${workload.kind} ${workload.name}`;
    for (const esName of causes.keys()) {
      const key = `${workload.namespace}/${esName}`;
      const failures = this.#failures.get(key) ?? new Map<string, string>();
      if (failure === undefined) failures.delete(what);
      else failures.set(what, failure);
      if (failures.size === 0) this.#failures.delete(key);
      else this.#failures.set(key, failures);
      await this.#writeCondition(workload.namespace, esName, failures);
    }
  }

  /** The RolloutRestart condition from the watch's copy of the ExternalSecret; a conflict retries from a newer copy. */
  async #writeCondition(namespace: string, esName: string, failures: Map<string, string>): Promise<void> {
    const write = this.#deps.writeConditions;
    if (!write) return;
    for (let attempt = 1; ; attempt++) {
      const es = this.#deps.externalSecrets(namespace).find((candidate) => candidate.metadata.name === esName);
      if (!es) return;
      const previous = es.status?.conditions?.find((condition) => condition.type === ROLLOUT_RESTART_CONDITION);
      const condition = rolloutCondition(failures, previous, new Date(this.#deps.clock.now()));
      if (!condition) return;
      try {
        await write(es, [...(es.status?.conditions ?? []).filter((c) => c.type !== ROLLOUT_RESTART_CONDITION), condition]);
        return;
      } catch (err) {
        if (isConflict(err) && attempt < CONDITION_ATTEMPTS) {
          await new Promise<void>((resolve) => this.#deps.clock.setTimeout(resolve, CONDITION_RETRY_MS));
          continue;
        }
        this.#deps.log.warn({ externalSecret: `${namespace}/${esName}`, error: kubeErrorSummary(err) }, "could not write the RolloutRestart condition");
        return;
      }
    }
  }

  async #restart({ workload, causes }: Pending): Promise<{ result: RestartResult; failure?: string }> {
    const { kind, namespace, name } = workload;
    const log = this.#deps.log.child({ workload: `${kind}/${name}`, namespace });
    const what = `${kind} ${name}`;
    const secrets = [...new Set(causes.values())].sort().join(", ");
    const warn = async (message: string) => {
      for (const esName of causes.keys()) await this.#deps.events.warning(this.#esTarget(namespace, esName), "RolloutRestartFailed", message);
      return message;
    };
    try {
      const current = await this.#deps.workloads.get(kind, namespace, name);
      if (current === null) {
        log.warn({ secrets }, "rollout restart target not found");
        return { result: "missing", failure: await warn(`${what} not found: not restarted after the data of secret ${secrets} changed`) };
      }
      const { hash, digests } = this.#hashFor(current);
      if (current.templateAnnotations[ANNOTATION_SECRETS_HASH] === hash) return { result: "unchanged" };
      await this.#deps.workloads.annotate(kind, namespace, name, {
        template: { [ANNOTATION_SECRETS_HASH]: hash },
        metadata: { [ANNOTATION_RESTARTED_FOR]: formatRestartedFor(digests) ?? null },
      });
      log.info({ secrets }, "rollout restarted");
      const message = `${what} restarted: the data of secret ${secrets} changed`;
      for (const esName of causes.keys()) await this.#deps.events.normal(this.#esTarget(namespace, esName), "RolloutRestarted", message);
      await this.#deps.events.normal({ apiVersion: "apps/v1", kind, name, namespace, uid: current.uid }, "RolloutRestarted", `restarted by secrets-bridge: the data of secret ${secrets} changed`);
      return { result: "restarted" };
    } catch (err) {
      const summary = kubeErrorSummary(err);
      log.warn({ secrets, error: summary }, "rollout restart failed");
      const failure = await warn(`${what} could not be restarted after the data of secret ${secrets} changed: ${isNotFound(err) ? "not found" : summary}`);
      return { result: "failed", failure };
    }
  }

  #esTarget(namespace: string, name: string) {
    const es = this.#deps.externalSecrets(namespace).find((candidate) => candidate.metadata.name === name);
    return { apiVersion: API_VERSION, kind: "ExternalSecret", name, namespace, uid: es?.metadata.uid };
  }
}
