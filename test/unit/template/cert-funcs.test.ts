// Sprig's key and certificate functions: their outputs are random, so each is checked for the properties Go's
// would have (parsed by node:crypto and `openssl x509 -text`): key types and PEM blocks, subject, issuer,
// 128-bit serial, validity, KeyUsage/ExtKeyUsage/BasicConstraints, key identifiers, SANs, signature algorithm,
// and that the key, the certificate and the signer belong together. Error texts are Sprig's.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { renderString, stringData } from "../../../src/template/engine.ts";

const render = (template: string, data: Record<string, string> = {}) =>
  renderString("t", template, stringData(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v)]))));

/** Cert and Key of the certificate the template's `$c` holds. */
function gen(template: string, data: Record<string, string> = {}): { cert: X509Certificate; pem: string; key: string; text: string } {
  const [pem, key] = render(`${template}{{ $c.Cert }}|{{ $c.Key }}`, data).split("|") as [string, string];
  const text = execFileSync("openssl", ["x509", "-noout", "-text"], { input: pem }).toString();
  return { cert: new X509Certificate(pem), pem, key, text };
}

/** A PKCS#8 PEM key: ECDSA P-384, Ed25519 or RSA 2048. */
function pemKey(type: "ec" | "ed25519" | "rsa"): string {
  const pair = type === "ec" ? generateKeyPairSync("ec", { namedCurve: "P-384" }) : type === "rsa" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : generateKeyPairSync("ed25519");
  return pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

function assertValidity(cert: X509Certificate, days: number): void {
  const from = Date.parse(cert.validFrom);
  assert.ok(Math.abs(from - Date.now()) < 60_000, cert.validFrom);
  assert.equal(Date.parse(cert.validTo) - from, days * 86_400_000);
}

describe("genPrivateKey", () => {
  const table = [
    { given: "rsa", header: "RSA PRIVATE KEY", type: "rsa", detail: { modulusLength: 4096 } },
    { given: "", header: "RSA PRIVATE KEY", type: "rsa", detail: { modulusLength: 4096 } },
    { given: "ecdsa", header: "EC PRIVATE KEY", type: "ec", detail: { namedCurve: "prime256v1" } },
    { given: "ed25519", header: "PRIVATE KEY", type: "ed25519", detail: {} },
    { given: "dsa", header: "DSA PRIVATE KEY", type: "dsa", detail: { modulusLength: 2048, divisorLength: 256 } },
  ];
  for (const { given, header, type, detail } of table) {
    it(`${JSON.stringify(given)}: a ${header} block`, () => {
      const pem = render(`{{ genPrivateKey ${JSON.stringify(given)} }}`);
      assert.match(pem, new RegExp(`^-----BEGIN ${header}-----\\n([A-Za-z0-9+/=]{64}\\n)*[A-Za-z0-9+/=]{1,64}\\n-----END ${header}-----\\n$`));
      const key = createPrivateKey(pem);
      assert.equal(key.asymmetricKeyType, type);
      for (const [k, v] of Object.entries(detail)) assert.equal((key.asymmetricKeyDetails as Record<string, unknown>)[k], v);
    });
  }
  it("an unknown type is reported in the text, as Sprig does", () => assert.equal(render('{{ genPrivateKey "rsa2" }}'), "Unknown type rsa2"));
});

describe("genCA", () => {
  it("a self-signed RSA 2048 CA: CN, 128-bit serial, validity, CA constraints, key usages, a key identifier", () => {
    const { cert, key, text } = gen('{{ $c := genCA "my-ca" 365 }}');
    assert.equal(cert.subject, "CN=my-ca");
    assert.equal(cert.issuer, "CN=my-ca");
    assert.ok(cert.ca);
    assert.ok(cert.verify(cert.publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(key)));
    assert.match(key, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.equal(createPrivateKey(key).asymmetricKeyDetails?.modulusLength, 2048);
    assert.ok(BigInt(`0x${cert.serialNumber}`) < 1n << 128n && cert.serialNumber.replace(/^00/, "").length <= 32);
    assertValidity(cert, 365);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment, Certificate Sign\n/);
    assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/);
    assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:TRUE\n/);
    assert.match(text, /X509v3 Subject Key Identifier: \n\s+([0-9A-F]{2}:){19}[0-9A-F]{2}\n/);
    assert.doesNotMatch(text, /Authority Key Identifier|Subject Alternative Name/);
  });
  it("genCAWithKey signs with the given key (ECDSA P-384: ecdsa-with-SHA384) and returns it as SEC 1", () => {
    const given = pemKey("ec");
    const { cert, key, text } = gen('{{ $c := genCAWithKey "ec-ca" 10 .key }}', { key: given });
    assert.match(key, /^-----BEGIN EC PRIVATE KEY-----\n/);
    assert.ok(createPublicKey(given).equals(cert.publicKey));
    assert.match(text, /Signature Algorithm: ecdsa-with-SHA384/);
    assertValidity(cert, 10);
  });
  it("genCAWithKey with Ed25519: PureEd25519, the key as PKCS#8", () => {
    const given = pemKey("ed25519");
    const { cert, key, text } = gen('{{ $c := genCAWithKey "ed-ca" 1 .key }}', { key: given });
    assert.equal(key, given);
    assert.ok(cert.verify(cert.publicKey));
    assert.match(text, /Signature Algorithm: ED25519/);
  });
  it("validity wraps as Go's int64 nanoseconds do", () => {
    const { cert } = gen('{{ $c := genCA "x" 200000 }}');
    // 200000 days overflow time.Duration: Go lands 292 years earlier than it wrapped past.
    const wrappedMs = Number(BigInt.asIntN(64, 200000n * 86_400_000_000_000n) / 1_000_000n);
    // Both ends are cut to whole seconds.
    assert.ok(Math.abs(Date.parse(cert.validTo) - Date.parse(cert.validFrom) - wrappedMs) < 1000);
  });
});

describe("genSelfSignedCert", () => {
  it("a leaf: not a CA, SANs from the DNS names then the IPs (IPv4-mapped in 4 bytes), no key identifiers", () => {
    const { cert, text } = gen('{{ $c := genSelfSignedCert "web" (list "10.0.0.1" "::ffff:1.2.3.4" "2001:db8::1") (list "a.example" "*.b.example") 30 }}');
    assert.equal(cert.subject, "CN=web");
    assert.equal(cert.ca, false);
    assert.equal(cert.subjectAltName, "DNS:a.example, DNS:*.b.example, IP Address:10.0.0.1, IP Address:1.2.3.4, IP Address:2001:DB8:0:0:0:0:0:1");
    assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/);
    assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
    assert.doesNotMatch(text, /Key Identifier/);
    assertValidity(cert, 30);
  });
  it("an empty CN makes the SAN extension critical", () => {
    const { text } = gen('{{ $c := genSelfSignedCert "" nil (list "x") 1 }}');
    assert.match(text, /X509v3 Subject Alternative Name: critical\n\s+DNS:x\n/);
  });
  it("genSelfSignedCertWithKey uses the key (PKCS#8 RSA in, PKCS#1 out)", () => {
    const given = pemKey("rsa");
    const { cert, key } = gen('{{ $c := genSelfSignedCertWithKey "k" nil nil 3 .key }}', { key: given });
    assert.match(key, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.ok(createPublicKey(given).equals(cert.publicKey));
  });
});

describe("genSignedCert", () => {
  it("signed by the CA: its subject as issuer, its key identifier as authority key identifier", () => {
    const out = render('{{ $ca := genCA "root" 10 }}{{ $c := genSignedCert "leaf" (list "127.0.0.1") (list "leaf.example") 5 $ca }}{{ $ca.Cert }}|{{ $c.Cert }}|{{ $c.Key }}');
    const [caPem, pem, key] = out.split("|") as [string, string, string];
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(pem);
    assert.equal(cert.issuer, "CN=root");
    assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(key)));
    const ski = (t: string) => /Subject Key Identifier: \n\s+(\S+)/.exec(t)?.[1];
    const caText = execFileSync("openssl", ["x509", "-noout", "-text"], { input: caPem }).toString();
    const text = execFileSync("openssl", ["x509", "-noout", "-text"], { input: pem }).toString();
    assert.match(text, new RegExp(`Authority Key Identifier: \\n\\s+(keyid:)?${ski(caText)}\\n`));
    assert.equal(cert.subjectAltName, "DNS:leaf.example, IP Address:127.0.0.1");
    assertValidity(cert, 5);
  });
  it("genSignedCertWithKey: the leaf's own key, signed by the CA", () => {
    const given = pemKey("ec");
    const out = render('{{ $ca := genCA "root" 1 }}{{ $c := genSignedCertWithKey "l" nil nil 1 $ca .key }}{{ $ca.Cert }}|{{ $c.Cert }}', { key: given });
    const [caPem, pem] = out.split("|") as [string, string];
    const cert = new X509Certificate(pem);
    assert.ok(createPublicKey(given).equals(cert.publicKey));
    assert.ok(cert.verify(new X509Certificate(caPem).publicKey));
  });
  it("a CA whose key is not its certificate's is refused, as Go refuses it", () => {
    assert.throws(
      () => render('{{ $a := genCA "a" 1 }}{{ $b := genCAWithKey "b" 1 .key }}{{ genSignedCert "l" nil nil 1 (buildCustomCert (b64enc $a.Cert) (b64enc $b.Key)) }}', { key: pemKey("ec") }),
      /error calling genSignedCert: error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey$/,
    );
  });
});

describe("buildCustomCert", () => {
  it("returns the decoded certificate and key unchanged", () => {
    const out = render('{{ $ca := genCA "x" 1 }}{{ $c := buildCustomCert (b64enc $ca.Cert) (b64enc $ca.Key) }}{{ eq $c $ca }} {{ typeOf $c }}');
    assert.equal(out, "true sprig.certificate");
  });
  const errors: [string, RegExp][] = [
    ['{{ buildCustomCert "!" "eA==" }}', /error calling buildCustomCert: unable to decode base64 certificate$/],
    ['{{ buildCustomCert "eA==" "eA" }}', /error calling buildCustomCert: unable to decode base64 private key$/],
    ['{{ buildCustomCert "eA==" "eA==" }}', /error calling buildCustomCert: unable to decode certificate$/],
    ['{{ buildCustomCert (b64enc "-----BEGIN CERTIFICATE-----\\neA==\\n-----END CERTIFICATE-----\\n") "eA==" }}', /error calling buildCustomCert: error parsing certificate: decodedCert.Bytes: /],
    ['{{ $ca := genCA "x" 1 }}{{ buildCustomCert (b64enc $ca.Cert) (b64enc $ca.Cert) }}', /error calling buildCustomCert: error parsing private key: no private key data in PEM block of type CERTIFICATE$/],
  ];
  for (const [given, want] of errors) it(`fails: ${given}`, () => assert.throws(() => render(given), want));
});

describe("certificate function errors (Sprig's texts)", () => {
  const errors: [string, RegExp][] = [
    ['{{ genSelfSignedCert "a" (list "1.2.3.400") nil 1 }}', /error parsing ip: 1.2.3.400$/],
    ['{{ genSelfSignedCert "a" (list "fe80::1%eth0") nil 1 }}', /error parsing ip: fe80::1%eth0$/],
    ['{{ genSelfSignedCert "a" (list 1) nil 1 }}', /error parsing ip: 1 is not a string$/],
    ['{{ genSelfSignedCert "a" nil (list true) 1 }}', /error processing alternate dns name: true is not a string$/],
    ['{{ genSelfSignedCert "a" nil (list "é.example") 1 }}', /error creating certificate: x509: "é.example" cannot be encoded as an IA5String$/],
    ['{{ genCAWithKey "a" 1 "junk" }}', /error calling genCAWithKey: parsing private key: no PEM data in input$/],
    ['{{ genCAWithKey "a" 1 "-----BEGIN FOO PRIVATE KEY-----\\neA==\\n-----END FOO PRIVATE KEY-----\\n" }}', /parsing private key: invalid private key type FOO PRIVATE KEY$/],
    ['{{ genCAWithKey "a" 1 (genPrivateKey "dsa") }}', /error creating certificate: x509: certificate private key does not implement crypto.Signer$/],
    ['{{ genSignedCert "a" nil nil 1 (buildCustomCert (b64enc (genCA "x" 1).Cert) (b64enc (genPrivateKey "ed25519"))) }}', /provided PrivateKey doesn't match parent's PublicKey$/],
  ];
  for (const [given, want] of errors) it(`fails: ${given}`, () => assert.throws(() => render(given), want));
});

describe("certificate functions on hostile input", () => {
  it("a key of fifty thousand BEGIN lines without an END is one linear scan ending in Go's error", () => {
    const key = "-----BEGIN X-----\n".repeat(50_000);
    assert.throws(() => render("{{ genCAWithKey \"a\" 1 .k }}", { k: key }), /no PEM data in input/);
  });
});
