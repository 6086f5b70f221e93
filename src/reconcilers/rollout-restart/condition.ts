// The ExternalSecret's RolloutRestart condition (ours, next to ESO's Ready): False while a workload depending on its Secret
// could not be restarted (missing, forbidden), True again once every one of them was. Absent until a restart failed, so
// an ExternalSecret whose restarts always work carries no extra condition and costs no extra status write.
import type { Condition } from "../../api/common.ts";

export const ROLLOUT_RESTART_CONDITION = "RolloutRestart";
export const RolloutReason = { Failed: "RolloutRestartFailed", Restarted: "RolloutRestarted" } as const;

/** Failure messages by workload (`Kind name`), as the restarter last saw them for one ExternalSecret. */
export type Failures = ReadonlyMap<string, string>;

/**
 * The condition to write, or undefined when nothing needs writing (no failure and none before, or the same
 * condition as `previous`). Messages are sorted by workload, so the same failures give the same condition.
 */
export function rolloutCondition(failures: Failures, previous: Condition | undefined, now: Date): Condition | undefined {
  if (failures.size === 0 && previous === undefined) return undefined;
  const status = failures.size > 0 ? "False" : "True";
  const reason = failures.size > 0 ? RolloutReason.Failed : RolloutReason.Restarted;
  const message =
    failures.size > 0
      ? [...failures.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, text]) => text).join("; ")
      : "every workload depending on the secret was restarted";
  if (previous && previous.status === status && previous.reason === reason && previous.message === message) return undefined;
  const lastTransitionTime = previous?.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, "Z");
  return { type: ROLLOUT_RESTART_CONDITION, status, reason, message, lastTransitionTime };
}
