// Public API of the generic controller machinery (knows nothing about secrets).
export { realClock, FakeClock } from "./clock.ts";
export type { Clock } from "./clock.ts";
export { ExponentialBackoff } from "./backoff.ts";
export type { BackoffOptions } from "./backoff.ts";
export { jittered, deterministicJitter } from "./jitter.ts";
export { WorkQueue, Priority } from "./work-queue.ts";
export type { WorkItem, WorkQueueOptions } from "./work-queue.ts";
export { Controller, TerminalError } from "./controller.ts";
export type { ControllerOptions, ReconcileOutcome, ReconcileResult } from "./controller.ts";
export { ResilientInformer } from "./informer.ts";
export type { ResilientInformerOptions } from "./informer.ts";
export type { InformerFactory, InformerFactoryArgs, WatchHooks } from "./guarded-watch.ts";
export { LeaderElector } from "./leader-election.ts";
export type { LeaderCallbacks, LeaderElectorOptions, LeaseApi } from "./leader-election.ts";
export { errorMessage, silentLogger } from "./logging.ts";
