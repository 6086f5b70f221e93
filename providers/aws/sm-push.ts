// The Secrets Manager write half (PushSecret), with ESO's behaviour: a secret is ours when tagged
// managed-by: external-secrets; create with CreateSecret (tags, description, KMS key, string or binary); on an
// existing secret, tags are patched and PutSecretValue sent only when they differ from what is there, so a push
// of an unchanged value costs reads only (DescribeSecret, GetSecretValue, and GetResourcePolicy when the entry
// names a resource policy: sm-resource-policy.ts; replica regions: sm-replication.ts); delete honours the
// store's secretsManager deletion settings and never touches a secret without the mark.
import { randomUUID } from "node:crypto";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type DescribeSecretResponse,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { ConfigError, NoSecretError, NotOwnedError } from "../../src/provider/errors.ts";
import { bytesToString, toBytes } from "../../src/provider/json-value.ts";
import { pushedValue } from "../../src/provider/push-value.ts";
import type { PushClient } from "../../src/provider/types.ts";
import { EXTERNAL_SECRETS, MANAGED_BY, secretsManagerPushOptions, tagChanges, tagList, tagMap } from "./push-metadata.ts";
import { mergeProperty, propertyValue, removeProperty } from "./push-property.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { rawBytes, rawText, toRaw, withPrefix, type RawValue } from "./values.ts";
import { guardedWrite } from "./write-errors.ts";
import { applyPolicy, wantedPolicy } from "./sm-resource-policy.ts";
import { applyReplication, removeReplicas, replicaRegions, replicasAtCreation } from "./sm-replication.ts";
import type { KubeAccess } from "../../src/kube/access.ts";

/** ESO's ClientRequestToken for the first version of a secret it creates. */
const INITIAL_VERSION = "00000000-0000-0000-0000-000000000001";

export interface SmPushDeps {
  sdk: SecretsManagerClient;
  spec: AwsProviderSpec;
  guarded: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
  /** For the resource policy document (metadata resourcePolicy.policySourceRef). */
  kube: KubeAccess;
  /** A write changed the store: the session drops the values it shares between reads. */
  onWrite: () => void;
}

/**
 * Why the store's `secretsManager` deletion settings cannot work, or undefined (ESO's ValidateDeleteSecretInput,
 * which ESO checks when validating the store). Pure.
 */
export function deletionSettingsRefusal(spec: Pick<AwsProviderSpec, "secretsManager">): string | undefined {
  const { recoveryWindowInDays: days, forceDeleteWithoutRecovery: force } = spec.secretsManager ?? {};
  if (!days) return undefined;
  if (days < 7 || days > 30) return "spec.provider.aws.secretsManager.recoveryWindowInDays must be between 7 and 30 days";
  if (force) return "spec.provider.aws.secretsManager.forceDeleteWithoutRecovery conflicts with recoveryWindowInDays";
  return undefined;
}

const owned = (described: DescribeSecretResponse) => tagMap(described.Tags)[MANAGED_BY] === EXTERNAL_SECRETS;

/** The value fields of CreateSecret / PutSecretValue for a format. */
const payload = (value: Uint8Array, format: "string" | "binary") => (format === "string" ? { SecretString: bytesToString(value) } : { SecretBinary: value });

/** ESO's comparison: the same bytes as SecretBinary, or the same text as SecretString. */
const sameValue = (current: RawValue, next: Uint8Array) => Buffer.from(rawBytes(current)).equals(Buffer.from(next));

export function secretsManagerPush(deps: SmPushDeps): PushClient {
  const { sdk, spec, guarded, kube, onWrite } = deps;
  const idOf = (remoteKey: string) => withPrefix(spec.prefix, remoteKey);

  /** The secret's description, or undefined when it does not exist. */
  const describe = async (id: string): Promise<DescribeSecretResponse | undefined> => {
    try {
      return await guarded(`DescribeSecret ${id}`, () => sdk.send(new DescribeSecretCommand({ SecretId: id })));
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
  };
  /** The AWSCURRENT value, fresh (never the read path's shared copy), or undefined when there is none. */
  const currentValue = async (id: string): Promise<RawValue | undefined> => {
    try {
      return toRaw(await guarded(`GetSecretValue ${id}`, () => sdk.send(new GetSecretValueCommand({ SecretId: id, VersionStage: "AWSCURRENT" }))));
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
  };
  const putValue = (id: string, value: Uint8Array, format: "string" | "binary", pushed: Uint8Array) =>
    guardedWrite(guarded, `PutSecretValue ${id}`, [value, pushed], () => sdk.send(new PutSecretValueCommand({ SecretId: id, ClientRequestToken: randomUUID(), ...payload(value, format) })));

  return {
    async pushSecret(request) {
      const { remoteKey, property } = request.remoteRef;
      const label = `secret ${remoteKey}`;
      const options = secretsManagerPushOptions(request.metadata, remoteKey);
      const value = pushedValue(request);
      const policy = await wantedPolicy(kube, options, remoteKey);
      const id = idOf(remoteKey);
      const described = await describe(id);
      if (!described) {
        const first = property ? toBytes(mergeProperty(undefined, property, bytesToString(value), label)!) : value;
        const created = await guardedWrite(guarded, `CreateSecret ${id}`, [first, value], () =>
          sdk.send(
            new CreateSecretCommand({
              Name: id,
              ...payload(first, options.format),
              Tags: tagList(options.tags),
              Description: options.description,
              KmsKeyId: options.kmsKeyId,
              ClientRequestToken: INITIAL_VERSION,
              ...replicasAtCreation(options.replicationLocations, options.kmsKeyId),
            }),
          ),
        );
        onWrite();
        if (policy) await applyPolicy({ sdk, guarded }, created.ARN ?? id, policy, "none");
        return "created";
      }
      if (!owned(described)) throw new NotOwnedError(label);

      let wrote = false;
      // A write that went through is followed by dropping shared reads even when a later call fails.
      try {
        // Ours but scheduled for deletion (an earlier PushSecret deleted it): bring it back rather than fail until
        // the recovery window ends (ESO fails here).
        if (described.DeletedDate) {
          await guarded(`RestoreSecret ${id}`, () => sdk.send(new RestoreSecretCommand({ SecretId: id })));
          wrote = true;
        }
        // ESO patches tags only when the entry names some; the mark is never removed (it is in options.tags).
        if (options.manageTags) {
          const { remove, set } = tagChanges(tagMap(described.Tags), options.tags);
          if (remove.length > 0) {
            await guarded(`UntagResource ${id}`, () => sdk.send(new UntagResourceCommand({ SecretId: id, TagKeys: remove })));
            wrote = true;
          }
          if (set) {
            await guarded(`TagResource ${id}`, () => sdk.send(new TagResourceCommand({ SecretId: id, Tags: tagList(options.tags) })));
            wrote = true;
          }
        }
        if (policy && (await applyPolicy({ sdk, guarded }, id, policy))) wrote = true;
        if (await applyReplication({ sdk, guarded }, id, described, options.replicationLocations)) wrote = true;
        const hasVersions = Object.keys(described.VersionIdsToStages ?? {}).length > 0;
        const current = hasVersions ? await currentValue(id) : undefined;
        const next = property ? textBytes(mergeProperty(current && rawText(current), property, bytesToString(value), label)) : value;
        if (next !== undefined && !(current && sameValue(current, next))) {
          await putValue(id, next, options.format, value);
          wrote = true;
        }
      } finally {
        if (wrote) onWrite();
      }
      return wrote ? "updated" : "unchanged";
    },

    async deleteSecret(ref) {
      const id = idOf(ref.remoteKey);
      const label = `secret ${ref.remoteKey}`;
      const described = await describe(id);
      // Scheduled for deletion already: nothing left for us to do.
      if (!described || described.DeletedDate) return "absent";
      if (!owned(described)) return "not-owned";
      if (ref.property) {
        const current = await currentValue(id);
        if (!current) return "absent";
        const removed = removeProperty(rawText(current), ref.property, label);
        if (removed.kind === "absent") return "absent";
        if (removed.kind === "rest") {
          const rest = toBytes(removed.text);
          await putValue(id, rest, "binary" in current ? "binary" : "string", rest);
          onWrite();
          return "deleted";
        }
      }
      const refused = deletionSettingsRefusal(spec);
      if (refused) throw new ConfigError(refused);
      // AWS refuses to delete a secret that has replicas (ESO removes them first too).
      const replicas = replicaRegions(described);
      if (replicas.length > 0) await removeReplicas({ sdk, guarded }, id, replicas);
      const { forceDeleteWithoutRecovery, recoveryWindowInDays } = spec.secretsManager ?? {};
      await guarded(`DeleteSecret ${id}`, () =>
        sdk.send(
          new DeleteSecretCommand({
            SecretId: described.ARN ?? id,
            ...(forceDeleteWithoutRecovery ? { ForceDeleteWithoutRecovery: true } : {}),
            ...(recoveryWindowInDays ? { RecoveryWindowInDays: recoveryWindowInDays } : {}),
          }),
        ),
      );
      onWrite();
      return "deleted";
    },

    async secretExists(ref) {
      const current = await currentValue(idOf(ref.remoteKey));
      if (!current) return false;
      if (!ref.property) return true;
      return propertyValue(rawText(current), ref.property, `secret ${ref.remoteKey}`) !== undefined;
    },
  };
}

const textBytes = (text: string | undefined) => (text === undefined ? undefined : toBytes(text));
