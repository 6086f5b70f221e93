// Sprig's key and certificate functions (crypto.go, unchanged in ESO 2.9's fork): genPrivateKey, buildCustomCert,
// genCA, genCAWithKey, genSelfSignedCert, genSelfSignedCertWithKey, genSignedCert, genSignedCertWithKey. The
// certificate ones return Sprig's `certificate` struct {Cert, Key} (PEM text), read as `(genCA "x" 365).Cert`.
// Inputs are checked before any key is made (Go makes the key first; the outcome is the same, the CPU is not),
// and key generation is charged to the step budget and to the render's key quota (keygen-quota.ts).
import { X509Certificate } from "node:crypto";
import { budget } from "./budget.ts";
import { baseTemplate } from "./certs/base-template.ts";
import { createCertificate, type CertTemplate, type Parent } from "./certs/create.ts";
import { generateKey, keyPem, parsePrivateKeyPem, type KeyType, type PrivateKey } from "./certs/keys.ts";
import { firstPemBlock, pemEncode as encodePem } from "./pki/pem.ts";
import { signerOf } from "./certs/signer.ts";
import { fn, GoError, type FuncMap } from "./func-types.ts";
import { KEYGEN_UNITS, spendKeygen } from "./keygen-quota.ts";
import { GoStruct, type GoValue, type StructType } from "./values.ts";

/** Sprig's `type certificate struct { Cert, Key string }`. */
const CERTIFICATE: StructType = {
  name: "sprig.certificate",
  fields: [
    { name: "Cert", exported: true },
    { name: "Key", exported: true },
  ],
};
const certificate = (cert: string, key: string): GoStruct => new GoStruct(CERTIFICATE, [cert, key]);

// Steps as the budget's scale measures time (budget.ts: 10M steps is 0.5-1.7 s): key generation as measured,
// a signature (RSA 2048/4096: 1-10 ms) as 100k.
const KEYGEN_STEPS: Record<KeyType | "rsa2048", number> = { rsa: 5_000_000, dsa: 5_000_000, rsa2048: 1_000_000, ecdsa: 20_000, ed25519: 20_000 };
const SIGN_STEPS = 100_000;

function newKey(type: KeyType, rsaBits: 2048 | 4096 = 4096): PrivateKey {
  const sized = type === "rsa" && rsaBits === 2048 ? "rsa2048" : type;
  budget().step(KEYGEN_STEPS[sized]);
  if (sized === "rsa") spendKeygen(KEYGEN_UNITS.rsa4096);
  else if (sized === "rsa2048") spendKeygen(KEYGEN_UNITS.rsa2048);
  else if (sized === "dsa") spendKeygen(KEYGEN_UNITS.dsa);
  return generateKey(type, rsaBits);
}

/** genPrivateKey: Sprig reports an unknown type or a failure in the returned text, not as an error. */
function genPrivateKey(type: string): string {
  const t = type === "" ? "rsa" : type;
  if (t !== "rsa" && t !== "dsa" && t !== "ecdsa" && t !== "ed25519") return `Unknown type ${type}`;
  return keyPem(newKey(t)); // PEM is ASCII: the same as Go bytes
}

function withKeyPem(privPEM: string): PrivateKey {
  try {
    return parsePrivateKeyPem(privPEM);
  } catch (err) {
    if (!(err instanceof GoError)) throw err; // the budget's own error goes up unchanged
    throw new GoError(`parsing private key: ${(err as Error).message}`);
  }
}

/** getCertAndKey: the certificate signed by `signer` (self-signed without a parent), both as PEM. */
function certAndKey(t: CertTemplate, signee: PrivateKey, signer: PrivateKey, parent?: Parent): GoStruct {
  budget().step(SIGN_STEPS);
  let der: Buffer;
  try {
    der = createCertificate(t, signee, signer, parent);
  } catch (err) {
    if (err instanceof GoError) throw new GoError(`error creating certificate: ${err.message}`);
    throw err;
  }
  return certificate(encodePem("CERTIFICATE", der), keyPem(signee));
}

function genCA(cn: string, days: bigint, privPEM?: string): GoStruct {
  const key = privPEM === undefined ? undefined : withKeyPem(privPEM);
  const t = baseTemplate(cn, null, null, days, true);
  const k = key ?? newKey("rsa", 2048);
  return certAndKey(t, k, k);
}

function genSelfSigned(cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: bigint, privPEM?: string): GoStruct {
  const key = privPEM === undefined ? undefined : withKeyPem(privPEM);
  const t = baseTemplate(cn, ips, dns, days);
  const k = key ?? newKey("rsa", 2048);
  return certAndKey(t, k, k);
}

function genSigned(cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: bigint, ca: GoStruct, privPEM?: string): GoStruct {
  const key = privPEM === undefined ? undefined : withKeyPem(privPEM);
  const signer = signerOf(ca);
  const t = baseTemplate(cn, ips, dns, days);
  return certAndKey(t, key ?? newKey("rsa", 2048), signer.key, signer.parent);
}

/** Go's base64.StdEncoding.DecodeString: padding required, CR and LF skipped. */
function stdBase64(s: string): Buffer | undefined {
  const t = s.replace(/[\r\n]/g, "");
  return t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t) ? Buffer.from(t, "base64") : undefined;
}

function buildCustomCert(b64cert: string, b64key: string): GoStruct {
  const cert = stdBase64(b64cert);
  if (!cert) throw new GoError("unable to decode base64 certificate");
  const key = stdBase64(b64key);
  if (!key) throw new GoError("unable to decode base64 private key");
  const certText = cert.toString("latin1");
  const block = firstPemBlock(certText);
  if (!block) throw new GoError("unable to decode certificate");
  try {
    new X509Certificate(block.bytes);
  } catch {
    throw new GoError("error parsing certificate: decodedCert.Bytes: x509: malformed certificate");
  }
  const keyText = key.toString("latin1");
  try {
    parsePrivateKeyPem(keyText);
  } catch (err) {
    if (!(err instanceof GoError)) throw err; // the budget's own error goes up unchanged
    throw new GoError(`error parsing private key: ${(err as Error).message}`);
  }
  return certificate(certText, keyText);
}

export const certFuncs: FuncMap = {
  genPrivateKey: fn(["string"], genPrivateKey),
  buildCustomCert: fn(["string", "string"], buildCustomCert),
  genCA: fn(["string", "int"], (cn: string, days: bigint) => genCA(cn, days)),
  genCAWithKey: fn(["string", "int", "string"], genCA),
  genSelfSignedCert: fn(["string", "list", "list", "int"], (cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: bigint) => genSelfSigned(cn, ips, dns, days)),
  genSelfSignedCertWithKey: fn(["string", "list", "list", "int", "string"], genSelfSigned),
  genSignedCert: fn(["string", "list", "list", "int", "sprig.certificate"], (cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: bigint, ca: GoStruct) => genSigned(cn, ips, dns, days, ca)),
  genSignedCertWithKey: fn(["string", "list", "list", "int", "sprig.certificate", "string"], genSigned),
};
