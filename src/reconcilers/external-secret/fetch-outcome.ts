// What a successful fetch means for the Secret (pure). ESO's rule (externalsecret_controller.go, the
// `len(dataMap) == 0` branch): empty data under deletionPolicy Retain keeps the Secret as it is, Ready=True
// "secret retained due to DeletionPolicy=Retain", no write. We keep ESO's reasons and messages, and are
// stricter on one point (issue 14): Delete and Merge act only when the provider confirmed that every remote
// key the ExternalSecret reads is gone (NoSecretError). ESO also deletes on an empty `find` or an extract
// of `{}`; an emptied folder or a careless edit at the provider would then wipe the Secret, so we retain.
import { Reason } from "./conditions.ts";

export interface FetchFacts {
  deletionPolicy: "Retain" | "Delete" | "Merge";
  /** Remote reads the spec asks for: data[] items plus dataFrom[] entries. */
  entries: number;
  /** Entries the provider confirmed gone (only counted when deletionPolicy is Delete or Merge). */
  gone: number;
  /** Keys fetched, before templating. */
  keys: number;
}

export type FetchOutcome =
  /** Render and write (under Merge with everything gone: write without the vanished keys). */
  | { action: "write"; reason: typeof Reason.SecretSynced; message: string }
  /** Delete the Secret (deletionPolicy Delete, every key confirmed gone). */
  | { action: "delete"; reason: typeof Reason.SecretDeleted; message: string }
  /** Leave the Secret exactly as it is: no render, no write. */
  | { action: "retain"; reason: typeof Reason.SecretSynced; message: string };

export const OutcomeMessage = {
  synced: "secret synced",
  deleted: "secret deleted due to DeletionPolicy=Delete",
  mergedGone: "remote data gone: managed keys removed due to DeletionPolicy=Merge",
  retained: "secret retained due to DeletionPolicy=Retain",
  /** ESO's msgMissing: Merge found no Secret to merge into; Ready stays True and the next refresh looks again. */
  mergeMissing: "secret will not be created due to CreationPolicy=Merge",
  retainedUnconfirmed: (policy: string) => `secret retained: the provider returned no data but did not report the secret gone (DeletionPolicy=${policy} acts only on a confirmed not-found)`,
} as const;

export function fetchOutcome(facts: FetchFacts): FetchOutcome {
  if (facts.keys > 0) return { action: "write", reason: Reason.SecretSynced, message: OutcomeMessage.synced };
  if (facts.deletionPolicy === "Retain") return { action: "retain", reason: Reason.SecretSynced, message: OutcomeMessage.retained };
  const allGone = facts.entries > 0 && facts.gone === facts.entries;
  if (!allGone) return { action: "retain", reason: Reason.SecretSynced, message: OutcomeMessage.retainedUnconfirmed(facts.deletionPolicy) };
  if (facts.deletionPolicy === "Delete") return { action: "delete", reason: Reason.SecretDeleted, message: OutcomeMessage.deleted };
  return { action: "write", reason: Reason.SecretSynced, message: OutcomeMessage.mergedGone };
}
