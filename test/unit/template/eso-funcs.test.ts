// ESO's own template functions (not in Sprig, so not in the differential suite), by known answers and
// properties: filterPEM, filterCertChain, certSANs, pkcs12key/cert[Pass], pemToPkcs12[Pass] round trips,
// jwkPublicKeyPem/jwkPrivateKeyPem against node:crypto.
import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { renderString, stringData } from "../../../src/template/engine.ts";
import { testPki } from "./pki.ts";

const pki = testPki();
const bytes = (bin: string) => new Uint8Array(Buffer.from(bin, "latin1"));
const data = stringData({
  bundle: new Uint8Array(Buffer.from(pki.leafKeyPem + pki.leafPem + pki.intermediatePem + pki.rootPem)),
  chain: new Uint8Array(Buffer.from(pki.rootPem + pki.leafPem + pki.intermediatePem)),
  p12: bytes(pki.p12),
  p12pass: bytes(pki.p12Pass),
  cert: new Uint8Array(Buffer.from(pki.leafPem)),
  key: new Uint8Array(Buffer.from(pki.leafKeyPem)),
});
const render = (template: string) => renderString("t", template, data);

describe("ESO template functions", () => {
  const table: { name: string; given: string; want: string }[] = [
    { name: "filterPEM CERTIFICATE keeps every certificate in order", given: '{{ .bundle | filterPEM "CERTIFICATE" }}', want: pki.leafPem + pki.intermediatePem + pki.rootPem },
    { name: "filterPEM PRIVATE KEY", given: '{{ .bundle | filterPEM "PRIVATE KEY" }}', want: pki.leafKeyPem },
    { name: "filterPEM no match", given: '[{{ .cert | filterPEM "PRIVATE KEY" }}]', want: "[]" },
    { name: "filterCertChain leaf", given: '{{ .chain | filterCertChain "leaf" }}', want: pki.leafPem },
    { name: "filterCertChain intermediate", given: '{{ .chain | filterCertChain "intermediate" }}', want: pki.intermediatePem },
    { name: "filterCertChain root", given: '{{ .chain | filterCertChain "root" }}', want: pki.rootPem },
    { name: "certSANs", given: '{{ .cert | certSANs | join "," }}', want: "app.example.com,www.example.com,10.0.0.1" },
    { name: "pkcs12key", given: "{{ .p12 | pkcs12key }}", want: pki.leafKeyPem },
    { name: "pkcs12cert orders leaf, intermediate, root", given: "{{ .p12 | pkcs12cert }}", want: pki.leafPem + pki.intermediatePem + pki.rootPem },
    { name: "pkcs12keyPass", given: '{{ .p12pass | pkcs12keyPass "s3cret" }}', want: pki.leafKeyPem },
    { name: "pkcs12certPass", given: '{{ .p12pass | pkcs12certPass "s3cret" | filterCertChain "leaf" }}', want: pki.leafPem },
    { name: "pemToPkcs12 round trip", given: "{{ pemToPkcs12 .cert .key | b64dec | pkcs12cert }}", want: pki.leafPem },
    { name: "pemToPkcs12Pass round trip", given: '{{ pemToPkcs12Pass .cert .key "pw" | b64dec | pkcs12keyPass "pw" }}', want: pki.leafKeyPem },
    { name: "fullPemToPkcs12 keeps the chain", given: "{{ fullPemToPkcs12 .bundle .key | b64dec | pkcs12cert }}", want: pki.leafPem + pki.intermediatePem + pki.rootPem },
  ];
  for (const { name, given, want } of table) {
    it(name, () => assert.equal(render(given), want));
  }

  it("pkcs12keyPass with a wrong password fails", () => {
    assert.throws(() => render('{{ .p12pass | pkcs12keyPass "wrong" }}'), /error calling pkcs12keyPass/);
  });

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
