// The status both cluster kinds share: ESO's provisioned and failed namespaces and Ready, plus the children's own
// Ready rolled up, so one object tells whether the fan-out works. Stable for stable input: no timestamps or
// counters that change at rest, so an unchanged fan-out writes no status.

/** ESO's message for a ClusterExternalSecret or ClusterPushSecret with failed namespaces (runbooks match on it). */
export const NAMESPACES_FAILED = "one or more namespaces failed";
/** How many namespaces a message names before it says "and N more". */
export const MAX_NAMED = 10;

export const FanOutReason = {
  Provisioned: "Provisioned",
  NamespacesFailed: "NamespacesFailed",
  /** Ours: its children would carry no label this replica's --watch-label-selector admits (manual shards). */
  NotInShard: "NotInShard",
} as const;

/** The reason of a roll-up of failing children: ExternalSecretsNotReady, PushSecretsNotReady. */
export const notReadyReason = (childKind: string): string => `${childKind}sNotReady`;

export interface FanOutCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string | undefined;
  message?: string | undefined;
}

export interface FanOutStatusInput {
  /** The children's kind (ExternalSecret, PushSecret) and their name. */
  childKind: string;
  childName: string;
  provisioned: string[];
  failed: Array<{ namespace: string; reason: string }>;
  /** Provisioned namespaces whose child reports Ready=False (not yet synced ones are not failing). */
  notReady: string[];
  /** Set when the children would fall outside this replica's shard: nothing is provisioned, this says why. */
  notInShard?: string;
}

export interface FanOutStatus {
  failedNamespaces?: Array<{ namespace: string; reason: string }>;
  provisionedNamespaces?: string[];
  conditions: FanOutCondition[];
}

export function namedList(names: string[]): string {
  const shown = names.slice(0, MAX_NAMED).join(", ");
  return names.length > MAX_NAMED ? `${shown} (and ${names.length - MAX_NAMED} more)` : shown;
}

export function readyOf(input: FanOutStatusInput): FanOutCondition {
  if (input.notInShard !== undefined) return { type: "Ready", status: "False", reason: FanOutReason.NotInShard, message: input.notInShard };
  if (input.failed.length > 0) return { type: "Ready", status: "False", reason: FanOutReason.NamespacesFailed, message: NAMESPACES_FAILED };
  if (input.notReady.length > 0) {
    const notReady = [...input.notReady].sort();
    const message = `${input.childKind} ${input.childName} is not ready in ${notReady.length} of ${input.provisioned.length} namespaces: ${namedList(notReady)}`;
    return { type: "Ready", status: "False", reason: notReadyReason(input.childKind), message };
  }
  return { type: "Ready", status: "True", reason: FanOutReason.Provisioned };
}

/** The status lists and conditions (other condition types of `previous` kept); the caller adds the child name field. */
export function fanOutStatus(input: FanOutStatusInput, previous: { conditions?: FanOutCondition[] | undefined } | undefined): FanOutStatus {
  const ready = readyOf(input);
  const others = (previous?.conditions ?? []).filter((condition) => condition.type !== "Ready");
  const failed = [...input.failed].sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
  return {
    // ESO omits empty lists (omitempty); so do we, so a status ESO wrote compares equal.
    ...(failed.length > 0 ? { failedNamespaces: failed } : {}),
    ...(input.provisioned.length > 0 ? { provisionedNamespaces: [...input.provisioned].sort() } : {}),
    conditions: [...others, ready],
  };
}

/** A merge patch replaces what it names and keeps what it omits: fields that went away are sent as null. */
export function statusPatch(next: object, previous: object | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...next };
  for (const key of Object.keys(previous ?? {})) if (!(key in next)) patch[key] = null;
  return patch;
}
