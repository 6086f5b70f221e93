// Sprig's key and certificate functions (crypto.go, unchanged in ESO 2.9's fork): genPrivateKey, buildCustomCert,
// genCA, genCAWithKey, genSelfSignedCert, genSelfSignedCertWithKey, genSignedCert, genSignedCertWithKey. The
// certificate ones return Sprig's `certificate` struct {Cert, Key} (PEM text), read as `(genCA "x" 365).Cert`.
// Inputs are checked before any key is made (Go makes the key first; the outcome is the same, the CPU is not),
// and key generation is charged to the step budget and to the render's key quota (keygen-quota.ts).
import { X509Certificate } from "node:crypto";
import { budget } from "./budget.ts";
import { children, read, type Element } from "./certs/der.ts";
import { createCertificate, type CertTemplate, type Parent } from "./certs/create.ts";
import { generateKey, keyPem, parsePrivateKeyPem, type KeyType, type PrivateKey } from "./certs/keys.ts";
import { encodePem, firstPemBlock } from "./certs/pem.ts";
import { fn, GoError, type FuncMap } from "./func-types.ts";
import { formatValue } from "./fmt.ts";
import { fromBin } from "./gostr.ts";
import { parseAddr } from "./go-netip.ts";
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

/** net.ParseIP: netip.ParseAddr without a zone, as 4 or 16 bytes. */
function ipBytes(s: string): Buffer | undefined {
  if (s.includes("%")) return undefined;
  let kind: "v4" | "v6";
  try {
    kind = parseAddr(s);
  } catch {
    return undefined;
  }
  if (kind === "v4") return Buffer.from(s.split(".").map(Number));
  const groups = (part: string): number[] =>
    part === "" ? [] : part.split(":").flatMap((g) => (g.includes(".") ? ((o) => [o[0]! * 256 + o[1]!, o[2]! * 256 + o[3]!])(g.split(".").map(Number)) : [parseInt(g, 16)]));
  const [l, r] = s.includes("::") ? s.split("::") : [s, undefined];
  const left = groups(l!);
  const right = r === undefined ? [] : groups(r);
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

/** getBaseCertTemplate: IPs and DNS names (each must be a string), validity from now for daysValid days. */
function baseTemplate(cn: string, ips: GoValue[] | null, dns: GoValue[] | null, days: bigint, isCA = false): CertTemplate {
  const ipList = (ips ?? []).map((ip) => {
    if (typeof ip !== "string") throw new GoError(`error parsing ip: ${fromBin(formatValue(ip))} is not a string`);
    const b = ipBytes(ip);
    if (!b) throw new GoError(`error parsing ip: ${fromBin(ip)}`);
    return b;
  });
  const dnsNames = (dns ?? []).map((name) => {
    if (typeof name !== "string") throw new GoError(`error processing alternate dns name: ${fromBin(formatValue(name))} is not a string`);
    return name;
  });
  // time.Now().Add(time.Hour * 24 * time.Duration(daysValid)): the product wraps as Go's int64 nanoseconds do.
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const seconds = (ns: bigint) => (ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n));
  const validNs = BigInt.asIntN(64, 86_400_000_000_000n * days);
  return { commonName: cn, dnsNames, ips: ipList, notBefore: seconds(nowNs), notAfter: seconds(nowNs + validNs), isCA };
}

/** The signer certificate as genSignedCert reads it: pem.Decode, x509.ParseCertificate, its key by parsePrivateKeyPEM. */
function signerOf(ca: GoStruct): { parent: Parent; key: PrivateKey } {
  const block = firstPemBlock(ca.get("Cert") as string);
  if (!block) throw new GoError("unable to decode certificate");
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(block.bytes);
  } catch {
    throw new GoError("error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate");
  }
  let key: PrivateKey;
  try {
    key = parsePrivateKeyPem(ca.get("Key") as string);
  } catch (err) {
    if (!(err instanceof GoError)) throw err; // the budget's own error goes up unchanged
    throw new GoError(`error parsing private key: ${(err as Error).message}`);
  }
  return { parent: { ...subjectAndKeyId(block.bytes), publicKey: parsed.publicKey.export({ type: "spki", format: "der" }) }, key };
}

/** The raw subject and the SubjectKeyId extension of a DER certificate node:crypto already accepted. */
function subjectAndKeyId(der: Buffer): { subject: Buffer; subjectKeyId: Buffer | undefined } {
  const tbs = children(children(read(der))[0]!);
  const fields = tbs[0]!.tag === 0xa0 ? tbs.slice(1) : tbs;
  const exts = fields.find((e) => e.tag === 0xa3);
  let subjectKeyId: Buffer | undefined;
  for (const ext of exts ? children(children(exts)[0]!) : []) {
    const parts: Element[] = children(ext);
    if (parts[0]!.content.equals(SKI_OID)) subjectKeyId = read(parts[parts.length - 1]!.content).content;
  }
  return { subject: fields[4]!.raw, subjectKeyId };
}

const SKI_OID = Buffer.from([0x55, 0x1d, 0x0e]);

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
