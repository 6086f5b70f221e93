// Pure request/response shaping: version selectors, parameter selectors, find filters and matchers, endpoint
// resolution, values (binary, property, extract, tags) and the store schema.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { versionSelector } from "../../../../providers/aws/sm-client.ts";
import { parameterSelector } from "../../../../providers/aws/ps-client.ts";
import { listFilters } from "../../../../providers/aws/sm-find.ts";
import { findMatcher } from "../../../../providers/aws/find-match.ts";
import { describeFilters } from "../../../../providers/aws/ps-find.ts";
import { endpointFor } from "../../../../providers/aws/endpoints.ts";
import { shapeMap, shapeTags, shapeValue, tagsDocument, toRaw, withPrefix } from "../../../../providers/aws/values.ts";
import { AwsProviderSpec } from "../../../../providers/aws/schema.ts";
import { awsProvider } from "../../../../providers/aws/index.ts";
import { ConfigError, NoSecretError, PropertyNotFoundError } from "../../../../src/provider/errors.ts";
import type { FindRequest } from "../../../../src/provider/types.ts";

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

describe("versionSelector (Secrets Manager)", () => {
  const table = [
    { name: "no version: AWSCURRENT", given: undefined, want: { VersionStage: "AWSCURRENT" } },
    { name: "AWSPREVIOUS", given: "AWSPREVIOUS", want: { VersionStage: "AWSPREVIOUS" } },
    { name: "a custom stage", given: "green", want: { VersionStage: "green" } },
    { name: "uuid/<VersionId>", given: "uuid/0f1e2d3c-aaaa-bbbb-cccc-000000000001", want: { VersionId: "0f1e2d3c-aaaa-bbbb-cccc-000000000001" } },
  ];
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(versionSelector(given), want));
});

describe("parameterSelector (Parameter Store)", () => {
  const table = [
    { name: "no version", given: ["/app/key", undefined] as const, want: "/app/key" },
    { name: "a version number", given: ["/app/key", "3"] as const, want: "/app/key:3" },
    { name: "a label", given: ["/app/key", "prod"] as const, want: "/app/key:prod" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(parameterSelector(given[0], given[1]), want));
});

describe("find filters and matcher", () => {
  it("ListSecrets filters: name prefix and tag keys/values", () => {
    assert.deepEqual(listFilters({ tags: { team: "a", tier: "gold" } }, "app/"), [
      { Key: "name", Values: ["app/"] },
      { Key: "tag-key", Values: ["team", "tier"] },
      { Key: "tag-value", Values: ["a", "gold"] },
    ]);
    assert.deepEqual(listFilters({}, undefined), []);
  });
  it("DescribeParameters filters: tags and a recursive path without its trailing slash", () => {
    assert.deepEqual(describeFilters({ tags: { team: "a" } }, "/app/"), [
      { Key: "tag:team", Values: ["a"] },
      { Key: "Path", Option: "Recursive", Values: ["/app"] },
    ]);
  });
  it("trims trailing slashes in linear time after a long run of slashes", () => {
    const path = `/${"/".repeat(200_000)}app//`;
    assert.deepEqual(describeFilters({}, path), [{ Key: "Path", Option: "Recursive", Values: [path.slice(0, -2)] }]);
  });
  const table: Array<{ name: string; given: { request: FindRequest; prefix: string | undefined; name: string; tags: Record<string, string> }; want: boolean }> = [
    { name: "exact prefix (AWS's name filter is looser)", given: { request: {}, prefix: "app/", name: "App/x", tags: {} }, want: false },
    { name: "prefix match", given: { request: {}, prefix: "app/", name: "app/x", tags: {} }, want: true },
    { name: "regexp", given: { request: { nameRegexp: "^flags/" }, prefix: undefined, name: "flags/a", tags: {} }, want: true },
    { name: "tags must match as pairs", given: { request: { tags: { team: "web", tier: "gold" } }, prefix: undefined, name: "x", tags: { team: "web", tier: "silver" } }, want: false },
    { name: "all tags present", given: { request: { tags: { team: "web" } }, prefix: undefined, name: "x", tags: { team: "web", other: "1" } }, want: true },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(findMatcher(given.request, given.prefix)(given.name, given.tags), want));
  it("an invalid regexp is a config error", () => assert.throws(() => findMatcher({ nameRegexp: "(" }, undefined), ConfigError));
});

describe("endpointFor", () => {
  const table = [
    { name: "store field wins", given: { kind: "secretsManager" as const, spec: { endpoints: { secretsManager: "http://spec" } }, env: { AWS_ENDPOINT_URL: "http://env" } }, want: "http://spec" },
    { name: "service-specific env", given: { kind: "secretsManager" as const, spec: {}, env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: "http://sm", AWS_ENDPOINT_URL: "http://env" } }, want: "http://sm" },
    { name: "SSM env", given: { kind: "ssm" as const, spec: {}, env: { AWS_ENDPOINT_URL_SSM: "http://ssm" } }, want: "http://ssm" },
    { name: "STS falls back to the global env", given: { kind: "sts" as const, spec: {}, env: { AWS_ENDPOINT_URL: "http://env" } }, want: "http://env" },
    { name: "ignored by AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", given: { kind: "sts" as const, spec: {}, env: { AWS_ENDPOINT_URL: "http://env", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" } }, want: undefined },
    { name: "nothing: AWS's endpoint", given: { kind: "ssm" as const, spec: {}, env: {} }, want: undefined },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(endpointFor(given.kind, given.spec, given.env), want));
});

describe("values", () => {
  const json = toRaw({ SecretString: JSON.stringify({ user: "app", "a.b": "dotted", list: [1, { x: "y" }] }) });
  const table = [
    { name: "whole string", given: { raw: toRaw({ SecretString: "plain" }), property: undefined }, want: "plain" },
    { name: "property", given: { raw: json, property: "user" }, want: "app" },
    { name: "escaped dot", given: { raw: json, property: "a\\.b" }, want: "dotted" },
    { name: "array index into object", given: { raw: json, property: "list.1.x" }, want: "y" },
    { name: "property of a binary JSON value", given: { raw: toRaw({ SecretBinary: Buffer.from('{"k":"v"}') }), property: "k" }, want: "v" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(text(shapeValue(given.raw, { key: "k", property: given.property }, "secret k")), want));
  it("binary stays byte for byte", () => {
    const bytes = Uint8Array.from([0, 255, 1, 254]);
    assert.deepEqual(shapeValue(toRaw({ SecretBinary: bytes }), { key: "k" }, "k"), bytes);
  });
  it("extract explodes JSON", () => assert.deepEqual(Object.keys(shapeMap(json, { key: "k" }, "k")), ["user", "a.b", "list"]));
  it("a missing property is PropertyNotFoundError (the secret exists: never deletionPolicy)", () => assert.throws(() => shapeValue(json, { key: "k", property: "nope" }, "k"), PropertyNotFoundError));
  it("tags: document, one tag, a missing tag", () => {
    const doc = tagsDocument([{ Key: "team", Value: "a<b" }, { Key: "empty" }]);
    // ESO: json.Marshal of the tag map (keys sorted, <>& escaped).
    assert.equal(doc, '{"empty":"","team":"a\\u003cb"}');
    assert.equal(text(shapeTags(doc, { key: "k", property: "team" }, "k")), "a<b");
    assert.throws(() => shapeTags(doc, { key: "k", property: "nope" }, "secret k"), (err: Error) => err instanceof PropertyNotFoundError && err.message === 'property "nope" does not exist in the tags of secret k');
  });
  it("prefix", () => assert.equal(withPrefix("prod/", "db"), "prod/db"));
});

describe("schema and referent auth", () => {
  it("accepts ESO's fields", () => {
    const spec = {
      service: "SecretsManager",
      region: "eu-west-1",
      role: "arn:aws:iam::1:role/r",
      additionalRoles: ["arn:aws:iam::1:role/a"],
      externalID: "x",
      sessionTags: [{ key: "k", value: "v" }],
      transitiveTagKeys: ["k"],
      prefix: "p/",
      auth: { secretRef: { accessKeyIDSecretRef: { name: "c", key: "id" }, secretAccessKeySecretRef: { name: "c", key: "secret" } } },
    };
    assert.equal(AwsProviderSpec.safeParse(spec).success, true);
  });
  const bad = [
    { name: "unknown service", given: { service: "CertificateManager", region: "x" } },
    { name: "no region", given: { service: "ParameterStore" } },
    { name: "endpoint that is not a URL", given: { service: "ParameterStore", region: "x", endpoints: { ssm: "localhost:1" } } },
  ];
  for (const { name, given } of bad) it(`rejects ${name}`, () => assert.equal(AwsProviderSpec.safeParse(given).success, false));
  const referent = [
    { name: "secretRef without namespace", given: { auth: { secretRef: { accessKeyIDSecretRef: { name: "c" }, secretAccessKeySecretRef: { name: "c" } } } }, want: true },
    { name: "secretRef with namespaces", given: { auth: { secretRef: { accessKeyIDSecretRef: { name: "c", namespace: "n" }, secretAccessKeySecretRef: { name: "c", namespace: "n" } } } }, want: false },
    { name: "jwt without namespace", given: { auth: { jwt: { serviceAccountRef: { name: "sa" } } } }, want: true },
    { name: "default chain", given: {}, want: false },
  ];
  for (const { name, given, want } of referent) it(`referentAuth: ${name}`, () => assert.equal(awsProvider.referentAuth({ service: "SecretsManager", region: "x", ...given }), want));
});
