// The Parameter Store write half (PushSecret), with ESO's behaviour: a parameter is ours when tagged
// managed-by: external-secrets (ListTagsForResource); created with PutParameter (type, tier, KMS key,
// description, tags), overwritten only when its value or type differs, tags brought to the entry's set only
// when they differ, so a push of an unchanged value costs reads only (GetParameter, ListTagsForResource).
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  GetParameterCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
  type ParameterType,
  type SSMClient,
} from "@aws-sdk/client-ssm";
import { NoSecretError, NotOwnedError } from "../../src/provider/errors.ts";
import { bytesToString, toBytes } from "../../src/provider/json-value.ts";
import { pushedValue, pushesWholeSecret, wholeSecretJson } from "../../src/provider/push-value.ts";
import type { PushClient, PushRequest } from "../../src/provider/types.ts";
import { EXTERNAL_SECRETS, MANAGED_BY, parameterStorePushOptions, tagChanges, tagList, tagMap } from "./push-metadata.ts";
import { mergeProperty, propertyValue, removeProperty } from "./push-property.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { withPrefix } from "./values.ts";
import { guardedWrite } from "./write-errors.ts";

export interface PsPushDeps {
  sdk: SSMClient;
  spec: AwsProviderSpec;
  guarded: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
  /** A write changed the store: the session drops the values it shares between reads. */
  onWrite: () => void;
}

/**
 * The text a Parameter Store entry pushes. The whole Secret is one JSON object as ESO's parameter store writes it:
 * values base64-encoded (Go's json.Marshal of bytes) unless metadata says encodeAsDecoded, then as text. Pure.
 */
export function parameterText(request: PushRequest, encodeAsDecoded: boolean): string {
  if (!pushesWholeSecret(request) || encodeAsDecoded) return bytesToString(pushedValue(request));
  const encoded = Object.fromEntries(Object.entries(request.data).map(([key, value]) => [key, toBytes(Buffer.from(value).toString("base64"))]));
  return wholeSecretJson(encoded);
}

interface Current {
  value: string;
  type: ParameterType | undefined;
}

export function parameterStorePush(deps: PsPushDeps): PushClient {
  const { sdk, spec, guarded, onWrite } = deps;
  const nameOf = (remoteKey: string) => withPrefix(spec.prefix, remoteKey);

  /** The decrypted value and type, fresh (never the read path's shared copy), or undefined when absent. */
  const current = async (name: string): Promise<Current | undefined> => {
    try {
      const res = await guarded(`GetParameter ${name}`, () => sdk.send(new GetParameterCommand({ Name: name, WithDecryption: true })));
      return { value: res.Parameter?.Value ?? "", type: res.Parameter?.Type };
    } catch (err) {
      if (err instanceof NoSecretError) return undefined;
      throw err;
    }
  };
  const tagsOf = async (name: string): Promise<Record<string, string>> =>
    tagMap((await guarded(`ListTagsForResource ${name}`, () => sdk.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: name })))).TagList);
  const put = (input: ConstructorParameters<typeof PutParameterCommand>[0] & { Value: string }, pushed: string) =>
    guardedWrite(guarded, `PutParameter ${input.Name}`, [input.Value, pushed], () => sdk.send(new PutParameterCommand(input)));

  return {
    async pushSecret(request) {
      const { remoteKey, property } = request.remoteRef;
      const label = `parameter ${remoteKey}`;
      const options = parameterStorePushOptions(request.metadata, remoteKey);
      const text = parameterText(request, options.encodeAsDecoded);
      const name = nameOf(remoteKey);
      const settings = {
        Name: name,
        Type: options.type,
        Description: options.description,
        ...(options.kmsKeyId ? { KeyId: options.kmsKeyId } : {}),
        ...(options.advanced ? { Tier: "Advanced" as const, ...(options.advanced.policies ? { Policies: options.advanced.policies } : {}) } : {}),
      };
      const existing = await current(name);
      if (!existing) {
        const first = property ? mergeProperty(undefined, property, text, label)! : text;
        // Tags go with the create (AWS refuses them together with Overwrite); a parameter created meanwhile
        // makes this fail with ParameterAlreadyExists (WriteConflictError): never overwritten unseen.
        await put({ ...settings, Value: first, Overwrite: false, Tags: tagList(options.tags) }, text);
        onWrite();
        return "created";
      }
      const tags = await tagsOf(name);
      if (tags[MANAGED_BY] !== EXTERNAL_SECRETS) throw new NotOwnedError(label);

      let wrote = false;
      // A write that went through is followed by dropping shared reads even when a later call fails.
      try {
        const next = property ? mergeProperty(existing.value, property, text, label) : existing.value === text ? undefined : text;
        if (next !== undefined || existing.type !== options.type) {
          await put({ ...settings, Value: next ?? existing.value, Overwrite: true }, text);
          wrote = true;
        }
        // The entry's tags are the parameter's whole set (ESO removes the others too); the mark stays.
        const { remove, set } = tagChanges(tags, options.tags);
        if (remove.length > 0) {
          await guarded(`RemoveTagsFromResource ${name}`, () => sdk.send(new RemoveTagsFromResourceCommand({ ResourceType: "Parameter", ResourceId: name, TagKeys: remove })));
          wrote = true;
        }
        if (set) {
          await guarded(`AddTagsToResource ${name}`, () => sdk.send(new AddTagsToResourceCommand({ ResourceType: "Parameter", ResourceId: name, Tags: tagList(options.tags) })));
          wrote = true;
        }
      } finally {
        if (wrote) onWrite();
      }
      return wrote ? "updated" : "unchanged";
    },

    async deleteSecret(ref) {
      const name = nameOf(ref.remoteKey);
      const label = `parameter ${ref.remoteKey}`;
      const existing = await current(name);
      if (!existing) return "absent";
      if ((await tagsOf(name))[MANAGED_BY] !== EXTERNAL_SECRETS) return "not-owned";
      if (ref.property) {
        const removed = removeProperty(existing.value, ref.property, label);
        if (removed.kind === "absent") return "absent";
        if (removed.kind === "rest") {
          // Type and key left out: an update keeps the parameter's own (AWS needs them only to create).
          await put({ Name: name, Value: removed.text, Overwrite: true }, removed.text);
          onWrite();
          return "deleted";
        }
      }
      try {
        await guarded(`DeleteParameter ${name}`, () => sdk.send(new DeleteParameterCommand({ Name: name })));
      } catch (err) {
        // Deleted by someone else since we looked: the outcome is the same.
        if (err instanceof NoSecretError) return "absent";
        throw err;
      }
      onWrite();
      return "deleted";
    },

    async secretExists(ref) {
      const existing = await current(nameOf(ref.remoteKey));
      if (!existing) return false;
      if (!ref.property) return true;
      return propertyValue(existing.value, ref.property, `parameter ${ref.remoteKey}`) !== undefined;
    },
  };
}
