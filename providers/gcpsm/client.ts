// A gcpsm session: one SDK client and one set of credentials per store, shared by every ExternalSecret on
// it. Requests run in parallel up to a bound (no process-wide lock); identical concurrent requests are
// already merged by the session layer (src/provider/shared-fetches.ts).
import type { Logger } from "pino";
import type { AuthClient } from "google-auth-library";
import type { RemoteRef } from "../../src/api/external-secret.ts";
import { ProviderError, ProviderUnavailableError } from "../../src/provider/errors.ts";
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import { explodeJson, pickProperty, toBytes, bytesToString } from "../../src/provider/json-value.ts";
import type { SecretsClient } from "../../src/provider/types.ts";
import type { SecretManagerApi } from "./api.ts";
import type { SecretManagerWrites } from "./api-write.ts";
import { crc32c, sentChecksum } from "./crc32c.ts";
import { callStatus, mapGcpError, mapGcpWriteError } from "./errors.ts";
import { Limiter } from "./limiter.ts";
import type { Scope } from "./names.ts";
import { metadataDocument, secretName, versionId, versionName, versionNumber } from "./names.ts";
import { findSecrets } from "./client-find.ts";
import { gcpsmPush } from "./push.ts";

export const MAX_IN_FLIGHT = 16;

export interface SessionDeps {
  api: SecretManagerApi;
  auth: AuthClient;
  scope: Scope;
  /** LatestOrFetch: when `latest` is disabled or destroyed, serve the newest enabled version. */
  fallbackToEnabled: boolean;
  log: Logger;
  /** Secret Manager's write calls (same SDK client as `api`): present, the session can push (PushSecret). */
  writes?: SecretManagerWrites | undefined;
}

/** Runs one request: bounded, with credentials resolved first (so auth errors keep their type), counted and mapped. */
export type Call = <T>(call: string, what: string, fn: () => Promise<T>) => Promise<T>;

export function makeCall(deps: Pick<SessionDeps, "api" | "auth">, limiter: Limiter, mapError: typeof mapGcpError = mapGcpError): Call {
  return (call, what, fn) =>
    limiter.run(async () => {
      await deps.auth.getRequestHeaders();
      try {
        const result = await fn();
        recordProviderCall("gcpsm", call, "success");
        return result;
      } catch (err) {
        recordProviderCall("gcpsm", call, callStatus(err));
        throw mapError(err, call, what);
      }
    });
}

const describe = (key: string, version: string | undefined) => `secret ${key} version ${versionId(version)}`;

export function gcpsmClient(deps: SessionDeps): SecretsClient {
  const limiter = new Limiter(MAX_IN_FLIGHT);
  const call = makeCall(deps, limiter);

  async function newestEnabled(key: string): Promise<string | undefined> {
    const name = secretName(deps.scope, key);
    let best: string | undefined;
    let pageToken: string | undefined;
    do {
      const page = await call("ListSecretVersions", `secret ${key}`, () => deps.api.listEnabledVersions(name, pageToken));
      for (const candidate of page.names) if (!best || versionNumber(candidate) > versionNumber(best)) best = candidate;
      pageToken = page.nextPageToken;
    } while (pageToken);
    return best;
  }

  async function access(key: string, version: string | undefined): Promise<Uint8Array> {
    const what = describe(key, version);
    let accessed;
    try {
      accessed = await call("AccessSecretVersion", what, () => deps.api.access(versionName(deps.scope, key, version)));
    } catch (err) {
      const notEnabled = err instanceof ProviderError && err.reason === "SecretVersionNotEnabled";
      if (!(notEnabled && deps.fallbackToEnabled && versionId(version) === "latest")) throw err;
      const enabled = await newestEnabled(key);
      if (!enabled) throw err;
      deps.log.debug({ key, version: versionNumber(enabled) }, "gcpsm: latest is not enabled; using the newest enabled version");
      accessed = await call("AccessSecretVersion", describe(key, String(versionNumber(enabled))), () => deps.api.access(enabled));
    }
    const sent = sentChecksum(accessed.crc32c);
    if (sent !== undefined && sent !== crc32c(accessed.data)) {
      recordProviderCall("gcpsm", "AccessSecretVersion", "error");
      throw new ProviderUnavailableError(`${what}: payload checksum (CRC32C) mismatch, the value was corrupted in transit`);
    }
    return accessed.data;
  }

  /** The value a ref names: the payload, or with metadataPolicy Fetch the labels and annotations. */
  async function read(ref: RemoteRef): Promise<string | Uint8Array> {
    if (ref.metadataPolicy === "Fetch") {
      const secret = await call("GetSecret", `secret ${ref.key}`, () => deps.api.getSecret(secretName(deps.scope, ref.key)));
      return metadataDocument(secret.labels, secret.annotations);
    }
    return access(ref.key, ref.version);
  }

  return {
    async getSecret(ref) {
      const value = await read(ref);
      if (!ref.property) return typeof value === "string" ? toBytes(value) : value;
      const text = typeof value === "string" ? value : bytesToString(value);
      return toBytes(pickProperty(text, ref.property, `secret ${ref.key}`));
    },
    async getSecretMap(ref) {
      const value = await read(ref);
      const text = typeof value === "string" ? value : bytesToString(value);
      return explodeJson(ref.property ? pickProperty(text, ref.property, `secret ${ref.key}`) : text, `secret ${ref.key}`);
    },
    findSecrets: (request) => findSecrets(request, { ...deps, call, access }),
    async validate() {
      // Proves the credentials work locally (key parses, token exchange succeeds) without needing list
      // permission, which accessor-only service accounts lack.
      try {
        await deps.auth.getRequestHeaders();
      } catch (err) {
        throw mapGcpError(err, "Authenticate", "the store's credentials");
      }
    },
    async close() {
      await deps.api.close();
    },
    // Writes share the reads' limiter: one bound on what a session has in flight.
    ...(deps.writes ? { push: gcpsmPush({ ...deps, writes: deps.writes, read: call, write: makeCall(deps, limiter, mapGcpWriteError), access, newestEnabled }) } : {}),
  };
}
