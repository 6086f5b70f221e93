// RefreshReceiver (secrets-bridge.io/v1alpha1, namespaced, issue 20): an authenticated webhook that refreshes the
// stores and ExternalSecrets it selects at once instead of at their next interval. Modelled on Flux's notification
// Receiver (type, secretRef, resources, events; status.webhookPath is a hash of token, name and namespace). Ours,
// not ESO's: it lives in our own group so the external-secrets.io/v1 API stays exactly ESO's.
import { z } from "zod";
import { Condition } from "./common.ts";
import type { ObjectMeta } from "./common.ts";

export const RECEIVER_GROUP = "secrets-bridge.io";
export const RECEIVER_VERSION = "v1alpha1";
export const RECEIVER_API_VERSION = `${RECEIVER_GROUP}/${RECEIVER_VERSION}`;

export const ReceiverType = z.enum(["github", "gitlab", "generic", "generic-hmac"]);
export type ReceiverType = z.infer<typeof ReceiverType>;

const NAME = z.string().min(1).max(253);

export const ReceiverResource = z
  .object({
    kind: z.enum(["SecretStore", "ClusterSecretStore", "ExternalSecret"]).describe("SecretStore, ClusterSecretStore or ExternalSecret."),
    name: NAME.optional().describe("Name of the object; `*` or unset with matchLabels selects by labels."),
    matchLabels: z.record(z.string(), z.string()).optional().describe("Labels the objects must all carry (instead of, or with, name: *)."),
  })
  .describe(
    "Objects a verified call refreshes: an ExternalSecret of the receiver's namespace, or every ExternalSecret of that namespace reading the store. A ClusterSecretStore counts only when its spec.conditions admit the receiver's namespace.",
  )
  .meta({ "x-kubernetes-validations": [{ rule: "has(self.name) || has(self.matchLabels)", message: "a resource needs name or matchLabels" }] });
export type ReceiverResource = z.infer<typeof ReceiverResource>;

export const RefreshReceiverSpec = z
  .object({
    type: ReceiverType.describe(
      "How calls are verified: github (X-Hub-Signature-256, HMAC-SHA256 of the body), gitlab (X-Gitlab-Token), generic (Authorization: Bearer <token>), generic-hmac (X-Signature: sha256=<hex HMAC-SHA256 of the body>).",
    ),
    secretRef: z
      .object({ name: NAME.describe("Name of a Secret in the receiver's namespace; its key `token` is the token or HMAC key.") })
      .describe("The Secret holding the token."),
    events: z
      .array(z.string().min(1).max(128))
      .max(64)
      .optional()
      .describe("github and gitlab: the event types that refresh (X-GitHub-Event / X-Gitlab-Event, e.g. push); empty: every event. GitHub's ping is always answered without a refresh."),
    resources: z.array(ReceiverResource).min(1).max(128).describe("What a verified call refreshes."),
  })
  .describe("How calls are verified and what they refresh.");
export type RefreshReceiverSpec = z.infer<typeof RefreshReceiverSpec>;

/** How many verified calls status.calls keeps (newest last): replicas that missed none of them act on each once. */
export const MAX_SHARED_CALLS = 8;

export const SharedCall = z
  .object({
    id: z.string().min(1).max(64).describe("Unique per call."),
    at: z.string().max(64).describe("When the call was verified (RFC 3339)."),
    delivery: z.string().max(64).optional().describe("Hash of the call's delivery id: the same delivery sent to another replica is refused as a replay."),
    keys: z.array(z.string().max(1024)).max(256).optional().describe("Remote keys the call named (generic calls); unset: every key."),
    files: z.array(z.string().max(1024)).max(256).optional().describe("Files a push changed; unset: every file."),
  })
  .describe("A verified call, as the replica that received it shares it with the others (--shards auto).");
export type SharedCall = z.infer<typeof SharedCall>;

export const RefreshReceiverStatus = z
  .object({
    webhookPath: z.string().optional().describe("The path to call: /hook/<sha256 of token, name and namespace>; it changes when the token does."),
    observedGeneration: z.int().optional().describe("The generation the status describes."),
    conditions: z.array(Condition).optional().describe("Ready: the token was read and the path is served."),
    calls: z
      .array(SharedCall)
      .max(MAX_SHARED_CALLS)
      .optional()
      .describe("With --shards auto: the latest verified calls, written by the replica that received each, so every replica refreshes the ExternalSecrets it works."),
  })
  .describe("Observed state.");
export type RefreshReceiverStatus = z.infer<typeof RefreshReceiverStatus>;

export interface RefreshReceiver {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: RefreshReceiverSpec;
  status?: RefreshReceiverStatus;
}
