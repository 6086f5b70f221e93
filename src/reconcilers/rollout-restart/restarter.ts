// Rollout restarts (spec.target.rolloutRestartTargets, issue 19): when a managed Secret's data really changed,
// each workload that depends on it gets the hash of its Secrets' data on its pod template. Requests for one
// workload within the debounce window become one patch; each namespace has a token-bucket budget, and what it
// refuses waits (never dropped). The patch is skipped when the workload already carries the hash, so the same
// data never rolls anything twice. Failures are Warning Events on the ExternalSecrets, never a failed sync.
import type { Logger } from "pino";
import type { ExternalSecret } from "../../api/external-secret.ts";
import { API_VERSION } from "../../api/common.ts";
import { ANNOTATION_SECRETS_HASH } from "../../api/markers.ts";
import type { Clock } from "../../controller/clock.ts";
import { TokenBucket } from "../../controller/token-bucket.ts";
import type { EventRecorder } from "../../kube/events.ts";
import { isConflict, isNotFound, kubeErrorSummary } from "../../kube/errors.ts";
import type { WorkloadAnnotations } from "../../kube/workloads.ts";
import { dependenciesOf, secretsHash, workloadKey, type WorkloadId } from "./dependencies.ts";
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

export type RestartResult = "restarted" | "unchanged" | "missing" | "failed";

export interface RolloutRestarterDeps {
  clock: Clock;
  log: Logger;
  events: EventRecorder;
  workloads: WorkloadAnnotations;
  /** The ExternalSecrets of a namespace, as the watch caches them. */
  externalSecrets(namespace: string): ExternalSecret[];
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

export class RolloutRestarter {
  readonly #deps: RolloutRestarterDeps;
  readonly #pending = new Map<string, Pending>();
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
    // Without targets nothing is remembered: #written holds only Secrets some workload may be hashed over.
    if (this.#stopped || targets.length === 0) return;
    const namespace = es.metadata.namespace ?? "";
    this.#written.set(`${namespace}/${secret}`, digest);
    for (const ref of targets) {
      const workload = { kind: ref.kind, namespace, name: ref.name };
      const key = workloadKey(workload);
      const pending = this.#pending.get(key) ?? { workload, timer: undefined, causes: new Map() };
      pending.causes.set(es.metadata.name, secret);
      if (pending.timer === undefined) pending.timer = this.#deps.clock.setTimeout(() => this.#due(key), this.#deps.debounceMs ?? DEFAULT_DEBOUNCE_MS);
      this.#pending.set(key, pending);
    }
  }

  /**
   * Shutdown: nothing else will ask, so what waits for its debounce window restarts now (the data changed and no
   * later reconcile would notice a lost restart); what the budget still holds back is not restarted, and says so
   * with a Warning Event on its ExternalSecrets. Call after the reconcilers stopped.
   */
  async drain(): Promise<void> {
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
        await this.#deps.events.warning(this.#esTarget(namespace, esName), "RolloutRestartFailed", `${kind} ${name} not restarted after the data of secret ${secrets} changed: the operator stopped while the namespace's restart budget held it back`);
      }
    }
    await Promise.all(runs);
  }

  #due(key: string): void {
    const pending = this.#pending.get(key);
    if (!pending || this.#stopped) return;
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
    try {
      const { result, failure } = await this.#restart(pending);
      this.#deps.onResult?.(pending.workload.namespace, pending.workload.kind, result);
      await this.#report(pending, failure);
    } catch (err) {
      this.#deps.log.error({ workload: workloadKey(pending.workload), error: err instanceof Error ? err.message : "unknown" }, "rollout restart crashed");
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

  /** The hash of the workload's Secrets now: just-written digests first, then the watch's. */
  #hashFor(workload: WorkloadId): string {
    const deps = dependenciesOf(this.#deps.externalSecrets(workload.namespace), workload);
    return secretsHash(
      deps.map(({ secret }) => {
        const id = `${workload.namespace}/${secret}`;
        const cached = this.#deps.secretDigest(workload.namespace, secret);
        const written = this.#written.get(id);
        if (written !== undefined && written === cached) this.#written.delete(id);
        return [secret, written ?? cached] as const;
      }),
    );
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
    const hash = this.#hashFor(workload);
    try {
      const current = await this.#deps.workloads.annotation(kind, namespace, name, ANNOTATION_SECRETS_HASH);
      if (current === null) {
        log.warn({ secrets }, "rollout restart target not found");
        return { result: "missing", failure: await warn(`${what} not found: not restarted after the data of secret ${secrets} changed`) };
      }
      if (current.value === hash) return { result: "unchanged" };
      await this.#deps.workloads.setAnnotation(kind, namespace, name, ANNOTATION_SECRETS_HASH, hash);
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
