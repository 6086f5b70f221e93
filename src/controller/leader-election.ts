// Lease-based leader election (coordination.k8s.io/v1), with client-go's leaderelection semantics.
import { CoordinationV1Api } from "../kube/http/index.ts";
import type { V1Lease } from "@kubernetes/client-node";
import type { KubeConfig } from "../kube/http/index.ts";
import type { Logger } from "pino";
import { monotonicNow, realClock } from "./clock.ts";
import type { Clock } from "./clock.ts";
import { jittered } from "./jitter.ts";
import { canTakeLease, holderOf, nextLeaseSpec, observe, releasedLeaseSpec } from "./lease-record.ts";
import type { Observation } from "./lease-record.ts";
import { errorMessage, silentLogger } from "./logging.ts";
import { withTimeout } from "./with-timeout.ts";
import { statusCode } from "./api-errors.ts";

/** The three Lease calls we need; CoordinationV1Api satisfies it. Failures are ApiException with `.code`. */
export interface LeaseApi {
  readNamespacedLease(param: { name: string; namespace: string }): Promise<V1Lease>;
  createNamespacedLease(param: { namespace: string; body: V1Lease }): Promise<V1Lease>;
  replaceNamespacedLease(param: { name: string; namespace: string; body: V1Lease }): Promise<V1Lease>;
}

/** Options for {@link LeaderElector}; durations as client-go's defaults (15s / 10s / 2s). */
export interface LeaderElectorOptions {
  kc: KubeConfig;
  namespace: string;
  /** Lease name. */
  name: string;
  /** Unique per process, not just per pod: use `${hostname}_${randomUUID()}` so a restarted container does not inherit its predecessor's term. */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  log?: Logger;
  clock?: Clock;
  /** Defaults to kc.makeApiClient(CoordinationV1Api). For tests. */
  api?: LeaseApi;
}

/** Involuntary transitions only: stop()/release() are the caller's own decision and call neither. */
export interface LeaderCallbacks {
  onStartedLeading: () => void;
  /** Leadership was lost (renewals failed for renewDeadline, or someone else holds the Lease). The elector does not try again: like controller-runtime, exit the process and let Kubernetes restart it, since work from the lost term may still be running. */
  onStoppedLeading: () => void;
}

type Attempt = "acquired" | "held-by-other" | "conflict" | "error" | "timeout";
type Phase = "idle" | "candidate" | "leading" | "done";

/**
 * Contract: `run` starts campaigning (once). A candidate tries every retryPeriod (jittered up to
 * 2.2x, like client-go) and takes the Lease when it is absent, released, ours, or expired. A leader
 * renews every retryPeriod with resourceVersion-checked replaces; if no renewal succeeds for
 * renewDeadline, or the Lease shows another holder, it stops leading for good. Every request is cut
 * off after renewDeadline so a hung apiserver cannot keep us "leading". `isLeader()` is safe to poll.
 */
export class LeaderElector {
  private readonly opts: LeaderElectorOptions;
  private readonly api: LeaseApi;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private phase: Phase = "idle";
  private callbacks: LeaderCallbacks | undefined;
  private observed: Observation | undefined;
  private lastRenewAt = 0;
  private timer: unknown;
  private deadlineTimer: unknown;
  private inflight: Promise<Attempt> | undefined;

  constructor(opts: LeaderElectorOptions) {
    this.opts = opts;
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs && this.retryPeriodMs > 0)) {
      throw new Error("leader election needs leaseDurationMs > renewDeadlineMs > retryPeriodMs > 0");
    }
    this.api = opts.api ?? opts.kc.makeApiClient(CoordinationV1Api);
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? silentLogger()).child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
  }

  run(callbacks: LeaderCallbacks): void {
    if (this.phase !== "idle") throw new Error("LeaderElector.run() may be called once");
    this.callbacks = callbacks;
    this.phase = "candidate";
    this.schedule(0);
  }

  isLeader(): boolean {
    // The deadline check also covers an event loop too busy to fire the deadline timer on time.
    return this.phase === "leading" && monotonicNow(this.clock) - this.lastRenewAt < this.renewDeadlineMs;
  }

  /** Stops campaigning/renewing without touching the Lease (it expires after leaseDuration). */
  async stop(): Promise<void> {
    this.phase = "done";
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.deadlineTimer);
    const inflight = this.inflight;
    if (inflight) await this.withTimeout(inflight);
  }

  /** stop(), then clear holderIdentity if the Lease is ours, so a standby takes over at its next retry. Best effort: never throws. */
  async release(): Promise<void> {
    await this.stop();
    const { name, namespace, identity } = this.opts;
    try {
      const lease = await this.withTimeout(this.read());
      if (lease === "timeout") throw new Error("timed out reading the lease");
      if (!lease || holderOf(lease.spec) !== identity) return;
      const body: V1Lease = { ...lease, spec: releasedLeaseSpec(lease.spec, this.clock.now()) };
      if ((await this.withTimeout(this.api.replaceNamespacedLease({ name, namespace, body }))) === "timeout") {
        throw new Error("timed out writing the lease");
      }
      this.log.info("lease released");
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, "could not release the lease; standbys take over when it expires");
    }
  }

  private schedule(ms: number): void {
    this.timer = this.clock.setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.phase !== "candidate" && this.phase !== "leading") return;
    const attempt = this.tryAcquireOrRenew();
    this.inflight = attempt;
    const outcome = await this.withTimeout(attempt);
    if (this.inflight === attempt) this.inflight = undefined;
    if (this.phase !== "candidate" && this.phase !== "leading") return; // stopped or lost meanwhile
    if (outcome === "acquired") {
      this.lastRenewAt = monotonicNow(this.clock);
      this.clock.clearTimeout(this.deadlineTimer);
      this.deadlineTimer = this.clock.setTimeout(() => this.lose("no successful renewal within renewDeadline"), this.renewDeadlineMs);
      if (this.phase === "candidate") {
        this.phase = "leading";
        this.log.info("became leader");
        this.notify("onStartedLeading");
      }
    } else if (this.phase === "leading") {
      if (outcome === "held-by-other") return this.lose("the lease has another holder");
      this.log.warn({ outcome }, "lease renewal failed; retrying until renewDeadline");
    }
    this.schedule(this.phase === "leading" ? this.retryPeriodMs : jittered(this.retryPeriodMs, 1.2));
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { name, namespace, identity } = this.opts;
    try {
      const lease = await this.read();
      const now = this.clock.now();
      const mono = monotonicNow(this.clock);
      if (!lease) {
        const body: V1Lease = {
          apiVersion: "coordination.k8s.io/v1",
          kind: "Lease",
          metadata: { name, namespace },
          spec: nextLeaseSpec(undefined, identity, now, this.leaseDurationMs),
        };
        this.observed = observe(undefined, await this.api.createNamespacedLease({ namespace, body }), monotonicNow(this.clock), this.clock.now());
        return "acquired";
      }
      this.observed = observe(this.observed, lease, mono, now);
      // A leader that finds another name (or none) on its Lease has lost it, expired or not.
      if (this.phase === "leading" && holderOf(lease.spec) !== identity) return "held-by-other";
      const free = canTakeLease({ spec: lease.spec, identity, observedAt: this.observed.at, now: mono, defaultDurationMs: this.leaseDurationMs });
      if (!free) return "held-by-other";
      // The resourceVersion from the read makes this a compare-and-swap: a racing candidate gets 409.
      const body: V1Lease = { ...lease, spec: nextLeaseSpec(lease.spec, identity, now, this.leaseDurationMs) };
      this.observed = observe(this.observed, await this.api.replaceNamespacedLease({ name, namespace, body }), monotonicNow(this.clock), this.clock.now());
      return "acquired";
    } catch (err) {
      if (statusCode(err) === 409) return "conflict";
      this.log.warn({ err: errorMessage(err) }, "lease request failed");
      return "error";
    }
  }

  /** The Lease, or undefined when it does not exist. */
  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name: this.opts.name, namespace: this.opts.namespace });
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  private lose(reason: string): void {
    if (this.phase !== "leading") return;
    this.phase = "done";
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.deadlineTimer);
    this.log.error({ reason }, "leadership lost");
    this.notify("onStoppedLeading");
  }

  private notify(which: keyof LeaderCallbacks): void {
    try {
      this.callbacks?.[which]();
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, `${which} callback threw`);
    }
  }

  private withTimeout<T>(work: Promise<T>): Promise<T | "timeout"> {
    return withTimeout(work, this.renewDeadlineMs, this.clock);
  }
}
