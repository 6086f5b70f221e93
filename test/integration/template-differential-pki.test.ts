// The differential suite for ESO's PEM and PKCS#12 functions: every case of cases-pki.ts (each key kind,
// and random mutations of PEM text) renders byte-identically to Go (go-render on go-pkcs12 v0.7.0) or
// fails on both sides; archives cross
// over (Go writes, we read; we write, Go reads); and archives from both sides are the same to OpenSSL
// (algorithms, iterations, salt lengths, bag attributes: `openssl pkcs12 -info` prints no random bytes).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { generatedPemCases, KEY_KINDS, pkiCases, pkiData } from "../differential/cases-pki.ts";
import { compare, runGo, runOurs, show, type Case } from "../differential/go-render.ts";
import { testPki } from "../unit/template/pki.ts";

const text = (o: { ok: boolean; out?: string; err?: string }): string => {
  assert.ok(o.ok, o.err);
  return Buffer.from(o.out ?? "", "base64").toString("latin1");
};

for (const kind of KEY_KINDS) {
  test(`differential: ESO's PEM and PKCS#12 functions over ${kind} keys render as Go does`, () => {
    const cases = pkiCases(kind);
    const go = runGo(cases);
    // Both kinds of outcome are exercised.
    assert.ok(go.filter((r) => r.ok).length >= 25 && go.filter((r) => !r.ok).length >= 15);
    const mismatches = compare(cases);
    assert.equal(mismatches.length, 0, mismatches.slice(0, 10).map(show).join("\n"));
  });
}

test("differential: 2,000 random mutations of a PEM bundle through filterPEM (seed 11) render as Go does", () => {
  const cases = generatedPemCases(2000, 11);
  const go = runGo(cases);
  assert.ok(go.filter((r) => r.ok).length > 1000 && go.filter((r) => !r.ok).length > 100);
  const mismatches = compare(cases);
  assert.equal(mismatches.length, 0, mismatches.slice(0, 10).map(show).join("\n"));
});

test("differential: PKCS#12 and PEM errors read as Go's where ESO's text is fixed", () => {
  const data = pkiData("p256");
  const cases: Case[] = [
    ['{{ .p12pass | b64dec | pkcs12keyPass "wrong" }}', "decryption password incorrect"],
    ['{{ .tampered | b64dec | pkcs12certPass "s3cret" }}', "decryption password incorrect"],
    ["{{ .p12pass | b64dec | pkcs12key }}", "decryption password incorrect"],
    ["{{ .truncated | b64dec | pkcs12key }}", "data truncated"],
    ["{{ pemTruststoreToPKCS12 .cas | b64dec | pkcs12cert }}", "private key missing"],
    ['{{ "" | filterCertChain "leaf" }}', "no leaf certificate found"],
    ['{{ print .cert .root | filterCertChain "leaf" }}', "disjunct"],
    ['{{ .withKey | filterCertChain "leaf" }}', "malformed tbs certificate"],
    ['{{ "just text" | filterPEM "A" }}', "found junk"],
    ['{{ pemToPkcs12 "" .key }}', "nil pointer dereference"],
    ["{{ fullPemToPkcs12 (print .bundle \"\\n\") .key }}", "nil pointer dereference"],
    ["{{ pemToPkcs12 .cert .cert }}", "unable to parse private key type"],
    ['{{ pemToPkcs12Pass .cert .key "\\U0001F600" }}', "UCS-2"],
  ].map(([template, _], i) => ({ name: `e${i}`, template: template!, data }));
  const want = ["decryption password incorrect", "decryption password incorrect", "decryption password incorrect", "data truncated", "private key missing", "no leaf certificate found", "disjunct", "malformed tbs certificate", "found junk", "nil pointer dereference", "nil pointer dereference", "unable to parse private key type", "UCS-2"];
  const go = runGo(cases);
  const tail = (err: string | undefined) => (err ?? "").slice((err ?? "").indexOf("error calling "));
  cases.forEach((c, i) => {
    assert.ok(!go[i]!.ok && go[i]!.err!.includes(want[i]!), `${c.template}: ${go[i]!.err}`);
    assert.equal(tail(runOurs(c).err), tail(go[i]!.err), c.template);
  });
});

test("differential: archives cross over: Go's read by us, ours read by Go, for every key kind", () => {
  for (const kind of KEY_KINDS) {
    const p = testPki(kind);
    const data = pkiData(kind);
    const chain = p.leafPem + p.intermediatePem + p.rootPem;
    const encode: Case[] = [
      { name: "full", template: '{{ fullPemToPkcs12Pass .shuffled .key "pw" }}', data },
      { name: "one", template: "{{ pemToPkcs12 .cert .key }}", data },
    ];
    const fromGo = runGo(encode).map(text);
    const fromUs = encode.map((c) => text(runOurs(c)));
    const read = (archives: string[]): Case[] => [
      { name: "k", template: '{{ .a | b64dec | pkcs12keyPass "pw" }}{{ .a | b64dec | pkcs12certPass "pw" }}', data: { a: archives[0]! } },
      { name: "k1", template: "{{ .a | b64dec | pkcs12key }}{{ .a | b64dec | pkcs12cert }}", data: { a: archives[1]! } },
    ];
    const weRead = read(fromGo).map((c) => text(runOurs(c)));
    const goReads = runGo(read(fromUs)).map(text);
    for (const got of [weRead, goReads]) {
      assert.equal(got[0], p.leafKeyPem + chain, `${kind}: full chain archive`);
      assert.equal(got[1], p.leafKeyPem + p.leafPem, `${kind}: leaf-only archive`);
    }
  }
});

/** `openssl pkcs12 -info` of an archive, without keys: algorithms, iterations, salt lengths, bags and their
 *  attributes, certificates. */
function opensslInfo(archiveB64: string, pass: string): string {
  const dir = mkdtempSync(join(tmpdir(), "p12-"));
  try {
    writeFileSync(join(dir, "a.p12"), Buffer.from(archiveB64, "base64"));
    // -info writes the algorithms to stderr and the bags to stdout.
    const r = spawnSync("openssl", ["pkcs12", "-info", "-nokeys", "-in", "a.p12", "-passin", `pass:${pass}`], { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stderr + r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A self-signed certificate whose subject needs Go's escaping and ordering rules. */
function oddSubjectCert(): string {
  const dir = mkdtempSync(join(tmpdir(), "odd-"));
  try {
    const key = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    writeFileSync(join(dir, "k.pem"), key);
    const subj = "/CN= #lead\\+plus;semi <x> /emailAddress=ops@example.com/OU=b/OU=a/O=Acme, Inc./C=US/L=Zürich";
    return execFileSync("openssl", ["req", "-x509", "-key", "k.pem", "-utf8", "-subj", subj, "-days", "10"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("differential: our archives are Go's to OpenSSL (Modern2023 keystores and truststores with Go's friendly names)", () => {
  const data = { ...pkiData("rsa"), odd: oddSubjectCert() };
  const cases: [Case, string][] = [
    [{ name: "keystore", template: '{{ fullPemToPkcs12Pass .bundle .key "pw" }}', data }, "pw"],
    [{ name: "keystore, no password", template: "{{ fullPemToPkcs12 .bundle .key }}", data }, ""],
    [{ name: "truststore", template: '{{ pemTruststoreToPKCS12Pass (print .cas .odd) "pw" }}', data }, "pw"],
    [{ name: "truststore, no password", template: "{{ pemTruststoreToPKCS12 .cas }}", data }, ""],
  ];
  const go = runGo(cases.map(([c]) => c));
  cases.forEach(([c, pass], i) => {
    const ours = opensslInfo(Buffer.from(text(runOurs(c)), "latin1").toString(), pass);
    const theirs = opensslInfo(Buffer.from(text(go[i]!), "latin1").toString(), pass);
    assert.match(ours, /PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    assert.equal(ours, theirs, c.name);
  });
});
