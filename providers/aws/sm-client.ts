// The Secrets Manager session: GetSecretValue by stage or `uuid/<VersionId>`, AWSCURRENT reads batched into
// BatchGetSecretValue (20 ids per call) and shared for a short window, tags for metadataPolicy: Fetch; the
// write half (PushSecret) is in sm-push.ts.
import { BatchGetSecretValueCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SecretValueEntry } from "@aws-sdk/client-secrets-manager";
import type { Logger } from "pino";
import type { RemoteRef } from "../../src/api/external-secret.ts";
import { explodeJson } from "../../src/provider/json-value.ts";
import { PermissionDeniedError, ProviderError } from "../../src/provider/errors.ts";
import type { SecretsClient } from "../../src/provider/types.ts";
import type { KubeAccess } from "../../src/kube/access.ts";
import { BATCH_WINDOW_MS, Batcher, SHARED_FETCH_TTL_MS } from "./batcher.ts";
import { awsCall, countRequests } from "./calls.ts";
import { credentialsRefused, mapAwsError } from "./errors.ts";
import { validateCredentials, type SessionCredentials } from "./credentials.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { shapeMap, shapeTags, shapeValue, tagsDocument, toRaw, withPrefix } from "./values.ts";
import type { RawValue } from "./values.ts";
import { findSecretsManager } from "./sm-find.ts";
import { secretsManagerPush } from "./sm-push.ts";

export const SM_BATCH_MAX = 20;

export interface SmDeps {
  spec: AwsProviderSpec;
  credentials: SessionCredentials;
  endpoint: string | undefined;
  log: Logger;
  kube: KubeAccess;
}

/** GetSecretValue's version selector for remoteRef.version (ESO: a stage, or `uuid/<VersionId>`). Pure. */
export function versionSelector(version: string | undefined): { VersionStage?: string; VersionId?: string } {
  if (!version) return { VersionStage: "AWSCURRENT" };
  if (version.startsWith("uuid/")) return { VersionId: version.slice("uuid/".length) };
  return { VersionStage: version };
}

export function secretsManagerClient(deps: SmDeps): SecretsClient {
  const { spec, credentials, log } = deps;
  const sdk = countRequests(new SecretsManagerClient({ region: spec.region, ...(deps.endpoint ? { endpoint: deps.endpoint } : {}), credentials: credentials.get, maxAttempts: 3 }));
  let batchDenied = false;

  const guarded = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await awsCall(what, fn);
    } catch (err) {
      if (err instanceof ProviderError && credentialsRefused(err)) credentials.invalidate();
      throw err;
    }
  };
  const getOne = async (secretId: string, version: string | undefined): Promise<RawValue> =>
    toRaw(await guarded(`GetSecretValue ${secretId}`, () => sdk.send(new GetSecretValueCommand({ SecretId: secretId, ...versionSelector(version) }))));
  const settle = async (id: string, version?: string): Promise<RawValue | Error> => getOne(id, version).catch((err: Error) => err);

  const batchGet = async (ids: string[]): Promise<Map<string, RawValue | Error>> => {
    const out = new Map<string, RawValue | Error>();
    if (ids.length > 1 && !batchDenied) {
      try {
        const res = await guarded(`BatchGetSecretValue (${ids.length} ids)`, () => sdk.send(new BatchGetSecretValueCommand({ SecretIdList: ids })));
        const byRequested = (entry: SecretValueEntry) => ids.find((id) => id === entry.Name || id === entry.ARN);
        for (const entry of res.SecretValues ?? []) {
          const id = byRequested(entry);
          if (id !== undefined) out.set(id, toRaw(entry));
        }
        for (const error of res.Errors ?? []) {
          if (error.SecretId !== undefined) out.set(error.SecretId, mapAwsError({ name: error.ErrorCode, message: error.Message }, `GetSecretValue ${error.SecretId}`));
        }
      } catch (err) {
        // Policies often grant GetSecretValue but not BatchGetSecretValue: fall back to single reads for good.
        if (!(err instanceof PermissionDeniedError) || credentialsRefused(err)) throw err;
        batchDenied = true;
        log.debug("BatchGetSecretValue denied; reading secrets one by one");
      }
    }
    // Ids the batch did not answer (partial ARNs, a denied batch, a single id) are read one by one.
    const rest = ids.filter((id) => !out.has(id));
    const singles = await Promise.all(rest.map((id) => settle(id)));
    rest.forEach((id, i) => out.set(id, singles[i]!));
    return out;
  };

  const sep = "\u0000";
  const current = new Batcher<RawValue>({ fetch: batchGet, windowMs: BATCH_WINDOW_MS, maxBatch: SM_BATCH_MAX, ttlMs: SHARED_FETCH_TTL_MS });
  const versioned = new Batcher<RawValue>({
    fetch: async ([key]) => {
      const [id, version] = key!.split(sep) as [string, string];
      return new Map([[key!, await settle(id, version)]]);
    },
    windowMs: 0,
    maxBatch: 1,
    ttlMs: SHARED_FETCH_TTL_MS,
  });
  const tags = new Batcher<string>({
    fetch: async ([id]) => {
      const res = await guarded(`DescribeSecret ${id}`, () => sdk.send(new DescribeSecretCommand({ SecretId: id! }))).catch((err: Error) => err);
      if (res instanceof Error) return new Map([[id!, res]]);
      // A secret scheduled for deletion still describes; it is gone for us.
      if (res.DeletedDate) return new Map([[id!, mapAwsError({ name: "ResourceNotFoundException" }, `DescribeSecret ${id}`)]]);
      return new Map([[id!, tagsDocument(res.Tags)]]);
    },
    windowMs: 0,
    maxBatch: 1,
    ttlMs: SHARED_FETCH_TTL_MS,
  });

  const forgetReads = () => {
    current.clear();
    versioned.clear();
    tags.clear();
  };

  const read = (ref: RemoteRef): Promise<RawValue> => {
    const id = withPrefix(spec.prefix, ref.key);
    const stage = versionSelector(ref.version);
    return stage.VersionStage === "AWSCURRENT" ? current.get(id) : versioned.get(`${id}${sep}${ref.version}`);
  };
  const label = (ref: RemoteRef) => `secret ${ref.key}${ref.version ? ` version ${ref.version}` : ""}`;

  return {
    async getSecret(ref) {
      if (ref.metadataPolicy === "Fetch") return shapeTags(await tags.get(withPrefix(spec.prefix, ref.key)), ref, label(ref));
      return shapeValue(await read(ref), ref, label(ref));
    },
    async getSecretMap(ref) {
      if (ref.metadataPolicy === "Fetch") return explodeJson(await tags.get(withPrefix(spec.prefix, ref.key)), label(ref));
      return shapeMap(await read(ref), ref, label(ref));
    },
    findSecrets: (request) => findSecretsManager({ sdk, spec, guarded, current }, request),
    validate: () => validateCredentials(credentials),
    // Same SDK client (credentials, endpoint, bounded bodies, call counts); a write drops the shared reads.
    push: secretsManagerPush({ sdk, spec, guarded, kube: deps.kube, onWrite: forgetReads }),
    async close() {
      current.clear();
      sdk.destroy();
    },
  };
}
