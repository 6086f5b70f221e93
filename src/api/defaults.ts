// ESO's defaults, applied in code (never written into the CRD, so GitOps tools see no drift).
import type { ExternalSecret } from "./external-secret.ts";
import { parseDuration } from "./duration.ts";

export const DEFAULT_REFRESH_INTERVAL_MS = 3_600_000;

export interface ResolvedTarget {
  name: string;
  creationPolicy: "Owner" | "Orphan" | "Merge" | "CreateOrMerge" | "None";
  deletionPolicy: "Retain" | "Delete" | "Merge";
  immutable: boolean;
}

export function resolvedTarget(es: ExternalSecret): ResolvedTarget {
  const target = es.spec.target ?? {};
  return {
    name: target.name || es.metadata.name,
    creationPolicy: target.creationPolicy ?? "Owner",
    deletionPolicy: target.deletionPolicy ?? "Retain",
    immutable: target.immutable ?? false,
  };
}

/** A refresh duration as written (ExternalSecret refreshInterval, ClusterExternalSecret refreshTime), ESO's 1h when unset. */
export function intervalMs(text: string | undefined): number {
  return text === undefined ? DEFAULT_REFRESH_INTERVAL_MS : parseDuration(text);
}

export function refreshIntervalMs(es: ExternalSecret): number {
  return intervalMs(es.spec.refreshInterval);
}

export function refreshPolicy(es: ExternalSecret): "Periodic" | "OnChange" | "CreatedOnce" {
  return es.spec.refreshPolicy ?? "Periodic";
}
