// The path a RefreshReceiver is served at, as Flux's Receiver computes it: /hook/ + hex sha256(token + name +
// namespace). Knowing the path is the first half of the secret; a rotated token moves the receiver to a new path.
import { createHash } from "node:crypto";

export const HOOK_PREFIX = "/hook/";

export function webhookPath(token: Uint8Array, name: string, namespace: string): string {
  return `${HOOK_PREFIX}${createHash("sha256").update(token).update(name).update(namespace).digest("hex")}`;
}
