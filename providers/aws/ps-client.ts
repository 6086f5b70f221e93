// The Parameter Store session: GetParameter with decryption, `name:version` / `name:label` selectors (ESO
// appends remoteRef.version as `:version`), unversioned reads batched into GetParameters (10 names per call)
// and shared for a short window, tags (ListTagsForResource) for metadataPolicy: Fetch; the write half
// (PushSecret) is in ps-push.ts.
import { GetParameterCommand, GetParametersCommand, ListTagsForResourceCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { RemoteRef } from "../../src/api/external-secret.ts";
import { explodeJson } from "../../src/provider/json-value.ts";
import { NoSecretError, ProviderError } from "../../src/provider/errors.ts";
import type { SecretsClient } from "../../src/provider/types.ts";
import { BATCH_WINDOW_MS, Batcher, SHARED_FETCH_TTL_MS } from "./batcher.ts";
import { awsCall, countRequests } from "./calls.ts";
import { credentialsRefused } from "./errors.ts";
import { validateCredentials, type SessionCredentials } from "./credentials.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { shapeMap, shapeTags, shapeValue, tagsDocument, withPrefix } from "./values.ts";
import type { RawValue } from "./values.ts";
import { findParameters } from "./ps-find.ts";
import { parameterStorePush } from "./ps-push.ts";

export const PS_BATCH_MAX = 10;

export interface PsDeps {
  spec: AwsProviderSpec;
  credentials: SessionCredentials;
  endpoint: string | undefined;
}

/** The name GetParameter is asked for: `name`, or `name:version` when remoteRef.version is set. Pure. */
export function parameterSelector(name: string, version: string | undefined): string {
  return version ? `${name}:${version}` : name;
}

export function parameterStoreClient(deps: PsDeps): SecretsClient {
  const { spec, credentials } = deps;
  const sdk = countRequests(new SSMClient({ region: spec.region, ...(deps.endpoint ? { endpoint: deps.endpoint } : {}), credentials: credentials.get, maxAttempts: 3 }));

  const guarded = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await awsCall(what, fn);
    } catch (err) {
      if (err instanceof ProviderError && credentialsRefused(err)) credentials.invalidate();
      throw err;
    }
  };
  const getOne = async (selector: string): Promise<RawValue | Error> => {
    try {
      const res = await guarded(`GetParameter ${selector}`, () => sdk.send(new GetParameterCommand({ Name: selector, WithDecryption: true })));
      return { text: res.Parameter?.Value ?? "" };
    } catch (err) {
      return err as Error;
    }
  };

  const fetchMany = async (selectors: string[]): Promise<Map<string, RawValue | Error>> => {
    const out = new Map<string, RawValue | Error>();
    // Selectors with a version or label, and ARNs, are read alone: GetParameters answers them under other names.
    const plain = selectors.filter((s) => !s.includes(":"));
    if (plain.length > 1) {
      const res = await guarded(`GetParameters (${plain.length} names)`, () => sdk.send(new GetParametersCommand({ Names: plain, WithDecryption: true }))).catch((err: Error) => err);
      if (res instanceof Error) for (const name of plain) out.set(name, res);
      else {
        for (const parameter of res.Parameters ?? []) if (parameter.Name && plain.includes(parameter.Name)) out.set(parameter.Name, { text: parameter.Value ?? "" });
        for (const name of res.InvalidParameters ?? []) out.set(name, new NoSecretError(`GetParameter ${name}: not found (ParameterNotFound)`));
      }
    }
    const rest = selectors.filter((s) => !out.has(s));
    const singles = await Promise.all(rest.map(getOne));
    rest.forEach((s, i) => out.set(s, singles[i]!));
    return out;
  };

  const values = new Batcher<RawValue>({ fetch: fetchMany, windowMs: BATCH_WINDOW_MS, maxBatch: PS_BATCH_MAX, ttlMs: SHARED_FETCH_TTL_MS });
  const tags = new Batcher<string>({
    fetch: async ([name]) => {
      const res = await guarded(`ListTagsForResource ${name}`, () => sdk.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name! }))).catch((err: Error) => err);
      return new Map([[name!, res instanceof Error ? res : tagsDocument(res.TagList)]]);
    },
    windowMs: 0,
    maxBatch: 1,
    ttlMs: SHARED_FETCH_TTL_MS,
  });

  const name = (ref: RemoteRef) => withPrefix(spec.prefix, ref.key);
  const label = (ref: RemoteRef) => `parameter ${ref.key}${ref.version ? ` version ${ref.version}` : ""}`;
  return {
    async getSecret(ref) {
      if (ref.metadataPolicy === "Fetch") return shapeTags(await tags.get(name(ref)), ref, label(ref));
      return shapeValue(await values.get(parameterSelector(name(ref), ref.version)), ref, label(ref));
    },
    async getSecretMap(ref) {
      if (ref.metadataPolicy === "Fetch") return explodeJson(await tags.get(name(ref)), label(ref));
      return shapeMap(await values.get(parameterSelector(name(ref), ref.version)), ref, label(ref));
    },
    findSecrets: (request) => findParameters({ sdk, spec, guarded, values }, request),
    validate: () => validateCredentials(credentials),
    // Same SDK client (credentials, endpoint, bounded bodies, call counts); a write drops the shared reads.
    push: parameterStorePush({
      sdk,
      spec,
      guarded,
      onWrite: () => {
        values.clear();
        tags.clear();
      },
    }),
    async close() {
      values.clear();
      sdk.destroy();
    },
  };
}
