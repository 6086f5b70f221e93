import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { listFilter, matchesFind, metadataDocument, secretName, versionId, versionName, versionNumber } from "../../../../providers/gcpsm/names.ts";
import { ConfigError } from "../../../../src/provider/errors.ts";
import { findNameRegexp } from "../../../../src/provider/spec-regexp.ts";
import type { FindRequest } from "../../../../src/provider/types.ts";

describe("gcpsm resource names", () => {
  const table = [
    { name: "global secret, latest by default", given: { scope: { project: "p" }, key: "db", version: undefined }, want: "projects/p/secrets/db/versions/latest" },
    { name: "a version number", given: { scope: { project: "p" }, key: "db", version: "3" }, want: "projects/p/secrets/db/versions/3" },
    { name: "versions/N as ESO accepts it", given: { scope: { project: "p" }, key: "db", version: "versions/4" }, want: "projects/p/secrets/db/versions/4" },
    { name: "regional secret", given: { scope: { project: "p", location: "europe-west1" }, key: "db", version: "latest" }, want: "projects/p/locations/europe-west1/secrets/db/versions/latest" },
    { name: "a full resource name is used as given", given: { scope: { project: "p" }, key: "projects/other/secrets/x", version: "1" }, want: "projects/other/secrets/x/versions/1" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(versionName(given.scope, given.key, given.version), want));

  const invalid = [
    { name: "a version that is neither a number nor latest", given: () => versionId("AWSCURRENT") },
    { name: "version 0", given: () => versionId("0") },
    { name: "a key with a slash", given: () => secretName({ project: "p" }, "a/b") },
    { name: "a malformed resource name", given: () => secretName({ project: "p" }, "projects/p/topics/t") },
  ];
  for (const { name, given } of invalid) it(`${name} is a ConfigError`, () => assert.throws(given, ConfigError));

  it("reads the version number off a name", () => {
    assert.equal(versionNumber("projects/p/secrets/s/versions/12"), 12);
    assert.equal(versionNumber("projects/p/secrets/s/versions/latest"), 0);
  });
});

describe("gcpsm find matching (client side: emulators ignore the filter)", () => {
  const table: Array<{ name: string; given: { id: string; labels: Record<string, string> | undefined; request: FindRequest }; want: boolean }> = [
    { name: "name regexp", given: { id: "team-a-one", labels: {}, request: { nameRegexp: "^team-a-" } }, want: true },
    { name: "name regexp miss", given: { id: "team-b-one", labels: {}, request: { nameRegexp: "^team-a-" } }, want: false },
    { name: "all tags must match", given: { id: "x", labels: { team: "a", tier: "gold" }, request: { tags: { team: "a", tier: "gold" } } }, want: true },
    { name: "one tag differs", given: { id: "x", labels: { team: "a", tier: "silver" }, request: { tags: { team: "a", tier: "gold" } } }, want: false },
    { name: "no labels at all", given: { id: "x", labels: undefined, request: { tags: { team: "a" } } }, want: false },
    { name: "path as a name prefix", given: { id: "app-db", labels: {}, request: { path: "app-" } }, want: true },
    { name: "regexp and tags together", given: { id: "team-b-one", labels: { team: "b" }, request: { nameRegexp: "one$", tags: { team: "b" } } }, want: true },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(matchesFind(given.id, given.labels, given.request, findNameRegexp(given.request)), want));

  it("an invalid regexp is a ConfigError with Go's message", () => assert.throws(() => findNameRegexp({ nameRegexp: "(" }), { name: "ConfigError", message: "find.name.regexp: error parsing regexp: missing closing ): `(`" }));

  const filters: Array<{ name: string; given: FindRequest; want: string | undefined }> = [
    { name: "no tags: no server filter", given: {}, want: undefined },
    { name: "plain labels are ANDed", given: { tags: { team: "a", tier: "gold" } }, want: "labels.team=a AND labels.tier=gold" },
    { name: "label text outside the label alphabet is not sent (client filter only)", given: { tags: { team: "a b" } }, want: undefined },
  ];
  for (const { name, given, want } of filters) it(name, () => assert.equal(listFilter(given), want));
});

describe("gcpsm metadata document", () => {
  it("holds labels and annotations, empty maps when absent", () => {
    assert.deepEqual(JSON.parse(metadataDocument({ env: "prod" }, null)), { annotations: {}, labels: { env: "prod" } });
  });
});
