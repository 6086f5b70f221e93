// ESO's own template functions by known answers and properties: filterPEM, filterCertChain, certSANs,
// pkcs12key/cert[Pass] over OpenSSL 3 and legacy archives, pemToPkcs12/fullPemToPkcs12[Pass] and
// pemTruststoreToPKCS12[Pass] round trips, for RSA, ECDSA P-256/P-384/P-521 and Ed25519 keys; errors
// that carry no key material; jwkPublicKeyPem/jwkPrivateKeyPem against node:crypto. (Byte-for-byte
// agreement with Go is the differential suite's: test/integration/template-differential-pki.test.ts.)
import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { renderString, stringData } from "../../../src/template/engine.ts";
import { decodeTrustStore } from "../../../src/template/pki/pkcs12-decode.ts";
import { OID } from "../../../src/template/pki/oids.ts";
import { testPki, withPbmac1, type KeyKind } from "./pki.ts";

const KINDS: KeyKind[] = ["rsa", "p256", "p384", "p521", "ed25519"];
const bytes = (bin: string) => new Uint8Array(Buffer.from(bin, "latin1"));
const utf8 = (s: string) => new Uint8Array(Buffer.from(s));

function dataFor(kind: KeyKind) {
  const pki = testPki(kind);
  return stringData({
    withKey: utf8(pki.leafKeyPem + pki.leafPem + pki.intermediatePem + pki.rootPem),
    bundle: utf8(pki.leafPem + pki.intermediatePem + pki.rootPem),
    chain: utf8(pki.rootPem + pki.leafPem + pki.intermediatePem),
    cas: utf8(pki.intermediatePem + pki.rootPem),
    p12: bytes(pki.p12),
    p12pass: bytes(pki.p12Pass),
    legacy: bytes(pki.p12Legacy),
    pbmac1: bytes(withPbmac1(pki.p12Pass, "s3cret")),
    cert: utf8(pki.leafPem),
    key: utf8(pki.leafKeyPem),
  });
}

for (const kind of KINDS) {
  describe(`ESO template functions over ${kind} keys`, () => {
    const pki = testPki(kind);
    const data = dataFor(kind);
    const render = (template: string) => renderString("t", template, data);
    const chain = pki.leafPem + pki.intermediatePem + pki.rootPem;
    const table: { name: string; given: string; want: string }[] = [
      { name: "filterPEM CERTIFICATE keeps every certificate in order", given: '{{ .withKey | filterPEM "CERTIFICATE" }}', want: chain },
      { name: "filterPEM PRIVATE KEY", given: '{{ .withKey | filterPEM "PRIVATE KEY" }}', want: pki.leafKeyPem },
      { name: "filterPEM no match", given: '[{{ .cert | filterPEM "PRIVATE KEY" }}]', want: "[]" },
      { name: "filterCertChain leaf", given: '{{ .chain | filterCertChain "leaf" }}', want: pki.leafPem },
      { name: "filterCertChain intermediate", given: '{{ .chain | filterCertChain "intermediate" }}', want: pki.intermediatePem },
      { name: "filterCertChain root", given: '{{ .chain | filterCertChain "root" }}', want: pki.rootPem },
      { name: "filterCertChain of another type is empty", given: '[{{ .chain | filterCertChain "other" }}]', want: "[]" },
      { name: "certSANs", given: '{{ .cert | certSANs | join "," }}', want: "app.example.com,www.example.com,10.0.0.1" },
      { name: "pkcs12key (OpenSSL 3: PBES2, AES-256-CBC, SHA-256 MAC)", given: "{{ .p12 | pkcs12key }}", want: pki.leafKeyPem },
      { name: "pkcs12cert orders leaf, intermediate, root", given: "{{ .p12 | pkcs12cert }}", want: chain },
      { name: "pkcs12keyPass", given: '{{ .p12pass | pkcs12keyPass "s3cret" }}', want: pki.leafKeyPem },
      { name: "pkcs12certPass", given: '{{ .p12pass | pkcs12certPass "s3cret" }}', want: chain },
      { name: "pkcs12keyPass of a legacy archive (RC2-40, 3DES, SHA-1 MAC)", given: '{{ .legacy | pkcs12keyPass "s3cret" }}', want: pki.leafKeyPem },
      { name: "pkcs12certPass of a legacy archive", given: '{{ .legacy | pkcs12certPass "s3cret" }}', want: chain },
      { name: "pkcs12certPass of an archive with a PBMAC1 MAC (RFC 9579)", given: '{{ .pbmac1 | pkcs12certPass "s3cret" }}', want: chain },
      { name: "pemToPkcs12 round trip", given: "{{ pemToPkcs12 .cert .key | b64dec | pkcs12cert }}", want: pki.leafPem },
      { name: "pemToPkcs12 ignores the rest of the chain", given: "{{ pemToPkcs12 .bundle .key | b64dec | pkcs12cert }}", want: pki.leafPem },
      { name: "pemToPkcs12Pass round trip", given: '{{ pemToPkcs12Pass .cert .key "pw" | b64dec | pkcs12keyPass "pw" }}', want: pki.leafKeyPem },
      { name: "fullPemToPkcs12 keeps the chain", given: "{{ fullPemToPkcs12 .bundle .key | b64dec | pkcs12cert }}", want: chain },
      { name: "fullPemToPkcs12Pass round trip", given: '{{ fullPemToPkcs12Pass .bundle .key "pw" | b64dec | pkcs12keyPass "pw" }}', want: pki.leafKeyPem },
    ];
    for (const { name, given, want } of table) {
      it(name, () => assert.equal(render(given), want));
    }

    it("pemTruststoreToPKCS12[Pass] holds the certificates only, each marked trusted and named by its subject", () => {
      for (const [template, pass] of [["{{ pemTruststoreToPKCS12 .cas }}", ""], ['{{ pemTruststoreToPKCS12Pass .cas "pw" }}', "pw"]] as const) {
        const pw = Buffer.from([...pass].flatMap((c) => [0, c.charCodeAt(0)]).concat([0, 0]));
        const entries = decodeTrustStore(Buffer.from(render(template), "base64"), pw);
        assert.deepEqual(
          entries.map((e) => e.der.toString("base64")),
          [pki.intermediatePem, pki.rootPem].map((p) => p.split("\n").slice(1, -2).join("")),
        );
        const name = (i: number) => entries[i]!.attributes.get(OID.friendlyName)![0]!.content.swap16().toString("utf16le");
        assert.equal(name(0), "CN=Test Intermediate,O=Test Org");
        assert.equal(name(1), "CN=Test Root,O=Test Org,C=DE");
      }
    });
  });
}

describe("ESO template function errors", () => {
  const pki = testPki("p256");
  const data = dataFor("p256");
  const failure = (template: string): string => {
    try {
      renderString("t", template, data);
    } catch (err) {
      return (err as Error).message;
    }
    assert.fail(`${template} rendered`);
  };
  const table: { name: string; given: string; want: RegExp }[] = [
    { name: "wrong password", given: '{{ .p12pass | pkcs12keyPass "wrong" }}', want: /pkcs12keyPass: unable to decode pkcs12 with password: pkcs12: decryption password incorrect$/ },
    { name: "wrong password, PBMAC1", given: '{{ .pbmac1 | pkcs12keyPass "wrong" }}', want: /decryption password incorrect$/ },
    { name: "no password for a protected archive", given: "{{ .p12pass | pkcs12cert }}", want: /unable to decode pkcs12 certificate with password: pkcs12: decryption password incorrect$/ },
    { name: "a password for an archive without one", given: '{{ .p12 | pkcs12keyPass "x" }}', want: /decryption password incorrect$/ },
    { name: "not an archive", given: "{{ .cert | pkcs12key }}", want: /pkcs12: error reading P12 data: asn1: structure error: tags don't match$/ },
    { name: "a truncated archive", given: "{{ .p12pass | substr 0 300 | pkcs12key }}", want: /asn1: syntax error: data truncated$/ },
    { name: "a truststore is no key archive", given: "{{ pemTruststoreToPKCS12 .cas | b64dec | pkcs12key }}", want: /pkcs12: private key missing$/ },
    { name: "junk only", given: '{{ "junk" | filterPEM "A" }}', want: /error filtering pem: found junk$/ },
    { name: "an empty chain", given: '{{ "" | filterCertChain "leaf" }}', want: /no leaf certificate found$/ },
    { name: "a private key inside a chain", given: '{{ .withKey | filterCertChain "root" }}', want: /x509: malformed tbs certificate$/ },
    { name: "two leaves", given: '{{ print .cert .cert | filterCertChain "root" }}', want: /found multiple leaf or disjunct certificates$/ },
    { name: "no certificate PEM", given: '{{ pemToPkcs12 "junk" .key }}', want: /pemToPkcs12: runtime error: invalid memory address or nil pointer dereference$/ },
    { name: "text after the chain that is no block", given: '{{ fullPemToPkcs12 (print .bundle "\\n") .key }}', want: /nil pointer dereference$/ },
    { name: "a certificate for a key", given: "{{ pemToPkcs12 .cert .cert }}", want: /pemToPkcs12: unable to parse private key type$/ },
    { name: "a password outside UCS-2", given: '{{ pemToPkcs12Pass .cert .key "\\U0001F600" }}', want: /cannot be encoded in UCS-2$/ },
  ];
  const keyBody = pki.leafKeyPem.split("\n").slice(1, -2).join("");
  for (const { name, given, want } of table) {
    it(`${name}: ${want.source}`, () => {
      const msg = failure(given);
      assert.match(msg, want);
      // No key or archive bytes in the message: no run of base64 longer than a word, no part of the key.
      assert.doesNotMatch(msg, /[A-Za-z0-9+/]{40,}/);
      assert.ok(!msg.includes(keyBody.slice(20, 40)));
    });
  }
});

describe("jwk functions", () => {
  it("jwkPublicKeyPem / jwkPrivateKeyPem give the PEM node:crypto derives (RSA and EC)", () => {
    for (const [type, opts] of [["rsa", { modulusLength: 1024 }], ["ec", { namedCurve: "P-256" }]] as const) {
      const { privateKey } = generateKeyPairSync(type as "rsa", opts as { modulusLength: number });
      const jwk = privateKey.export({ format: "jwk" });
      const pub = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
      const priv = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      const d = stringData({ jwk: new Uint8Array(Buffer.from(JSON.stringify(jwk))) });
      assert.equal(renderString("t", "{{ .jwk | jwkPublicKeyPem }}", d), pub);
      assert.equal(renderString("t", "{{ .jwk | jwkPrivateKeyPem }}", d), priv);
    }
  });
});
