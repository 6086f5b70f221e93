// The Secret Manager write calls PushSecret makes, on the same SDK client (same auth, endpoint checks, transport
// and answer bound) as the reads in api.ts. Each method is exactly one request; answers are not used beyond
// success, so nothing of a written value comes back into the process.
import type { v1 } from "@google-cloud/secret-manager";
import type { CallOptions } from "google-gax";
import { crc32c } from "./crc32c.ts";
import type { Replication } from "./push-metadata.ts";

/** A secret to create. `replication` is for global secrets, `kmsKeyName` for regional ones (they take no replication). */
export interface NewSecret {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  topics: string[];
  replication?: Replication | undefined;
  kmsKeyName?: string | undefined;
}

/**
 * What PushSecret needs beyond the reads. Rejects with the SDK's errors (a google.rpc.Code); the caller maps them.
 * `etag` makes a change conditional on the secret being as it was read (the server refuses otherwise).
 */
export interface SecretManagerWrites {
  createSecret(parent: string, secretId: string, secret: NewSecret): Promise<void>;
  /** UpdateSecret with the field mask `labels,annotations`: nothing else of the secret changes. */
  updateLabelsAndAnnotations(secretName: string, labels: Record<string, string>, annotations: Record<string, string>, etag: string | undefined): Promise<void>;
  /** AddSecretVersion, with the payload's CRC32C so the server rejects a value corrupted in transit. */
  addVersion(secretName: string, data: Uint8Array): Promise<void>;
  deleteSecret(secretName: string, etag: string | undefined): Promise<void>;
}

export function sdkWrites(client: v1.SecretManagerServiceClient, call: CallOptions): SecretManagerWrites {
  return {
    async createSecret(parent, secretId, secret) {
      await client.createSecret(
        {
          parent,
          secretId,
          secret: {
            labels: secret.labels,
            annotations: secret.annotations,
            topics: secret.topics.map((name) => ({ name })),
            ...(secret.replication ? { replication: secret.replication } : {}),
            ...(secret.kmsKeyName ? { customerManagedEncryption: { kmsKeyName: secret.kmsKeyName } } : {}),
          },
        },
        call,
      );
    },
    async updateLabelsAndAnnotations(name, labels, annotations, etag) {
      await client.updateSecret({ secret: { name, labels, annotations, ...(etag ? { etag } : {}) }, updateMask: { paths: ["labels", "annotations"] } }, call);
    },
    async addVersion(parent, data) {
      await client.addSecretVersion({ parent, payload: { data, dataCrc32c: crc32c(data) } }, call);
    },
    async deleteSecret(name, etag) {
      await client.deleteSecret({ name, ...(etag ? { etag } : {}) }, call);
    },
  };
}
