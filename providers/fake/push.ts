// The fake store's write half (PushSecret): pushed values live in this process, per store, readable by the same
// store's ExternalSecrets, so a push-then-read round trip runs without any peer (tests, the bench's push scenario).
// The values written in the store manifest stand for secrets someone else owns: pushing over one is refused.
import { NotOwnedError, ProviderError } from "../../src/provider/errors.ts";
import { bytesToString } from "../../src/provider/json-value.ts";
import { pushedValue } from "../../src/provider/push-value.ts";
import type { PushClient, PushRemoteRef } from "../../src/provider/types.ts";
import { countFakeCall } from "./counter.ts";

const pushedByStore = new Map<string, Map<string, string>>();

/** The values pushed to a store (its label), for reads. */
export function pushedValues(store: string): ReadonlyMap<string, string> {
  return pushedByStore.get(store) ?? new Map();
}

/** Forgets every pushed value (tests). */
export function resetFakePushes(): void {
  pushedByStore.clear();
}

function objectOf(text: string, remoteKey: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // not JSON: reported below, without the value
  }
  throw new ProviderError(`key ${remoteKey} is not a JSON object; a property cannot be pushed into it`, "InvalidRemoteData");
}

export function fakePushClient(store: string, manifestKeys: ReadonlySet<string>): PushClient {
  const pushed = () => {
    let values = pushedByStore.get(store);
    if (!values) pushedByStore.set(store, (values = new Map()));
    return values;
  };
  const refuseForeign = (ref: PushRemoteRef) => {
    if (manifestKeys.has(ref.remoteKey) && !pushed().has(ref.remoteKey)) throw new NotOwnedError(`key ${ref.remoteKey} of ${store}`);
  };
  return {
    async pushSecret(request) {
      const { remoteKey, property } = request.remoteRef;
      countFakeCall(store, "GetSecret", remoteKey);
      refuseForeign(request.remoteRef);
      const value = bytesToString(pushedValue(request));
      const current = pushed().get(remoteKey);
      let next = value;
      if (property) {
        const object = current === undefined ? {} : objectOf(current, remoteKey);
        if (object[property] === value) return "unchanged";
        next = JSON.stringify({ ...object, [property]: value });
      }
      if (current === next) return "unchanged";
      countFakeCall(store, "PushSecret", remoteKey);
      pushed().set(remoteKey, next);
      return current === undefined ? "created" : "updated";
    },
    async deleteSecret(ref) {
      countFakeCall(store, "GetSecret", ref.remoteKey);
      const current = pushed().get(ref.remoteKey);
      if (current === undefined) return manifestKeys.has(ref.remoteKey) ? "not-owned" : "absent";
      countFakeCall(store, "DeleteSecret", ref.remoteKey);
      if (ref.property) {
        const { [ref.property]: removed, ...rest } = objectOf(current, ref.remoteKey);
        if (removed === undefined) return "absent";
        if (Object.keys(rest).length > 0) {
          pushed().set(ref.remoteKey, JSON.stringify(rest));
          return "deleted";
        }
      }
      pushed().delete(ref.remoteKey);
      return "deleted";
    },
    async secretExists(ref) {
      countFakeCall(store, "SecretExists", ref.remoteKey);
      if (manifestKeys.has(ref.remoteKey) && !pushed().has(ref.remoteKey)) return !ref.property;
      const current = pushed().get(ref.remoteKey);
      if (current === undefined) return false;
      return ref.property ? objectOf(current, ref.remoteKey)[ref.property] !== undefined : true;
    },
  };
}
