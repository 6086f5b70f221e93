// The pure pieces the decryptor stands on: Go's float text, sops's flattened metadata, the dotenv and INI loaders,
// metadata rules and the MAC's additional data.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { goFloatText, macBytes, toJsonText } from "../../../../providers/sops/tree.ts";
import { loadDotenv, loadIni, unflatten } from "../../../../providers/sops/parse-flat.ts";
import { macAdditionalData, parseMetadata, shouldBeEncrypted } from "../../../../providers/sops/metadata.ts";
import { formatOf } from "../../../../providers/sops/decrypt.ts";
import { SopsError } from "../../../../providers/sops/errors.ts";

describe("goFloatText (strconv.FormatFloat(f, 'f', -1, 64))", () => {
  const table = [
    { name: "integer", given: 5, want: "5" },
    { name: "fraction", given: 1.25, want: "1.25" },
    { name: "negative", given: -0.5, want: "-0.5" },
    { name: "small, no exponent", given: 0.000001, want: "0.000001" },
    { name: "large, no exponent", given: 1e21, want: "1000000000000000000000" },
    { name: "shortest digits", given: 12345678901234567890, want: "12345678901234567000" },
    { name: "infinity", given: Infinity, want: "+Inf" },
    { name: "zero", given: 0, want: "0" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(goFloatText(given), want));
});

describe("macBytes (sops.ToBytes)", () => {
  const table = [
    { name: "string raw", given: "a b" as const, want: "a b" },
    { name: "bool True", given: true, want: "True" },
    { name: "bool False", given: false, want: "False" },
    { name: "int exact", given: 9007199254740993n, want: "9007199254740993" },
    { name: "float", given: 2.5, want: "2.5" },
  ];
  for (const { name, given, want } of table) it(name, () => assert.equal(Buffer.from(macBytes(given)).toString(), want));
});

describe("unflatten (sops stores.Unflatten)", () => {
  const table: Array<{ name: string; given: Record<string, string>; want: unknown }> = [
    { name: "plain key", given: { mac: "m" }, want: { mac: "m" } },
    { name: "list of maps", given: { age__list_0__map_enc: "e0", age__list_0__map_recipient: "r0", age__list_1__map_enc: "e1" }, want: { age: [{ enc: "e0", recipient: "r0" }, { enc: "e1" }] } },
    { name: "escaped newlines decoded", given: { enc: "a\\nb" }, want: { enc: "a\nb" } },
    { name: "nested key groups", given: { key_groups__list_0__map_age__list_0__map_enc: "e" }, want: { key_groups: [{ age: [{ enc: "e" }] }] } },
  ];
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(unflatten(given), want));
});

describe("loadDotenv and loadIni", () => {
  const table = [
    { name: "dotenv values, comments, sops_ keys", given: () => loadDotenv("#c\nA=1\n\nB=x=y\nC=l1\\nl2\nsops_mac=M\nsops_age__list_0__map_enc=E\\nF\n", "f.env"), want: ['{"A":"1","B":"x=y","C":"l1\\nl2"}', '{"mac":"M","age":[{"enc":"E\\nF"}]}'] },
    { name: "INI DEFAULT first, quotes and inline comments", given: () => loadIni('top = 1\n[s]\na = "quoted"\nb = v ; note\nc: colon\n[sops]\nmac = M\n', "f.ini"), want: ['{"DEFAULT":{"top":"1"},"s":{"a":"quoted","b":"v","c":"colon"}}', '{"mac":"M"}'] },
    { name: "INI empty DEFAULT kept (it hashes nothing)", given: () => loadIni("[s]\na = 1\n", "f.ini"), want: ['{"DEFAULT":{},"s":{"a":"1"}}', "undefined"] },
  ];
  for (const { name, given, want } of table) {
    it(name, () => {
      const tree = given();
      assert.deepEqual([toJsonText(tree.branches[0]!), tree.metadata === undefined ? "undefined" : toJsonText(tree.metadata)], want);
    });
  }
  it("a dotenv line without '=' is an invalid file", () => assert.throws(() => loadDotenv("NOEQUALS\n", "f.env"), SopsError));
});

describe("metadata rules", () => {
  const base = { mac: "ENC[x]", lastmodified: "2026-01-01T00:00:00Z", age: [{ recipient: "age1x", enc: "E" }] };
  const table = [
    { name: "default unencrypted suffix", given: { ...base }, path: ["a", "b_unencrypted"], want: false },
    { name: "default: encrypted", given: { ...base }, path: ["a", "b"], want: true },
    { name: "suffix on a parent", given: { ...base, unencrypted_suffix: "_plain" }, path: ["x_plain", "b"], want: false },
    { name: "encrypted_suffix", given: { ...base, encrypted_suffix: "_secret" }, path: ["a"], want: false },
    { name: "encrypted_suffix match", given: { ...base, encrypted_suffix: "_secret" }, path: ["a_secret"], want: true },
    { name: "encrypted_regex on any path part", given: { ...base, encrypted_regex: "^data$" }, path: ["data", "k"], want: true },
    { name: "encrypted_regex miss", given: { ...base, encrypted_regex: "^data$" }, path: ["metadata", "name"], want: false },
    { name: "unencrypted_regex", given: { ...base, unencrypted_regex: "^pub" }, path: ["public"], want: false },
    { name: "encrypted_regex with Go syntax", given: { ...base, encrypted_regex: "^(?P<k>data|stringData)\\z" }, path: ["stringData"], want: true },
  ];
  for (const { name, given, path, want } of table) it(name, () => assert.equal(shouldBeEncrypted(parseMetadata(given, "f"), path), want));

  const refused = [
    { name: "two rules", given: { ...base, unencrypted_suffix: "_u", encrypted_regex: "x" }, want: /more than one/ },
    { name: "no MAC", given: { ...base, mac: "" }, want: /no MAC/ },
    { name: "Shamir groups", given: { ...base, key_groups: [{ age: [] }, { age: [] }] }, want: /Shamir/ },
    { name: "not an object", given: "x", want: /not a SOPS-encrypted file/ },
    { name: "a regex Go rejects", given: { ...base, encrypted_regex: "^(?!meta)" }, want: { name: "SopsError", reason: "InvalidSopsFile", message: "f: sops metadata encrypted_regex: error parsing regexp: invalid or unsupported Perl syntax: `(?!`" } },
  ];
  for (const { name, given, want } of refused) it(`refuses ${name}`, () => assert.throws(() => parseMetadata(given, "f"), want));

  it("mac_only_encrypted from dotenv/INI text", () => assert.equal(parseMetadata({ ...base, mac_only_encrypted: "true" }, "f").macOnlyEncrypted, true));
  it("one key group is read like the top-level list", () => assert.deepEqual(parseMetadata({ ...base, age: undefined, key_groups: [{ age: [{ enc: "G" }] }] }, "f").age, [{ recipient: "(unknown recipient)", enc: "G" }]));
  it("other key types are named", () => assert.deepEqual(parseMetadata({ ...base, age: [], pgp: [{ fp: "x" }] }, "f").otherKeyTypes, ["pgp"]));
});

describe("macAdditionalData and formatOf", () => {
  const aad = [
    { name: "RFC3339 as is", given: "2026-11-22T00:37:31Z", want: "2026-11-22T00:37:31Z" },
    { name: "fraction dropped", given: "2026-11-22T00:37:31.123456Z", want: "2026-11-22T00:37:31Z" },
    { name: "offset kept", given: "2026-11-22T01:37:31.5+01:00", want: "2026-11-22T01:37:31+01:00" },
  ];
  for (const { name, given, want } of aad) it(`aad: ${name}`, () => assert.equal(macAdditionalData(given), want));
  const formats = [
    { given: "a.yaml", want: "yaml" },
    { given: "dir/a.enc.YML", want: "yaml" },
    { given: "a.json", want: "json" },
    { given: ".env", want: "dotenv" },
    { given: "prod.env", want: "dotenv" },
    { given: "x.ini", want: "ini" },
    { given: "cert.pem", want: "binary" },
    { given: "noext", want: "binary" },
  ];
  for (const { given, want } of formats) it(`format of ${given}`, () => assert.equal(formatOf(given), want));
});
