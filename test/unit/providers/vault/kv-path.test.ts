// Where remoteRef.key lives on the Vault API (ESO's buildPath), and Go-compatible JSON of a secret document.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { kvMetadataPath, kvPath, listPath } from "../../../../providers/vault/kv-path.ts";
import { goJson } from "../../../../src/provider/json-value.ts";
import type { KvPart } from "../../../../providers/vault/kv-path.ts";

describe("kvPath", () => {
  const cases: Array<{ name: string; given: { path?: string; version?: "v1" | "v2"; key: string; part?: KvPart }; want: string }> = [
    { name: "v2 with a mount inserts data/", given: { path: "secret", key: "app/db" }, want: "secret/data/app/db" },
    { name: "v2 is the default version", given: { path: "secret", version: "v2", key: "app/db" }, want: "secret/data/app/db" },
    { name: "v2 metadata", given: { path: "secret", key: "app/db", part: "metadata" }, want: "secret/metadata/app/db" },
    { name: "a key that repeats the mount is not doubled", given: { path: "secret", key: "secret/app" }, want: "secret/data/app" },
    { name: "a key that repeats mount and data/ is not doubled", given: { path: "secret", key: "secret/data/app" }, want: "secret/data/app" },
    { name: "slashes are trimmed", given: { path: "/secret/", key: "/app/" }, want: "secret/data/app" },
    { name: "a long run of slashes inside a key (linear trim)", given: { path: "secret", key: `a${"/".repeat(200_000)}b/` }, want: `secret/data/a${"/".repeat(200_000)}b` },
    { name: "a nested mount", given: { path: "team/kv", key: "x" }, want: "team/kv/data/x" },
    { name: "v1 with a mount", given: { path: "kv", version: "v1", key: "app" }, want: "kv/app" },
    { name: "v1 without a mount reads any engine path as is", given: { version: "v1", key: "transit/keys/app" }, want: "transit/keys/app" },
    { name: "v2 without a mount: the first segment is the mount", given: { key: "secret/app/db" }, want: "secret/data/app/db" },
    { name: "v2 without a mount, data/ already there", given: { key: "secret/data/app" }, want: "secret/data/app" },
    { name: "v2 without a mount, metadata", given: { key: "secret/app", part: "metadata" }, want: "secret/metadata/app" },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.equal(kvPath({ path: given.path, version: given.version }, given.key, given.part), want));
});

describe("kvMetadataPath (PushSecret: the metadata of exactly the secret kvPath writes)", () => {
  const cases: Array<{ name: string; given: { path?: string; key: string }; want: string }> = [
    { name: "with a mount", given: { path: "secret", key: "app/db" }, want: "secret/metadata/app/db" },
    { name: "a key repeating the mount", given: { path: "secret", key: "secret/app" }, want: "secret/metadata/app" },
    { name: "a key repeating mount and data/", given: { path: "secret", key: "secret/data/app" }, want: "secret/metadata/app" },
    { name: "a nested mount", given: { path: "/team/kv/", key: "x/y" }, want: "team/kv/metadata/x/y" },
    { name: "a key segment named data below the mount stays", given: { path: "secret", key: "app/data/x" }, want: "secret/metadata/app/data/x" },
    { name: "no mount: the first segment is the mount", given: { key: "secret/app" }, want: "secret/metadata/app" },
    { name: "no mount, data/ spelled out (ESO replaces it)", given: { key: "secret/data/app" }, want: "secret/metadata/app" },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.equal(kvMetadataPath({ path: given.path, version: "v2" }, given.key), want));
});

describe("listPath", () => {
  const cases = [
    { name: "v2 lists the metadata tree", given: { path: "secret", under: "flags" }, want: "secret/metadata/flags" },
    { name: "v2 at the root of the mount", given: { path: "secret", under: undefined }, want: "secret/metadata" },
    { name: "v1 lists the mount itself", given: { path: "kv", version: "v1" as const, under: "a/" }, want: "kv/a" },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.equal(listPath({ path: given.path, version: "version" in given ? given.version : undefined }, given.under), want));
});

describe("goJson (Go json.Marshal of a map)", () => {
  const cases = [
    { name: "keys sorted at every level", given: { b: 1, a: { d: true, c: null } }, want: '{"a":{"c":null,"d":true},"b":1}' },
    { name: "HTML characters escaped like Go", given: { k: "<a>&" }, want: '{"k":"\\u003ca\\u003e\\u0026"}' },
    { name: "arrays keep their order", given: { k: [3, 1, "x"] }, want: '{"k":[3,1,"x"]}' },
    { name: "unicode passes through", given: { k: "é✓" }, want: '{"k":"é✓"}' },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.equal(goJson(given), want));
});
