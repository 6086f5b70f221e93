// Go's x509.CreateCertificate (Go 1.26, the Go ESO 2.9 builds with) for the certificates Sprig's gen* functions
// ask for: subject CN only, 128-bit random serial, SANs (DNS then IP), KeyUsage/ExtKeyUsage/BasicConstraints as
// Sprig's template sets them, a SubjectKeyId on CAs (leftmost 160 bits of SHA-256, Go 1.25's default), the
// parent's SubjectKeyId as AuthorityKeyId, and the signature algorithm Go picks for the signing key.
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from "node:crypto";
import { GoError } from "../func-types.ts";
import { goQuote } from "../fmt.ts";
import { fromBin } from "../gostr.ts";
import { bits, bool, children, explicit, implicit, NULL, octets, oid, readAt, sequence, set, time, tlv, uint } from "../pki/der.ts";
import type { PrivateKey } from "./keys.ts";

export interface CertTemplate {
  /** Go bytes (a binary string). */
  commonName: string;
  dnsNames: string[];
  /** 4 or 16 bytes each. */
  ips: Buffer[];
  notBefore: bigint;
  notAfter: bigint;
  isCA: boolean;
}

/** What CreateCertificate reads from a parent certificate (genSignedCert's CA). */
export interface Parent {
  subject: Buffer;
  subjectKeyId: Buffer | undefined;
  publicKey: Buffer;
}

const X509 = (msg: string) => new GoError(`x509: ${msg}`);

/** Go's signingParamsForKey: the AlgorithmIdentifier and node's digest for the signing key. */
function signingParams(key: KeyObject): { alg: Buffer; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { alg: sequence(oid("1.2.840.113549.1.1.11"), NULL), digest: "sha256" };
    case "ec": {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === "secp384r1") return { alg: sequence(oid("1.2.840.10045.4.3.3")), digest: "sha384" };
      if (curve === "secp521r1") return { alg: sequence(oid("1.2.840.10045.4.3.4")), digest: "sha512" };
      return { alg: sequence(oid("1.2.840.10045.4.3.2")), digest: "sha256" }; // P-224 and P-256
    }
    case "ed25519":
      return { alg: sequence(oid("1.3.101.112")), digest: null };
    default:
      throw X509("only RSA, ECDSA and Ed25519 keys supported");
  }
}

const SIGNERS = new Set(["rsa", "ec", "ed25519"]);

// encoding/asn1 writes a plain string as PrintableString when every byte allows it (no '*' or '&'), else UTF-8.
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** pkix.Name{CommonName: cn}.ToRDNSequence(), marshalled: an empty sequence when cn is empty. */
function subjectOf(cn: string): Buffer {
  if (cn === "") return sequence();
  let value: Buffer;
  if (PRINTABLE.test(cn)) value = tlv(0x13, Buffer.from(cn, "latin1"));
  else {
    const bytes = Buffer.from(cn, "latin1");
    if (!isUtf8(bytes)) throw new GoError("asn1: string not valid UTF-8");
    value = tlv(0x0c, bytes);
  }
  return sequence(set(sequence(oid("2.5.4.3"), value)));
}

const isUtf8 = (b: Buffer): boolean => Buffer.from(b.toString("utf8"), "utf8").equals(b);

const extension = (id: string, critical: boolean, value: Buffer): Buffer => sequence(oid(id), ...(critical ? [bool(true)] : []), octets(value));

// KeyUsage bits as Go reverses them into the BIT STRING: digitalSignature (0x80), keyEncipherment (0x20),
// keyCertSign (0x04); Go drops the trailing zero bits.
const keyUsage = (isCA: boolean): Buffer => (isCA ? bits(Buffer.from([0xa4]), 6) : bits(Buffer.from([0xa0]), 3));

function sans(t: CertTemplate): Buffer {
  const names = t.dnsNames.map((name) => {
    for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) throw X509(`${fromBin(goQuote(name))} cannot be encoded as an IA5String`);
    return implicit(2, Buffer.from(name, "latin1"));
  });
  // IPv4 (an IPv4-mapped IPv6 address too) in 4 bytes, as Go's To4.
  const ips = t.ips.map((ip) => implicit(7, ip.length === 16 && ip.subarray(0, 12).equals(V4_IN_V6) ? ip.subarray(12) : ip));
  return sequence(...names, ...ips);
}

const V4_IN_V6 = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

/** The BIT STRING's bytes inside a SubjectPublicKeyInfo (what key identifiers hash). */
const publicKeyBits = (spki: Buffer): Buffer => children(readAt(spki, 0))[1]!.content.subarray(1);

/** CreateCertificate(rand, template, parent ?? template, signee's public key, signer): the DER certificate. */
export function createCertificate(t: CertTemplate, signee: PrivateKey, signer: PrivateKey, parent?: Parent): Buffer {
  if (signer.kind === "dsa" || !SIGNERS.has(signer.key.asymmetricKeyType ?? "")) throw X509("certificate private key does not implement crypto.Signer");
  const serial = BigInt("0x" + randomBytes(16).toString("hex"));
  const { alg, digest } = signingParams(signer.key);
  if (signee.kind === "dsa") throw X509("unsupported public key type: *dsa.PublicKey");
  // Go marshals an X25519 public key, then finds no certificate algorithm for it.
  if (signee.key.asymmetricKeyType === "x25519") throw X509("unsupported public key type: *ecdh.PublicKey");
  const spki = createPublicKey(signee.key).export({ type: "spki", format: "der" });
  const subject = subjectOf(t.commonName);
  const issuer = parent?.subject ?? subject;
  const aki = !issuer.equals(subject) && parent?.subjectKeyId?.length ? parent.subjectKeyId : undefined;
  const ski = t.isCA ? createHash("sha256").update(publicKeyBits(spki)).digest().subarray(0, 20) : undefined;
  if (parent && !createPublicKey(signer.key).export({ type: "spki", format: "der" }).equals(parent.publicKey)) throw X509("provided PrivateKey doesn't match parent's PublicKey");
  const exts = [
    extension("2.5.29.15", true, keyUsage(t.isCA)),
    extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.1"), oid("1.3.6.1.5.5.7.3.2"))),
    extension("2.5.29.19", true, t.isCA ? sequence(bool(true)) : sequence()),
    ...(ski ? [extension("2.5.29.14", false, octets(ski))] : []),
    ...(aki ? [extension("2.5.29.35", false, sequence(implicit(0, aki)))] : []),
    ...(t.dnsNames.length + t.ips.length > 0 ? [extension("2.5.29.17", subject.equals(EMPTY_SUBJECT), sans(t))] : []),
  ];
  const tbs = sequence(explicit(0, uint(2n)), uint(serial), alg, issuer, sequence(time(t.notBefore), time(t.notAfter)), subject, spki, explicit(3, sequence(...exts)));
  return sequence(tbs, alg, bits(sign(digest, tbs, signer.key)));
}

const EMPTY_SUBJECT = sequence();
