// The Secret Manager calls the provider reads with, behind a narrow interface: the SDK client in production
// (gRPC, or REST for emulators), an in-memory table in unit tests. PushSecret's writes are in api-write.ts.
import { v1 } from "@google-cloud/secret-manager";
import { grpc } from "google-gax";
import type { CallOptions } from "google-gax";
import type { AuthClient } from "google-auth-library";
import type { Endpoint } from "./endpoint.ts";
import { Limits } from "../../src/provider/limits.ts";
import { sdkWrites, type SecretManagerWrites } from "./api-write.ts";

export interface AccessedVersion {
  /** Resource name of the version actually served (`latest` resolved to its number). */
  name: string;
  data: Uint8Array;
  /** payload.dataCrc32c as sent (number, decimal string or Long), or undefined. */
  crc32c: unknown;
}

export interface ListedSecret {
  name: string;
  labels: Record<string, string>;
}

/**
 * What the provider needs from Secret Manager. Methods reject with the SDK's errors (a `code` from
 * google.rpc.Code); the caller maps them in errors.ts. Each method is exactly one request.
 */
export interface SecretManagerApi {
  access(versionName: string): Promise<AccessedVersion>;
  /** `etag` is for PushSecret's conditional updates and deletes; reads ignore it. */
  getSecret(secretName: string): Promise<{ labels: Record<string, string>; annotations: Record<string, string>; etag?: string | undefined }>;
  listSecrets(parent: string, filter: string | undefined, pageToken: string | undefined): Promise<{ secrets: ListedSecret[]; nextPageToken?: string | undefined }>;
  /** One page of a secret's versions in state ENABLED (names only). */
  listEnabledVersions(secretName: string, pageToken: string | undefined): Promise<{ names: string[]; nextPageToken?: string | undefined }>;
  close(): Promise<void>;
}

// Retries are the operator's job (per-key backoff), not a hidden minute inside one reconcile.
const CALL: CallOptions = { timeout: 30_000, retry: { retryCodes: [] }, autoPaginate: false };

/**
 * The SDK client for `endpoint`, with `authClient` as its only source of credentials. Over gRPC, answers past
 * `maxResponseBytes` fail in grpc-js (google-gax turns its 4 MiB default off; a `grpc.*` option turns a limit back
 * on; errors.ts maps the failure to ResponseTooLargeError). The REST transport (gaxios) offers no such hook.
 */
export function sdkApi(endpoint: Endpoint, authClient: AuthClient, maxResponseBytes: number = Limits.providerResponseBytes): SecretManagerApi & SecretManagerWrites {
  const options =
    endpoint.transport === "rest"
      ? { fallback: true, apiEndpoint: endpoint.host, port: endpoint.port, protocol: endpoint.secure ? "https" : "http", authClient }
      : {
          apiEndpoint: endpoint.host,
          port: endpoint.port,
          authClient,
          "grpc.max_receive_message_length": maxResponseBytes,
          ...(endpoint.secure ? {} : { sslCreds: grpc.credentials.createInsecure() }),
        };
  const client = new v1.SecretManagerServiceClient(options as ConstructorParameters<typeof v1.SecretManagerServiceClient>[0]);
  return {
    ...sdkWrites(client, CALL),
    async access(name) {
      const [response] = await client.accessSecretVersion({ name }, CALL);
      const data = response.payload?.data;
      const bytes = data === null || data === undefined ? new Uint8Array() : typeof data === "string" ? Buffer.from(data, "base64") : new Uint8Array(data);
      return { name: response.name ?? name, data: bytes, crc32c: response.payload?.dataCrc32c ?? undefined };
    },
    async getSecret(name) {
      const [secret] = await client.getSecret({ name }, CALL);
      return { labels: { ...secret.labels }, annotations: { ...secret.annotations }, etag: secret.etag || undefined };
    },
    async listSecrets(parent, filter, pageToken) {
      const [secrets, , raw] = await client.listSecrets({ parent, pageSize: 250, ...(filter ? { filter } : {}), ...(pageToken ? { pageToken } : {}) }, CALL);
      return { secrets: secrets.map((secret) => ({ name: secret.name ?? "", labels: { ...secret.labels } })), nextPageToken: raw?.nextPageToken || undefined };
    },
    async listEnabledVersions(name, pageToken) {
      const [versions, , raw] = await client.listSecretVersions({ parent: name, pageSize: 250, filter: "state:ENABLED", ...(pageToken ? { pageToken } : {}) }, CALL);
      // Some servers ignore the filter: keep only enabled versions ourselves.
      const names = versions.filter((version) => version.state === "ENABLED" || version.state === 1).map((version) => version.name ?? "");
      return { names, nextPageToken: raw?.nextPageToken || undefined };
    },
    async close() {
      await client.close();
    },
  };
}
