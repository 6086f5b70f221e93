// The decryptor on files written by the real sops 3.13.2 (test/fixtures/sops/encrypted, team-a's key): every
// format and rule decrypts with a verified MAC, and every kind of tampering or key problem is refused by name.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decryptFile } from "../../../../providers/sops/decrypt.ts";
import { SopsError } from "../../../../providers/sops/errors.ts";
import { toJsonText } from "../../../../providers/sops/tree.ts";
import { identityLines } from "../../../../providers/sops/identities.ts";

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/sops/encrypted/${name}`, import.meta.url));
const identity = (team: string) => identityLines(readFileSync(new URL(`../../../fixtures/sops/${team}.agekey`, import.meta.url), "utf8"));
const teamA = identity("team-a");
const teamB = identity("team-b");

describe("decryptFile on real sops output", () => {
  const table = [
    {
      name: "YAML: types, nulls, lists, empty strings, unencrypted suffix, comments",
      given: "app.enc.yaml",
      want: ['{"db":{"user":"app","password":"fixture-pw","port":5432,"ratio":1.5,"on":true,"none":null},"list":["a",2,{"k":"v"}],"empty":"","note_unencrypted":"hello"}'],
    },
    {
      name: "JSON: file order kept for integer-like keys, unencrypted floats hashed as Go prints them",
      given: "app.enc.json",
      want: ['{"a":"x","2":"two","n":5,"f":1.25,"b":false,"nested":{"k":[1,"two"]},"plain_unencrypted":{"big":1' + "0".repeat(300) + ',"small":0.000001,"neg":-2.5,"t":true,"z":null}}'],
    },
    { name: "dotenv: comments dropped, \\n decoded", given: "app.env", want: ['{"USER":"app","PASSWORD":"pw with spaces","MULTI":"line1\\nline2"}'] },
    { name: "INI: DEFAULT section, inline comments", given: "app.ini", want: ['{"DEFAULT":{"top":"1"},"db":{"user":"app","password":"s3cret"},"other":{"k":"v"}}'] },
    { name: "encrypted_regex", given: "regex.enc.yaml", want: ['{"kind":"Secret","metadata":{"name":"plain"},"stringData":{"token":"tok","port":8080}}'] },
    { name: "custom unencrypted_suffix with typed plain values", given: "suffix.enc.yaml", want: ['{"secret":"s","version_public":2.5,"flag_public":true,"n_public":31}'] },
    { name: "mac_only_encrypted", given: "maconly.enc.json", want: ['{"secret_value":"m","label":"visible","count":12345678901234567000}'] },
    { name: "multi-document YAML: one MAC over every document", given: "multi.enc.yaml", want: ['{"a":1}', '{"b":2}'] },
    { name: "several recipients: the matching stanza is used", given: "two-recipients.enc.yaml", want: ['{"a":"both"}'] },
  ];
  for (const { name, given, want } of table) {
    it(name, async () => {
      const file = await decryptFile(fixture(given), given, teamA);
      assert.deepEqual(file.branches.map((branch) => toJsonText(branch)), want);
    });
  }

  it("binary: the bytes come back exactly", async () => {
    const file = await decryptFile(fixture("blob.bin"), "blob.bin", teamA);
    assert.equal(file.format, "binary");
    assert.deepEqual(Buffer.from(file.branches[0]!.get("data") as Uint8Array), Buffer.from([0, 1, 2, 255, 254, 10, 13, 0x80]));
  });
});

/** Changes one base64 character of the ENC data on the first line matching `line`. */
const flip = (text: string, line: RegExp) => text.replace(line, (match) => match.replace(/data:(.)/, (_m, c: string) => `data:${c === "A" ? "B" : "A"}`));

describe("decryptFile refuses what it cannot verify", () => {
  const yaml = fixture("app.enc.yaml").toString("utf8");
  const table = [
    { name: "a tampered value", given: flip(yaml, /password: ENC\[[^\n]*/), identities: teamA, want: { reason: "IntegrityCheckFailed", message: /value db:password of f\.yaml failed authentication \(tampered value/ } },
    { name: "a tampered MAC", given: flip(yaml, /mac: ENC\[[^\n]*/), identities: teamA, want: { reason: "IntegrityCheckFailed", message: /the MAC of f\.yaml failed authentication/ } },
    { name: "an edited unencrypted value", given: yaml.replace("note_unencrypted: hello", "note_unencrypted: bye"), identities: teamA, want: { reason: "IntegrityCheckFailed", message: /MAC mismatch in f\.yaml/ } },
    { name: "reordered keys", given: yaml.replace(/(    user: .*\n)(    password: .*\n)/, "$2$1"), identities: teamA, want: { reason: "IntegrityCheckFailed", message: /failed authentication|MAC mismatch/ } },
    { name: "a value moved to another key", given: yaml.replace(/empty: ""/, `empty: ${/password: (ENC\[[^\n]*)/.exec(yaml)![1]}`), identities: teamA, want: { reason: "IntegrityCheckFailed", message: /value empty of f\.yaml failed authentication/ } },
    { name: "a value decrypted in place", given: yaml.replace(/password: ENC\[[^\n]*/, "password: plain"), identities: teamA, want: { reason: "IntegrityCheckFailed", message: /value db:password of f\.yaml is not a SOPS-encrypted value/ } },
    { name: "a missing MAC", given: yaml.replace(/\n    mac: [^\n]*/, ""), identities: teamA, want: { reason: "IntegrityCheckFailed", message: /has no MAC/ } },
    { name: "a file for other recipients", given: fixture("other-recipient.enc.yaml").toString(), identities: teamA, want: { reason: "NoMatchingIdentity", message: /none of the 1 age identities matches a recipient of f\.yaml \(recipients: age1/ } },
    { name: "no identity at all", given: yaml, identities: [], want: { reason: "NoIdentity", message: /no age identity available/ } },
    { name: "a plain YAML file", given: "a: 1\n", identities: teamA, want: { reason: "NotSopsFile", message: /not a SOPS-encrypted file/ } },
    { name: "comment regexes", given: yaml.replace("unencrypted_suffix: _unencrypted", "unencrypted_comment_regex: sops:plain"), identities: teamA, want: { reason: "UnsupportedSopsFile", message: /comment_regex/ } },
  ];
  for (const { name, given, identities, want } of table) {
    it(name, async () => {
      await assert.rejects(decryptFile(Buffer.from(given), "f.yaml", identities), (err: unknown) => {
        assert.ok(err instanceof SopsError, String(err));
        assert.equal(err.reason, want.reason);
        assert.match(err.message, want.message);
        assert.ok(!err.message.includes("fixture-pw") && !err.message.includes("hello"), "no value in the message");
        return true;
      });
    });
  }

  it("the right key of another team is still the wrong key", async () => {
    await assert.rejects(decryptFile(fixture("app.enc.yaml"), "f.yaml", teamB), (err: unknown) => err instanceof SopsError && err.reason === "NoMatchingIdentity");
  });
});
