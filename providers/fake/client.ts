// The fake store's session: reads from the manifest's data list and counts calls like a real provider's API.
import type { RemoteRef } from "../../src/api/external-secret.ts";
import { ConfigError, NoSecretError } from "../../src/provider/errors.ts";
import { explodeJson, pickProperty, toBytes } from "../../src/provider/json-value.ts";
import { findNameRegexp } from "../../src/provider/spec-regexp.ts";
import type { FindRequest, SecretsClient } from "../../src/provider/types.ts";
import type { FakeProviderSpec } from "./schema.ts";
import { countFakeCall } from "./counter.ts";
import { fakePushClient, pushedValues } from "./push.ts";

type Entry = FakeProviderSpec["data"][number];

function entryValue(entry: Entry): string {
  if (entry.valueMap) return JSON.stringify(entry.valueMap);
  return entry.value ?? "";
}

export function fakeClient(spec: FakeProviderSpec, storeLabel: string): SecretsClient {
  const byKey = new Map<string, Entry>();
  for (const entry of spec.data) byKey.set(`${entry.key}\u0000${entry.version ?? ""}`, entry);

  const lookup = (ref: RemoteRef): string => {
    // What a PushSecret wrote wins over the manifest (it can only have written keys the manifest lacks).
    const pushed = ref.version ? undefined : pushedValues(storeLabel).get(ref.key);
    if (pushed !== undefined) return pushed;
    const entry = byKey.get(`${ref.key}\u0000${ref.version ?? ""}`);
    if (!entry) {
      const version = ref.version ? ` version ${ref.version}` : "";
      throw new NoSecretError(`key ${ref.key}${version} not found in ${storeLabel}`);
    }
    return entryValue(entry);
  };

  return {
    async getSecret(ref) {
      countFakeCall(storeLabel, "GetSecret", ref.key);
      const value = lookup(ref);
      return toBytes(ref.property ? pickProperty(value, ref.property, `key ${ref.key}`) : value);
    },
    async getSecretMap(ref) {
      countFakeCall(storeLabel, "GetSecretMap", ref.key);
      const value = lookup(ref);
      return explodeJson(ref.property ? pickProperty(value, ref.property, `key ${ref.key}`) : value, `key ${ref.key}`);
    },
    async findSecrets(request: FindRequest) {
      countFakeCall(storeLabel, "FindSecrets", request.nameRegexp ?? request.path ?? "");
      if (request.tags && Object.keys(request.tags).length > 0) throw new ConfigError("the fake provider does not support find by tags");
      const pattern = findNameRegexp(request);
      // ESO: every matching key once, with its newest version's value (versions compared as Go compares strings,
      // byte by byte: "v10" < "v9"; an unversioned entry is the oldest).
      const newest = new Map<string, Entry>();
      for (const entry of spec.data) {
        if (request.path && !entry.key.startsWith(request.path)) continue;
        if (pattern && !pattern.test(entry.key)) continue;
        const seen = newest.get(entry.key);
        if (!seen || Buffer.compare(Buffer.from(seen.version ?? ""), Buffer.from(entry.version ?? "")) < 0) newest.set(entry.key, entry);
      }
      const out: Record<string, Uint8Array> = {};
      for (const [key, entry] of newest) out[key] = toBytes(entryValue(entry));
      return out;
    },
    async validate() {},
    async close() {},
    push: fakePushClient(storeLabel, new Set(spec.data.map((entry) => entry.key))),
  };
}
