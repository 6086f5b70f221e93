// Fault scenario (issue 23): the wall clock of the operator's process jumps forward and back (an NTP step, a VM
// resumed with a stale clock). Two replicas with leader election share a namespace of ExternalSecrets refreshing on
// a short interval. Measured: whether the standby takes a live leader's Lease when its own clock jumps forward (goal:
// no; lease expiry is judged on a monotonic clock), whether the leader keeps leading through its jumps (goal: yes),
// provider calls after a forward jump (goal: one round, about one call per key: every ExternalSecret is due at
// once, and their reads are shared), provider calls after a backward jump (goal: refreshes go on within an interval
// instead of waiting out the jump), and Secret writes throughout (goal 0: nothing changed).
//
// How the jump is made: the operators run in this process on a clock whose now() is the wall clock plus an offset the
// scenario moves; timers and the monotonic reading are the real ones, as for a process whose wall clock is set.
import { GROUP, VERSION } from "../../src/api/common.ts";
import type { ExternalSecret } from "../../src/api/external-secret.ts";
import { realClock, type Clock } from "../../src/controller/clock.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";
import { apiserverRequestCount, freshNamespace } from "../helpers/bench.ts";
import { kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";

export interface ClockJumpOptions {
  externalSecrets: number;
  keys: number;
  intervalSeconds: number;
  /** How far the clocks jump (forward, then back by twice as much). */
  jumpMinutes: number;
}

export interface ClockJumpFigures {
  externalSecrets: number;
  keys: number;
  intervalSeconds: number;
  jumpMinutes: number;
  /** The standby's clock jumped forward: did it take the live leader's Lease? */
  standbyTookOver: boolean;
  /** The leader's clock jumped forward and back: did it stay the one leader? */
  leaderKept: boolean;
  /** Provider calls in the interval after the leader's forward jump. */
  callsAfterForwardJump: number;
  /** Provider calls in the two intervals after the leader's backward jump (0: refreshes stalled for the jump). */
  callsAfterBackwardJump: number;
  /** Secret writes from the first jump to the end (nothing changed). */
  secretWrites: number;
}

/** The wall clock plus a movable offset; timers and monotonic time stay real. */
export class JumpingClock implements Clock {
  offsetMs = 0;
  now = (): number => Date.now() + this.offsetMs;
  monotonic = (): number => performance.now();
  setTimeout = realClock.setTimeout;
  clearTimeout = realClock.clearTimeout;
}

const SECRET_WRITES = ["POST", "PUT", "PATCH", "APPLY"];

export async function runClockJumps(opts: ClockJumpOptions, log: (line: string) => void = () => undefined): Promise<ClockJumpFigures> {
  const k = kube();
  const ns = await freshNamespace("faults-clock");
  const clocks = [new JumpingClock(), new JumpingClock()];
  const replicas: TestOperator[] = [];
  const store = `SecretStore/${ns}/fake`;
  const calls = () => Array.from({ length: opts.keys }, (_, key) => fakeCallCount({ store, key: `key-${key}` })).reduce((a, b) => a + b, 0);
  const leaderElection = { namespace: ns, name: "clock-jumps", leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 };
  try {
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: Array.from({ length: opts.keys }, (_, key) => ({ key: `key-${key}`, value: `v-${key}` })) } } });
    for (const clock of clocks) replicas.push(await startTestOperator(ns, { clock, leaderElection, minRefreshIntervalMs: 0 }));
    const leaderIndex = await waitFor("a leader", async () => {
      const leading = replicas.map((r) => r.operator.isLeader());
      return leading.filter(Boolean).length === 1 ? leading.indexOf(true) : undefined;
    });
    const leader = replicas[leaderIndex]!;
    const standby = replicas[1 - leaderIndex]!;
    for (let i = 0; i < opts.externalSecrets; i++) {
      await k.create("ExternalSecret", ns, `es-${i}`, { refreshInterval: `${opts.intervalSeconds}s`, secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key: `key-${i % opts.keys}` } }] });
    }
    await waitFor("all Ready", async () => {
      const list = (await k.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "externalsecrets" })) as { items: ExternalSecret[] };
      return list.items.length === opts.externalSecrets && list.items.every((es) => ready(es)?.status === "True") ? true : undefined;
    }, 300_000);
    const writesAtStart = await apiserverRequestCount({ verbs: SECRET_WRITES, resource: "secrets" });
    const jumpMs = opts.jumpMinutes * 60_000;

    // 1. The standby's clock jumps forward: to a wall-clock judge the leader's Lease is long expired.
    log(`clock jumps: standby +${opts.jumpMinutes} min`);
    clocks[1 - leaderIndex]!.offsetMs += jumpMs;
    await sleep(3 * leaderElection.leaseDurationMs);
    const standbyTookOver = standby.operator.isLeader();

    // 2. The leader's clock jumps forward: every ExternalSecret's next refresh is in the past.
    log(`clock jumps: leader +${opts.jumpMinutes} min`);
    const beforeForward = calls();
    clocks[leaderIndex]!.offsetMs += jumpMs;
    await sleep(opts.intervalSeconds * 1000);
    const callsAfterForwardJump = calls() - beforeForward;

    // 3. The leader's clock jumps back past where it started: every last check lies in the future.
    log(`clock jumps: leader -${2 * opts.jumpMinutes} min`);
    clocks[leaderIndex]!.offsetMs -= 2 * jumpMs;
    const beforeBack = calls();
    await sleep(2 * opts.intervalSeconds * 1000 + 2_000);
    const callsAfterBackwardJump = calls() - beforeBack;
    const leaderKept = leader.operator.isLeader() && !standby.operator.isLeader();
    const secretWrites = (await apiserverRequestCount({ verbs: SECRET_WRITES, resource: "secrets" })) - writesAtStart;
    return { externalSecrets: opts.externalSecrets, keys: opts.keys, intervalSeconds: opts.intervalSeconds, jumpMinutes: opts.jumpMinutes, standbyTookOver, leaderKept, callsAfterForwardJump, callsAfterBackwardJump, secretWrites };
  } finally {
    for (const replica of replicas) await replica.stop();
  }
}
