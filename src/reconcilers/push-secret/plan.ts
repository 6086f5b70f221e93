// What a PushSecret writes to one store, from one source Secret: its explicit `data` entries plus the `dataTo`
// entries aimed at that store (expanded per key, or bundled), with ESO's rules: explicit entries win over dataTo
// for the same source key, no two entries may reach the same remote location, keys are converted
// (ReverseUnicode) before matching. Pure except for transform rewrites, which run isolated (tenant templates).
import type { PushSecretData, PushSecretDataTo, PushSecretSpec, PushSecretStoreRef } from "../../api/push-secret.ts";
import { matchesSelector } from "../../kube/label-selector.ts";
import { ConfigError } from "../../provider/errors.ts";
import { specRegexp } from "../../provider/spec-regexp.ts";
import type { PushRequest, SecretValue } from "../../provider/types.ts";
import { rewriteIsolated } from "../external-secret/rewrite-isolated.ts";
import { reverseKeys, reverseKey } from "./conversion.ts";

/** A store a PushSecret resolved to: its kind, name and labels (for dataTo label selectors). */
export interface PlanStore {
  kind: "SecretStore" | "ClusterSecretStore";
  name: string;
  labels?: Record<string, string> | undefined;
}

/** One write: the entry as status records it, under its status key (remoteKey or remoteKey/property). */
export interface PlannedEntry {
  statusKey: string;
  entry: PushSecretData;
  request: PushRequest;
}

/** ESO's status key of an entry: the remote key, with "/property" when it writes one property. */
export const statusKeyOf = (entry: Pick<PushSecretData, "match">): string =>
  entry.match.remoteRef.property ? `${entry.match.remoteRef.remoteKey}/${entry.match.remoteRef.property}` : entry.match.remoteRef.remoteKey;

const kindOf = (ref: PushSecretStoreRef | undefined) => ref?.kind ?? "SecretStore";

/** Spec checks that need no store: every dataTo has a storeRef by name (listed in secretStoreRefs) or by labels. */
export function validateDataToRefs(spec: PushSecretSpec): void {
  for (const [index, dataTo] of (spec.dataTo ?? []).entries()) {
    const ref = dataTo.storeRef;
    if (!ref) throw new ConfigError(`dataTo[${index}]: storeRef is required`);
    if (!ref.name && !ref.labelSelector) throw new ConfigError(`dataTo[${index}]: storeRef must have name or labelSelector`);
    if (ref.name && !spec.secretStoreRefs.some((listed) => listed.name === ref.name && kindOf(listed) === kindOf(ref))) {
      throw new ConfigError(`dataTo[${index}]: storeRef "${ref.name}" not found in secretStoreRefs`);
    }
    if (dataTo.remoteKey && (dataTo.rewrite?.length ?? 0) > 0) {
      throw new ConfigError(`dataTo[${index}]: remoteKey and rewrite are mutually exclusive`);
    }
  }
}

function aimsAt(dataTo: PushSecretDataTo, store: PlanStore): boolean {
  const ref = dataTo.storeRef;
  if (!ref || kindOf(ref) !== store.kind) return false;
  if (ref.name) return ref.name === store.name;
  return ref.labelSelector !== undefined && matchesSelector(ref.labelSelector, store.labels ?? {});
}

/** Every dataTo with a labelSelector must match one of the resolved stores (a typo must not be a silent no-op). */
export function validateDataToSelectors(spec: PushSecretSpec, stores: PlanStore[]): void {
  for (const [index, dataTo] of (spec.dataTo ?? []).entries()) {
    if (dataTo.storeRef?.name || !dataTo.storeRef?.labelSelector) continue;
    if (!stores.some((store) => aimsAt(dataTo, store))) throw new ConfigError(`dataTo[${index}]: labelSelector does not match any store in secretStoreRefs`);
  }
}

interface Expanded {
  entries: PushSecretData[];
  /** Bundle entries push only their matched keys: status key -> that data. */
  bundles: Map<string, Record<string, SecretValue>>;
}

async function expandOne(dataTo: PushSecretDataTo, index: number, source: Record<string, SecretValue>, psKey: string): Promise<Expanded & { remoteKeys: Map<string, string> }> {
  const field = `dataTo[${index}]`;
  const converted = reverseKeys(dataTo.conversionStrategy, source, field);
  const originalOf = new Map(Object.keys(source).map((key) => [reverseKey(dataTo.conversionStrategy, key), key]));
  const pattern = dataTo.match?.regexp ? specRegexp(dataTo.match.regexp, `${field}.match.regexp`) : undefined;
  const matched = Object.keys(converted)
    .sort()
    .filter((key) => !pattern || pattern.test(key));
  const none = { entries: [], bundles: new Map(), remoteKeys: new Map() };
  if (matched.length === 0) return none;
  const metadata = dataTo.metadata === undefined ? {} : { metadata: dataTo.metadata };
  if (dataTo.remoteKey) {
    const entry: PushSecretData = { match: { secretKey: "", remoteRef: { remoteKey: dataTo.remoteKey } }, ...metadata, conversionStrategy: "None" };
    const bundle = Object.fromEntries(matched.map((key) => [key, converted[key]!]));
    return { entries: [entry], bundles: new Map([[dataTo.remoteKey, bundle]]), remoteKeys: new Map([["(bundle)", dataTo.remoteKey]]) };
  }
  // Rewrites run over the names only: each name maps to itself, the rewrite turns that into new name -> old name.
  const names = Object.fromEntries(matched.map((key) => [key, new Uint8Array(Buffer.from(key, "utf8"))]));
  const renamed = await rewriteIsolated(names, dataTo.rewrite, psKey).catch((err: unknown) => {
    // The shared rewrite code names ExternalSecret's field; here it is this dataTo entry's.
    if (err instanceof ConfigError) throw new ConfigError(err.message.replace(/^dataFrom\.rewrite(\[\d+\])?/, `${field}.rewrite$1`));
    throw err;
  });
  const remoteKeys = new Map<string, string>();
  for (const [remoteKey, from] of Object.entries(renamed)) {
    const convertedKey = Buffer.from(from).toString("utf8");
    if (remoteKey === "") throw new ConfigError(`${field}: empty remote key produced for source key "${convertedKey}"`);
    remoteKeys.set(convertedKey, remoteKey);
  }
  const entries = [...remoteKeys.keys()].sort().map(
    (convertedKey): PushSecretData => ({
      match: { secretKey: originalOf.get(convertedKey) ?? convertedKey, remoteRef: { remoteKey: remoteKeys.get(convertedKey)! } },
      ...metadata,
      conversionStrategy: "None",
    }),
  );
  return { entries, bundles: new Map(), remoteKeys };
}

/** The entries one store gets from one source Secret, in order, with what each request carries. */
export async function planForStore(spec: PushSecretSpec, store: PlanStore, source: Record<string, SecretValue>, psKey: string): Promise<PlannedEntry[]> {
  const fromDataTo: PushSecretData[] = [];
  const bundles = new Map<string, Record<string, SecretValue>>();
  const remoteSeen = new Map<string, string>();
  for (const [index, dataTo] of (spec.dataTo ?? []).entries()) {
    if (!aimsAt(dataTo, store)) continue;
    const expanded = await expandOne(dataTo, index, source, psKey);
    for (const [from, remoteKey] of expanded.remoteKeys) {
      const earlier = remoteSeen.get(remoteKey);
      if (earlier !== undefined) throw new ConfigError(`dataTo[${index}]: duplicate remote key "${remoteKey}" from source key "${from}" (conflicts with ${earlier})`);
      remoteSeen.set(remoteKey, `dataTo[${index}]:${from}`);
    }
    fromDataTo.push(...expanded.entries);
    for (const [key, data] of expanded.bundles) bundles.set(key, data);
  }
  // Explicit entries win over dataTo for the same source key (compared as the Secret spells the key).
  const explicit = spec.data ?? [];
  const explicitSources = new Set(explicit.map((entry) => originalKeyOf(entry, source)));
  const merged = [...fromDataTo.filter((entry) => !explicitSources.has(entry.match.secretKey ?? "")), ...explicit];
  const locations = new Map<string, string>();
  return merged.map((entry) => {
    const statusKey = statusKeyOf(entry);
    const sourceKey = entry.match.secretKey ?? "";
    const other = locations.get(statusKey);
    if (other !== undefined) throw new ConfigError(`duplicate remote key "${statusKey}": source keys "${other}" and "${sourceKey}" both map to the same destination`);
    locations.set(statusKey, sourceKey);
    const bundle = sourceKey === "" ? bundles.get(entry.match.remoteRef.remoteKey) : undefined;
    const data = reverseKeys(entry.conversionStrategy, bundle ?? source, `remote key ${statusKey}`);
    if (sourceKey !== "" && !Object.hasOwn(data, sourceKey)) throw new ConfigError(`secret key ${sourceKey} does not exist`);
    const request: PushRequest = { remoteRef: entry.match.remoteRef, secretKey: sourceKey, data, metadata: entry.metadata };
    return { statusKey, entry, request };
  });
}

/** The Secret's own spelling of an explicit entry's key (with ReverseUnicode the entry names the converted form). */
function originalKeyOf(entry: PushSecretData, source: Record<string, SecretValue>): string {
  const key = entry.match.secretKey ?? "";
  if (!entry.conversionStrategy || entry.conversionStrategy === "None") return key;
  return Object.keys(source).find((original) => reverseKey(entry.conversionStrategy, original) === key) ?? key;
}
