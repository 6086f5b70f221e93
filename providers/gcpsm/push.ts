// PushSecret's write half for Secret Manager, as ESO's gcpsm provider behaves: a secret we own carries the label
// `managed-by: external-secrets`; a value is a new version; labels and annotations change with UpdateSecret. Every
// decision is made from reads first (GetSecret, the current version), so an identical push writes nothing and a
// refused one (not ours, not a JSON object) has written nothing either.
import type { Logger } from "pino";
import { ConfigError, NoSecretError, NotOwnedError, ProviderError } from "../../src/provider/errors.ts";
import { bytesToString, toBytes } from "../../src/provider/json-value.ts";
import { pushedValue } from "../../src/provider/push-value.ts";
import type { PushClient, PushRemoteRef } from "../../src/provider/types.ts";
import type { SecretManagerApi } from "./api.ts";
import type { NewSecret, SecretManagerWrites } from "./api-write.ts";
import type { Scope } from "./names.ts";
import { secretName, shortName, versionNumber } from "./names.ts";
import { desiredAnnotations, desiredLabels, isOwned, parsePushMetadata, replicationFor, sameEntries } from "./push-metadata.ts";
import type { GcpPushSecretMetadataSpec } from "./push-metadata.ts";
import { holdsProperty, jsonObjectOf, withoutProperty, withProperty } from "./push-property.ts";

/** Runs one request through the session's limiter, counted and mapped (client.ts makeCall). */
type Run = <T>(call: string, what: string, fn: () => Promise<T>) => Promise<T>;

export interface PushDeps {
  api: SecretManagerApi;
  writes: SecretManagerWrites;
  scope: Scope;
  log: Logger;
  /** Reads, mapped as the session's reads are. */
  read: Run;
  /** Writes, mapped with mapGcpWriteError (a changed secret is a WriteConflictError). */
  write: Run;
  /** The session's version read (CRC32C checked; with LatestOrFetch, falls back to the newest enabled version). */
  access(key: string, version: string | undefined): Promise<Uint8Array>;
  /** The newest enabled version's resource name, or undefined. */
  newestEnabled(key: string): Promise<string | undefined>;
}

interface Located {
  name: string;
  parent: string;
  id: string;
  regional: boolean;
}

/** The value readers of `latest` get now, and whether `latest` itself serves it (else a new version is due). */
interface Current {
  value?: Uint8Array | undefined;
  servedByLatest: boolean;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

export function gcpsmPush(deps: PushDeps): PushClient {
  const locate = (key: string): Located => {
    const name = secretName(deps.scope, key);
    const parent = name.slice(0, name.lastIndexOf("/secrets/"));
    return { name, parent, id: shortName(name), regional: parent.includes("/locations/") };
  };

  async function describe(where: Located, what: string) {
    try {
      return await deps.read("GetSecret", what, () => deps.api.getSecret(where.name));
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
  }

  async function current(key: string): Promise<Current> {
    try {
      return { value: await deps.access(key, "latest"), servedByLatest: true };
    } catch (err) {
      if (err instanceof NoSecretError) return { servedByLatest: false };
      if (!(err instanceof ProviderError && err.reason === "SecretVersionNotEnabled")) throw err;
      // `latest` is disabled or destroyed: the newest enabled version is the base a property merges into.
      const enabled = await deps.newestEnabled(key);
      return { value: enabled ? await deps.access(key, String(versionNumber(enabled))) : undefined, servedByLatest: false };
    }
  }

  function newSecret(spec: GcpPushSecretMetadataSpec, where: Located): NewSecret {
    return {
      labels: desiredLabels(spec, {}),
      annotations: desiredAnnotations(spec),
      topics: spec.topics ?? [],
      // Regional secrets take no replication (ESO sets none); their CMEK key is a field of the secret itself.
      ...(where.regional ? { kmsKeyName: spec.cmekKeyName } : { replication: replicationFor(spec) }),
    };
  }

  return {
    async pushSecret(request) {
      const { remoteKey, property } = request.remoteRef;
      if (property && request.metadata !== undefined && request.metadata !== null) {
        throw new ConfigError(`PushSecret entry for ${remoteKey}: metadata and property cannot be set together (as in ESO: labels belong to the whole secret)`);
      }
      const spec = parsePushMetadata(request.metadata);
      const value = pushedValue(request);
      const where = locate(remoteKey);
      const what = `secret ${remoteKey}`;

      const existing = await describe(where, what);
      if (!existing) {
        const payload = property ? toBytes(withProperty(undefined, property, bytesToString(value))) : value;
        await deps.write("CreateSecret", what, () => deps.writes.createSecret(where.parent, where.id, newSecret(spec, where)));
        await deps.write("AddSecretVersion", what, () => deps.writes.addVersion(where.name, payload));
        deps.log.debug({ key: remoteKey, property }, "gcpsm: pushed a new secret");
        return "created";
      }
      // ESO takes over a foreign secret when a property is pushed; the contract refuses in both cases.
      if (!isOwned(existing.labels)) throw new NotOwnedError(`secret ${remoteKey}`);

      // Everything is decided before the first write.
      const now = await current(remoteKey);
      let payload: Uint8Array | undefined;
      if (property) {
        const object = now.value === undefined ? undefined : jsonObjectOf(bytesToString(now.value), remoteKey);
        const text = bytesToString(value);
        if (!(now.servedByLatest && object && holdsProperty(object, property, text))) payload = toBytes(withProperty(object, property, text));
      } else if (!(now.servedByLatest && now.value && sameBytes(now.value, value))) {
        payload = value;
      }
      // A property push leaves the secret's labels and annotations as they are (the mark is already there).
      const labels = property ? existing.labels : desiredLabels(spec, existing.labels);
      const annotations = property ? existing.annotations : desiredAnnotations(spec);
      const metadataChanged = !sameEntries(labels, existing.labels) || !sameEntries(annotations, existing.annotations);

      if (metadataChanged) {
        await deps.write("UpdateSecret", what, () => deps.writes.updateLabelsAndAnnotations(where.name, labels, annotations, existing.etag));
      }
      if (payload) await deps.write("AddSecretVersion", what, () => deps.writes.addVersion(where.name, payload));
      const outcome = metadataChanged || payload ? "updated" : "unchanged";
      deps.log.debug({ key: remoteKey, property, outcome, newVersion: payload !== undefined, metadataChanged }, "gcpsm: push compared");
      return outcome;
    },

    async deleteSecret(ref: PushRemoteRef) {
      const where = locate(ref.remoteKey);
      const what = `secret ${ref.remoteKey}`;
      const existing = await describe(where, what);
      if (!existing) return "absent";
      if (!isOwned(existing.labels)) return "not-owned";
      if (ref.property) {
        const now = await current(ref.remoteKey);
        if (now.value === undefined) return "absent";
        const object = jsonObjectOf(bytesToString(now.value), ref.remoteKey);
        if (!Object.hasOwn(object, ref.property)) return "absent";
        const rest = withoutProperty(object, ref.property);
        if (rest !== undefined) {
          await deps.write("AddSecretVersion", what, () => deps.writes.addVersion(where.name, toBytes(rest)));
          return "deleted";
        }
        // The last property: the secret goes, as ESO deletes it.
      }
      try {
        await deps.write("DeleteSecret", what, () => deps.writes.deleteSecret(where.name, existing.etag));
      } catch (err) {
        if (err instanceof NoSecretError) return "absent";
        throw err;
      }
      return "deleted";
    },

    async secretExists(ref: PushRemoteRef) {
      // As ESO: a secret exists when it has an enabled version; with a property, when that version's object has it.
      const now = await current(ref.remoteKey);
      if (now.value === undefined) return false;
      if (!ref.property) return true;
      return Object.hasOwn(jsonObjectOf(bytesToString(now.value), ref.remoteKey), ref.property);
    },
  };
}
