// Issue 14: data is never lost silently. The pure rule (fetchOutcome), then the same rule fed by fetchData
// over a stand-in provider for each data-loss scenario: only a confirmed not-found of every key applies
// deletionPolicy; an empty result keeps the Secret; a missing property or an unparsable answer is an error.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ExternalSecret } from "../../../src/api/external-secret.ts";
import { NoSecretError, PropertyNotFoundError, ProviderError, ProviderUnavailableError } from "../../../src/provider/errors.ts";
import type { SecretsClient } from "../../../src/provider/types.ts";
import { fetchData } from "../../../src/reconcilers/external-secret/fetch.ts";
import { fetchOutcome, OutcomeMessage, type FetchFacts } from "../../../src/reconcilers/external-secret/fetch-outcome.ts";

describe("fetchOutcome", () => {
  const table: Array<{ name: string; given: FetchFacts; want: { action: string; reason: string; message: string } }> = [
    { name: "data: write", given: { deletionPolicy: "Retain", entries: 2, gone: 0, keys: 3 }, want: { action: "write", reason: "SecretSynced", message: "secret synced" } },
    { name: "data with some keys gone (Delete): write the rest", given: { deletionPolicy: "Delete", entries: 2, gone: 1, keys: 1 }, want: { action: "write", reason: "SecretSynced", message: "secret synced" } },
    { name: "empty under Retain: retained (ESO)", given: { deletionPolicy: "Retain", entries: 1, gone: 0, keys: 0 }, want: { action: "retain", reason: "SecretSynced", message: "secret retained due to DeletionPolicy=Retain" } },
    { name: "every key gone under Delete: delete (ESO)", given: { deletionPolicy: "Delete", entries: 2, gone: 2, keys: 0 }, want: { action: "delete", reason: "SecretDeleted", message: "secret deleted due to DeletionPolicy=Delete" } },
    { name: "every key gone under Merge: write without them", given: { deletionPolicy: "Merge", entries: 1, gone: 1, keys: 0 }, want: { action: "write", reason: "SecretSynced", message: OutcomeMessage.mergedGone } },
    { name: "empty find under Delete: retained (ESO would delete)", given: { deletionPolicy: "Delete", entries: 1, gone: 0, keys: 0 }, want: { action: "retain", reason: "SecretSynced", message: OutcomeMessage.retainedUnconfirmed("Delete") } },
    { name: "one key gone and an empty find under Delete: retained", given: { deletionPolicy: "Delete", entries: 2, gone: 1, keys: 0 }, want: { action: "retain", reason: "SecretSynced", message: OutcomeMessage.retainedUnconfirmed("Delete") } },
    { name: "empty extract under Merge: retained", given: { deletionPolicy: "Merge", entries: 1, gone: 0, keys: 0 }, want: { action: "retain", reason: "SecretSynced", message: OutcomeMessage.retainedUnconfirmed("Merge") } },
    { name: "no entries at all: never delete", given: { deletionPolicy: "Delete", entries: 0, gone: 0, keys: 0 }, want: { action: "retain", reason: "SecretSynced", message: OutcomeMessage.retainedUnconfirmed("Delete") } },
  ];
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(fetchOutcome(given), want));
});

/** A stand-in provider: each key answers a value, an exploded map, or an error. */
function standIn(keys: Record<string, string | Record<string, string> | Error>, found: Record<string, string> | Error = {}): SecretsClient {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const answer = (key: string) => {
    const value = keys[key];
    if (value === undefined) throw new NoSecretError(`key ${key} not found`);
    if (value instanceof Error) throw value;
    return value;
  };
  return {
    async getSecret(ref) {
      const value = answer(ref.key);
      if (typeof value !== "string") throw new Error("test: getSecret on a map");
      return bytes(value);
    },
    async getSecretMap(ref) {
      const value = answer(ref.key);
      if (typeof value === "string") throw new Error("test: getSecretMap on a string");
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bytes(v)]));
    },
    async findSecrets() {
      if (found instanceof Error) throw found;
      return Object.fromEntries(Object.entries(found).map(([k, v]) => [k, bytes(v)]));
    },
    async validate() {},
    async close() {},
  };
}

type Policy = FetchFacts["deletionPolicy"];
const es = (spec: Partial<ExternalSecret["spec"]>, deletionPolicy: Policy): ExternalSecret =>
  ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { namespace: "ns", name: "es" }, spec: { secretStoreRef: { name: "s" }, target: { deletionPolicy }, ...spec } }) as ExternalSecret;

describe("fetchData -> fetchOutcome: the issue 14 scenarios", () => {
  const renamed = new PropertyNotFoundError("password", "key db");
  const table: Array<{ name: string; spec: Partial<ExternalSecret["spec"]>; policy: Policy; provider: SecretsClient; want: string | (new (...args: never[]) => Error) }> = [
    { name: "a renamed property under Delete is an error, not a deletion", spec: { data: [{ secretKey: "p", remoteRef: { key: "db", property: "password" } }] }, policy: "Delete", provider: standIn({ db: renamed }), want: PropertyNotFoundError },
    { name: "a renamed property under Merge is an error", spec: { data: [{ secretKey: "p", remoteRef: { key: "db", property: "password" } }] }, policy: "Merge", provider: standIn({ db: renamed }), want: PropertyNotFoundError },
    { name: "an unparsable answer under Delete is an error", spec: { data: [{ secretKey: "p", remoteRef: { key: "db" } }] }, policy: "Delete", provider: standIn({ db: new ProviderUnavailableError("not Vault's JSON") }), want: ProviderUnavailableError },
    { name: "a failed find under Delete is an error", spec: { dataFrom: [{ find: { path: "app" } }] }, policy: "Delete", provider: standIn({}, new ProviderUnavailableError("list failed")), want: ProviderUnavailableError },
    { name: "a find matching nothing under Retain: retain", spec: { dataFrom: [{ find: { path: "app" } }] }, policy: "Retain", provider: standIn({}), want: "retain" },
    { name: "a find matching nothing under Delete: retain", spec: { dataFrom: [{ find: { path: "app" } }] }, policy: "Delete", provider: standIn({}), want: "retain" },
    { name: "an extract of {} under Retain: retain", spec: { dataFrom: [{ extract: { key: "db" } }] }, policy: "Retain", provider: standIn({ db: {} }), want: "retain" },
    { name: "an extract of {} under Merge: retain", spec: { dataFrom: [{ extract: { key: "db" } }] }, policy: "Merge", provider: standIn({ db: {} }), want: "retain" },
    { name: "the whole key gone under Retain is an error (ESO)", spec: { data: [{ secretKey: "p", remoteRef: { key: "db" } }] }, policy: "Retain", provider: standIn({}), want: NoSecretError },
    { name: "the whole key gone under Delete: delete (ESO)", spec: { data: [{ secretKey: "p", remoteRef: { key: "db" } }] }, policy: "Delete", provider: standIn({}), want: "delete" },
    { name: "every key gone (data and extract) under Delete: delete", spec: { data: [{ secretKey: "p", remoteRef: { key: "a" } }], dataFrom: [{ extract: { key: "b" } }] }, policy: "Delete", provider: standIn({}), want: "delete" },
    { name: "one key gone, an extract of {} under Delete: retain", spec: { data: [{ secretKey: "p", remoteRef: { key: "a" } }], dataFrom: [{ extract: { key: "b" } }] }, policy: "Delete", provider: standIn({ b: {} }), want: "retain" },
    { name: "one key gone, another present under Delete: write the rest", spec: { data: [{ secretKey: "p", remoteRef: { key: "a" } }, { secretKey: "q", remoteRef: { key: "b" } }] }, policy: "Delete", provider: standIn({ b: "v" }), want: "write" },
    { name: "the whole key gone under Merge: write without it", spec: { data: [{ secretKey: "p", remoteRef: { key: "a" } }] }, policy: "Merge", provider: standIn({}), want: "write" },
  ];
  for (const { name, spec, policy, provider, want } of table) {
    it(name, async () => {
      const run = async () => {
        const fetched = await fetchData(es(spec, policy), async () => provider, policy !== "Retain");
        return fetchOutcome({ deletionPolicy: policy, entries: fetched.entries, gone: fetched.missing.length, keys: Object.keys(fetched.data).length }).action;
      };
      if (typeof want === "string") assert.equal(await run(), want);
      else await assert.rejects(run(), (err: Error) => err instanceof want && err instanceof ProviderError);
    });
  }
});
