// The ExternalSecret's Ready condition, with ESO's reasons, and the rule for when status needs a write.
import type { Condition } from "../../api/common.ts";
import type { ExternalSecretStatus } from "../../api/external-secret.ts";
import { semanticEqual } from "../../kube/semantic-equal.ts";

export const Reason = {
  SecretSynced: "SecretSynced",
  SecretSyncedError: "SecretSyncedError",
  SecretDeleted: "SecretDeleted",
  SecretMissing: "SecretMissing",
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

export function readyCondition(status: "True" | "False", reason: string, message: string, previous: Condition | undefined, now: Date): Condition {
  const unchanged = previous && previous.status === status;
  return {
    type: "Ready",
    status,
    reason,
    message,
    lastTransitionTime: unchanged && previous.lastTransitionTime ? previous.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** Replaces the condition of the same type, keeping the others. */
export function withCondition(conditions: Condition[] | undefined, condition: Condition): Condition[] {
  return [...(conditions ?? []).filter((existing) => existing.type !== condition.type), condition];
}

/** Status equality for the write-if-changed rule (field order does not matter). */
export function statusEqual(a: ExternalSecretStatus | undefined, b: ExternalSecretStatus | undefined): boolean {
  return semanticEqual(a ?? {}, b ?? {});
}
