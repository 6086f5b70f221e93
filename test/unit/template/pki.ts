// Test PKI built with node-forge: a root CA, an intermediate and a leaf with SANs, and PKCS#12 archives
// of the leaf (with and without a password), for the ESO function tests (known answers and properties).
import forge from "node-forge";

export interface Pki {
  rootPem: string;
  intermediatePem: string;
  leafPem: string;
  leafKeyPem: string;
  /** PKCS#12 (leaf key + leaf, intermediate, root) as raw bytes in a binary string, no password. */
  p12: string;
  /** Same, protected by "s3cret". */
  p12Pass: string;
}

function cert(subject: string, issuer: { cn: string; key: forge.pki.rsa.PrivateKey } | undefined, keys: forge.pki.rsa.KeyPair, ca: boolean, serial: string, sans?: string[]) {
  const c = forge.pki.createCertificate();
  c.publicKey = keys.publicKey;
  c.serialNumber = serial;
  c.validity.notBefore = new Date(Date.UTC(2025, 0, 1));
  c.validity.notAfter = new Date(Date.UTC(2035, 0, 1));
  c.setSubject([{ name: "commonName", value: subject }]);
  c.setIssuer([{ name: "commonName", value: issuer?.cn ?? subject }]);
  const ext: object[] = [{ name: "basicConstraints", cA: ca }];
  if (sans) ext.push({ name: "subjectAltName", altNames: sans.map((s) => (/^\d+\.\d+\.\d+\.\d+$/.test(s) ? { type: 7, ip: s } : { type: 2, value: s })) });
  c.setExtensions(ext);
  c.sign(issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return c;
}

let cached: Pki | undefined;

export function testPki(): Pki {
  if (cached) return cached;
  const rootKeys = forge.pki.rsa.generateKeyPair(1024);
  const midKeys = forge.pki.rsa.generateKeyPair(1024);
  const leafKeys = forge.pki.rsa.generateKeyPair(1024);
  const root = cert("Test Root", undefined, rootKeys, true, "01");
  const mid = cert("Test Intermediate", { cn: "Test Root", key: rootKeys.privateKey }, midKeys, true, "02");
  const leaf = cert("app.example.com", { cn: "Test Intermediate", key: midKeys.privateKey }, leafKeys, false, "03", ["app.example.com", "www.example.com", "10.0.0.1"]);
  const p12 = (pass: string) => forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(leafKeys.privateKey, [leaf, mid, root], pass, { algorithm: "3des" })).getBytes();
  cached = {
    rootPem: forge.pki.certificateToPem(root).replace(/\r\n/g, "\n"),
    intermediatePem: forge.pki.certificateToPem(mid).replace(/\r\n/g, "\n"),
    leafPem: forge.pki.certificateToPem(leaf).replace(/\r\n/g, "\n"),
    leafKeyPem: forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(leafKeys.privateKey))).replace(/\r\n/g, "\n"),
    p12: p12(""),
    p12Pass: p12("s3cret"),
  };
  return cached;
}
