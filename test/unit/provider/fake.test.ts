import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fakeClient } from "../../../providers/fake/client.ts";
import { fakeCallCount } from "../../../providers/fake/counter.ts";
import { NoSecretError, ConfigError, PropertyNotFoundError } from "../../../src/provider/errors.ts";
import { ProviderRegistry } from "../../../src/provider/registry.ts";
import { builtinProviders } from "../../../providers/index.ts";
import { readdirSync } from "node:fs";

const text = (b: Uint8Array) => Buffer.from(b).toString();
const client = fakeClient(
  { data: [{ key: "a", value: '{"x":1}' }, { key: "a", version: "v1", value: "old" }, { key: "/p/b", value: "b" }, { key: "/p/c", valueMap: { m: "1" } }] },
  "SecretStore/ns/unit",
);

describe("fake provider", () => {
  it("reads by key, version and property", async () => {
    assert.equal(text(await client.getSecret({ key: "a" })), '{"x":1}');
    assert.equal(text(await client.getSecret({ key: "a", version: "v1" })), "old");
    assert.equal(text(await client.getSecret({ key: "a", property: "x" })), "1");
  });
  it("a missing key or version is NoSecretError", async () => {
    await assert.rejects(client.getSecret({ key: "zz" }), NoSecretError);
    await assert.rejects(client.getSecret({ key: "a", version: "v9" }), NoSecretError);
  });
  it("a missing property of an existing key is PropertyNotFoundError (getSecret and extract), never NoSecretError", async () => {
    await assert.rejects(client.getSecret({ key: "a", property: "renamed" }), PropertyNotFoundError);
    await assert.rejects(client.getSecretMap({ key: "a", property: "renamed" }), PropertyNotFoundError);
  });
  it("finds by regexp and path", async () => {
    assert.deepEqual(Object.keys(await client.findSecrets({ nameRegexp: "^/p/" })).sort(), ["/p/b", "/p/c"]);
    assert.deepEqual(Object.keys(await client.findSecrets({ path: "/p/b" })), ["/p/b"]);
    await assert.rejects(client.findSecrets({ tags: { a: "b" } }), ConfigError);
  });
  it("find includes versioned entries, each key once with its newest version (ESO: Go string order)", async () => {
    const versioned = fakeClient(
      {
        data: [
          { key: "only-versioned", version: "v1", value: "one" },
          { key: "mixed", value: "unversioned" },
          { key: "mixed", version: "v1", value: "v1" },
          { key: "order", version: "v9", value: "nine" },
          { key: "order", version: "v10", value: "ten" },
        ],
      },
      "SecretStore/ns/versions",
    );
    const found = Object.fromEntries(Object.entries(await versioned.findSecrets({ nameRegexp: "." })).map(([k, v]) => [k, text(v)]));
    assert.deepEqual(found, { "only-versioned": "one", mixed: "v1", order: "nine" });
  });
  it("valueMap reads as JSON", async () => assert.deepEqual(Object.keys(await client.getSecretMap({ key: "/p/c" })), ["m"]));
  it("counts calls per store", () => assert.ok(fakeCallCount({ store: "SecretStore/ns/unit", operation: "GetSecret" }) >= 5));
});

describe("provider registry", () => {
  const registry = new ProviderRegistry(builtinProviders);
  it("resolves the single provider key and parses its slice", () => {
    assert.equal(registry.resolve({ fake: { data: [] } }).provider.name, "fake");
  });
  it("rejects zero, two, unknown or invalid providers with ConfigError", () => {
    assert.throws(() => registry.resolve({}), ConfigError);
    assert.throws(() => registry.resolve({ fake: { data: [] }, other: {} }), ConfigError);
    assert.throws(() => registry.resolve({ nope: {} }), /not supported/);
    assert.throws(() => registry.resolve({ fake: { data: [{ value: "x" }] } }), /spec\.provider\.fake\.data\.0\.key/);
  });
  it("lists every providers/ folder exactly once (the registry and the folders agree)", () => {
    const folders = readdirSync(new URL("../../../providers/", import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    assert.deepEqual(registry.names(), folders);
  });
});
