// The session's pure parts with in-memory fakes: paths that cannot leave the root, the refresh interval, snapshots
// fetched at most once per interval, one decryption per content digest, the error mapping and the file views.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import pino from "pino";
import { ConfigError, NoSecretError, PermissionDeniedError, PropertyNotFoundError, ProviderUnavailableError } from "../../../../src/provider/errors.ts";
import { filePath, normalizePath, underPrefix } from "../../../../providers/sops/paths.ts";
import { intervalSource, objectSnapshot, refreshIntervalMs, type Snapshot } from "../../../../providers/sops/source.ts";
import { DecryptionCache, sopsDecryptionCount } from "../../../../providers/sops/decryption-cache.ts";
import { gitError, safeUrl } from "../../../../providers/sops/errors.ts";
import { wantedRef } from "../../../../providers/sops/source-git.ts";
import { sopsClient } from "../../../../providers/sops/client.ts";
import { identityLines, isValidIdentity } from "../../../../providers/sops/identities.ts";
import type { DecryptedFile } from "../../../../providers/sops/decrypt.ts";

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/sops/${name}`, import.meta.url));
const teamA = identityLines(fixture("team-a.agekey").toString());

describe("paths", () => {
  const table = [
    { name: "plain", given: "a/b.yaml", want: "a/b.yaml" },
    { name: "dots and slashes", given: "./a//b/./c.yaml", want: "a/b/c.yaml" },
    { name: "leading slash is relative", given: "/a.yaml", want: "a.yaml" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(filePath(given), want));
  for (const bad of ["../x", "a/../../x", "a/..", ""]) it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => filePath(bad), ConfigError));
  it("the root may be empty", () => assert.equal(normalizePath("", "p"), ""));
  it("find.path is a prefix", () => {
    assert.equal(underPrefix("apps/db.yaml", "apps/"), true);
    assert.equal(underPrefix("other/db.yaml", "apps"), false);
    assert.equal(underPrefix("x", undefined), true);
  });
});

describe("refreshIntervalMs", () => {
  const table = [
    { name: "unset: one minute", given: undefined, want: 60_000 },
    { name: "seconds", given: 30, want: 30_000 },
    { name: "Go duration", given: "1m30s", want: 90_000 },
    { name: "zero falls back", given: "0", want: 60_000 },
    { name: "invalid falls back", given: "soon", want: 60_000 },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(refreshIntervalMs(given), want));
});

describe("intervalSource", () => {
  it("fetches at most once per interval and shares a fetch in flight", async () => {
    let now = 0;
    let fetches = 0;
    const source = intervalSource(async () => objectSnapshot({ [`f${++fetches}`]: new Uint8Array([1]) }), 1000, () => now);
    await Promise.all([source.snapshot(), source.snapshot(), source.snapshot()]);
    assert.equal(fetches, 1);
    now = 999;
    await source.snapshot();
    assert.equal(fetches, 1);
    now = 1000;
    assert.deepEqual(await (await source.snapshot()).list(), ["f2"]);
    await source.snapshot(true);
    assert.equal(fetches, 3);
  });
  it("a failed fetch is not cached", async () => {
    let calls = 0;
    const source = intervalSource(async () => {
      calls++;
      if (calls === 1) throw new ProviderUnavailableError("down");
      return objectSnapshot({});
    }, 1000, () => 0);
    await assert.rejects(source.snapshot(), ProviderUnavailableError);
    await source.snapshot();
    assert.equal(calls, 2);
  });
});

describe("DecryptionCache", () => {
  const file: DecryptedFile = { format: "yaml", branches: [new Map()] };
  it("decrypts once per content, concurrently shared, and not for failures", async () => {
    const cache = new DecryptionCache();
    let runs = 0;
    const decrypt = async () => {
      runs++;
      return file;
    };
    const before = sopsDecryptionCount();
    const perFile = sopsDecryptionCount("unit/same.yaml");
    await Promise.all([1, 2, 3].map(() => cache.get(Buffer.from("same"), "yaml", decrypt, "unit/same.yaml")));
    await cache.get(Buffer.from("same"), "yaml", decrypt);
    assert.equal(runs, 1);
    assert.equal(sopsDecryptionCount("unit/same.yaml") - perFile, 1, "counted per file path too");
    await cache.get(Buffer.from("same"), "json", decrypt);
    await cache.get(Buffer.from("other"), "yaml", decrypt);
    assert.equal(runs, 3);
    await assert.rejects(cache.get(Buffer.from("bad"), "yaml", async () => Promise.reject(new Error("no"))));
    await cache.get(Buffer.from("bad"), "yaml", decrypt);
    assert.equal(runs, 4);
    assert.equal(sopsDecryptionCount() - before, 4);
  });
  it("evicts the least recently used entry beyond its bound", async () => {
    const cache = new DecryptionCache(2);
    let runs = 0;
    const decrypt = async () => (runs++, file);
    for (const content of ["a", "b", "a", "c", "a", "b"]) await cache.get(Buffer.from(content), "yaml", decrypt);
    assert.equal(runs, 4);
  });
});

describe("gitError and refs", () => {
  const url = "https://user:secret-token@git.example.com/org/repo.git?token=x";
  const table = [
    { name: "401", given: { code: "HttpError", data: { statusCode: 401 } }, want: PermissionDeniedError },
    { name: "403", given: { code: "HttpError", data: { statusCode: 403 } }, want: PermissionDeniedError },
    { name: "404", given: { code: "HttpError", data: { statusCode: 404 } }, want: ConfigError },
    { name: "503", given: { code: "HttpError", data: { statusCode: 503 } }, want: ProviderUnavailableError },
    { name: "unknown ref", given: { code: "NotFoundError" }, want: ConfigError },
    { name: "anything else", given: new TypeError("fetch failed"), want: ProviderUnavailableError },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const err = gitError(given, url, "branch main");
      assert.ok(err instanceof want, `${name}: ${err.constructor.name}`);
      assert.ok(!err.message.includes("secret-token") && !err.message.includes("token=x"), "no credentials in messages");
    });
  }
  it("safeUrl drops user info and query", () => assert.equal(safeUrl(url), "https://git.example.com/org/repo.git"));
  const refs = [
    { name: "branch", given: { branch: "main" }, want: "refs/heads/main" },
    { name: "tag", given: { tag: "v1" }, want: "refs/tags/v1" },
    { name: "commit", given: { commit: "a".repeat(40) }, want: "a".repeat(40) },
    { name: "default", given: undefined, want: "HEAD" },
  ];
  for (const { name, given, want } of refs) it(`want ${name}`, () => assert.equal(wantedRef({ url: "https://x", ...(given ? { ref: given } : {}) }).want, want));
});

describe("identities", () => {
  it("reads identity lines and skips comments", () => {
    assert.deepEqual(identityLines("# created\n# public key: age1x\nAGE-SECRET-KEY-1ABC\n\n  AGE-SECRET-KEY-1DEF  \n"), ["AGE-SECRET-KEY-1ABC", "AGE-SECRET-KEY-1DEF"]);
  });
  it("validates with typage", () => {
    assert.equal(isValidIdentity(teamA[0]!), true);
    assert.equal(isValidIdentity("AGE-SECRET-KEY-1NOTAKEY"), false);
  });
});

describe("sopsClient on an in-memory snapshot", () => {
  const files: Record<string, Uint8Array> = {
    "app.enc.yaml": fixture("encrypted/app.enc.yaml"),
    "app.ini": fixture("encrypted/app.ini"),
    "app.env": fixture("encrypted/app.env"),
    "blob.bin": fixture("encrypted/blob.bin"),
    "README.md": Buffer.from("plain text"),
  };
  const snapshot: Snapshot = objectSnapshot(files);
  const client = sopsClient({ source: { snapshot: async () => snapshot, invalidate: () => {}, close: async () => {} }, identities: async () => teamA, storeLabel: "SecretStore/ns/s", log: pino({ level: "silent" }) });
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
  const table = [
    { name: "YAML property", given: { key: "app.enc.yaml", property: "db.password" }, want: "fixture-pw" },
    { name: "YAML list index", given: { key: "app.enc.yaml", property: "list.2.k" }, want: "v" },
    { name: "INI section key", given: { key: "app.ini", property: "db.password" }, want: "s3cret" },
    { name: "INI DEFAULT key at the top", given: { key: "app.ini", property: "top" }, want: "1" },
    { name: "whole dotenv file", given: { key: "app.env" }, want: "USER=app\nPASSWORD=pw with spaces\nMULTI=line1\\nline2\n" },
    { name: "whole INI file", given: { key: "app.ini" }, want: "top = 1\n\n[db]\nuser = app\npassword = s3cret\n\n[other]\nk = v\n" },
  ];
  for (const { name, given, want } of table) it(name, async () => assert.equal(text(await client.getSecret(given)), want));
  it("whole YAML file", async () => assert.match(text(await client.getSecret({ key: "app.enc.yaml" })), /^db:\n {2}user: app\n {2}password: fixture-pw\n/));
  it("binary file byte for byte", async () => assert.deepEqual(Buffer.from(await client.getSecret({ key: "blob.bin" })), Buffer.from([0, 1, 2, 255, 254, 10, 13, 0x80])));
  it("extract", async () => assert.deepEqual(Object.fromEntries(Object.entries(await client.getSecretMap({ key: "app.enc.yaml", property: "db" })).map(([k, v]) => [k, text(v)])), { user: "app", password: "fixture-pw", port: "5432", ratio: "1.5", on: "true", none: "" }));
  it("find skips plain files", async () => assert.deepEqual(Object.keys(await client.findSecrets({ nameRegexp: "^(app|README)" })).sort(), ["app.enc.yaml", "app.env", "app.ini"]));
  it("a missing file is NoSecretError", async () => assert.rejects(client.getSecret({ key: "nope.yaml" }), NoSecretError));
  it("a missing property is PropertyNotFoundError, not NoSecretError", async () => assert.rejects(client.getSecret({ key: "app.enc.yaml", property: "db.nope" }), PropertyNotFoundError));
  it("versions are refused", async () => assert.rejects(client.getSecret({ key: "app.enc.yaml", version: "1" }), ConfigError));
  it("tags are refused", async () => assert.rejects(client.findSecrets({ tags: { a: "b" } }), ConfigError));
});
