// ESO-compatible hashes: the Secret's data-hash annotation and the ExternalSecret's syncedResourceVersion.
// ESO hashes Go's `fmt.Sprintf("%+v", x)` with SHA3-224; we print the same text so that Secrets and statuses
// written by ESO are recognised as current after an operator swap (no churn).
import { createHash } from "node:crypto";
import type { ObjectMeta } from "../../api/common.ts";

const sha3 = (text: string): string => createHash("sha3-224").update(text).digest("hex");

/** Go's %+v of map[string]string: keys sorted, `map[k:v k2:v2]`. */
function goStringMap(map: Record<string, string> | undefined): string {
  const keys = Object.keys(map ?? {}).sort();
  return `map[${keys.map((key) => `${key}:${map![key]}`).join(" ")}]`;
}

/** Go's %+v of map[string][]byte: `map[k:[1 2 3]]`. */
function goBytesMap(map: Record<string, Uint8Array>): string {
  const keys = Object.keys(map).sort();
  return `map[${keys.map((key) => `${key}:[${Array.from(map[key]!).join(" ")}]`).join(" ")}]`;
}

export function dataHash(data: Record<string, Uint8Array>): string {
  return sha3(goBytesMap(data));
}

/** `<generation>-<hash of labels and annotations>`: any metadata change (e.g. a force-sync annotation) changes it. */
export function syncVersion(meta: ObjectMeta): string {
  const text = `{annotations:${goStringMap(meta.annotations)} labels:${goStringMap(meta.labels)}}`;
  return `${meta.generation ?? 0}-${sha3(text)}`;
}
