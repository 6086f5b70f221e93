// The certificate fields ESO's functions use that node:crypto's X509Certificate does not expose as Go
// does: the subject and authority key identifiers (chain ordering, pem_chain.go) and the subject as Go's
// pkix.Name.String() prints it (the friendlyName of truststore entries). Read with der.ts from the DER.
import { X509Certificate } from "node:crypto";
import { DerError, oidOf, readOne, seq, TAG, tlv, type Der } from "./der.ts";
import { OID } from "./oids.ts";

interface TbsParts {
  subject: Der;
  extensions: Der[];
}

function tbsParts(cert: Buffer): TbsParts {
  const [tbs] = seq(readOne(cert), 3);
  const fields = seq(tbs, 6);
  const at = fields[0]!.tag === TAG.CTX0 ? 1 : 0;
  const subject = fields[at + 4]!;
  const extWrapper = fields.find((f) => f.tag === 0xa3);
  const extensions = extWrapper ? seq(readOne(extWrapper.content)) : [];
  return { subject, extensions };
}

function extension(parts: TbsParts, id: string): Buffer | undefined {
  for (const ext of parts.extensions) {
    const f = seq(ext, 2);
    if (oidOf(f[0]) === id) return f[f.length - 1]!.content;
  }
  return undefined;
}

export interface KeyIds {
  /** Go's SubjectKeyId: empty when absent (Go's nil, which bytes.Equal treats as empty). */
  subject: Buffer;
  /** Go's AuthorityKeyId: undefined when absent (nil). */
  authority: Buffer | undefined;
}

/** Runs `read`, turning malformed DER into `message` (Go's text for that field). */
function field<T>(message: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof DerError) throw new DerError(message);
    throw err;
  }
}

/** The key identifiers; throws DerError with Go's text when their extensions are malformed. */
export function keyIds(cert: Buffer): KeyIds {
  const parts = field("x509: malformed extensions", () => tbsParts(cert));
  const ski = field("x509: malformed extension", () => extension(parts, OID.subjectKeyId));
  const aki = field("x509: malformed extension", () => extension(parts, OID.authorityKeyId));
  const keyId = aki ? field("x509: invalid authority key identifier", () => seq(readOne(aki)).find((f) => f.tag === 0x80)?.content) : undefined;
  const subject = ski ? field("x509: invalid subject key identifier", () => readOne(ski, TAG.OCTET_STRING).content) : Buffer.alloc(0);
  return { subject, authority: keyId };
}

// pkix.Name.String(): the attributes Go has fields for, in its fixed order, then every other attribute
// as its own RDN; all reversed (RFC 4514 order); unknown types as OID=#hex of the value re-encoded.
const NAMED: [string, string][] = [
  ["2.5.4.6", "C"],
  ["2.5.4.8", "ST"],
  ["2.5.4.7", "L"],
  ["2.5.4.9", "STREET"],
  ["2.5.4.17", "POSTALCODE"],
  ["2.5.4.10", "O"],
  ["2.5.4.11", "OU"],
  ["2.5.4.3", "CN"],
  ["2.5.4.5", "SERIALNUMBER"],
];
const SINGLE = new Set(["2.5.4.3", "2.5.4.5"]);
const STRING_TAGS = new Set([0x13, 0x12, 0x16, 0x14, 0x0c, 0x1b]);

/** The value as the Go string encoding/asn1 gives for interface{}, or undefined if it is not a string. */
function goString(value: Der): Buffer | undefined {
  if (STRING_TAGS.has(value.tag)) return value.content;
  if (value.tag === TAG.BMP) {
    let s = "";
    for (let i = 0; i + 1 < value.content.length; i += 2) s += String.fromCharCode(value.content.readUInt16BE(i));
    return Buffer.from(s, "utf8");
  }
  return undefined;
}

const SPECIAL = new Set([..."," + '+"\\<>;'].map((c) => c.charCodeAt(0)));

function escapeValue(v: Buffer): Buffer {
  const out: number[] = [];
  v.forEach((b, k) => {
    if (SPECIAL.has(b) || (b === 0x20 && (k === 0 || k === v.length - 1)) || (b === 0x23 && k === 0)) out.push(0x5c);
    out.push(b);
  });
  return Buffer.from(out);
}

/** The subject of `cert` as Go's pkix.Name.String() prints it (UTF-8 decoded). */
export function goNameString(cert: Buffer): string {
  const atvs = seq(tbsParts(cert).subject, 0, TAG.SEQUENCE, 256).flatMap((rdn) => seq(rdn, 0, TAG.SET, 64).map((atv) => seq(atv, 2)));
  // Go puts the attributes it has no field for first, so that they print last.
  const rdns: Buffer[][] = [];
  for (const [t, v] of atvs) {
    const id = oidOf(t);
    if (NAMED.some(([n]) => n === id)) continue;
    const s = goString(v!);
    const der = s ? tlv(TAG.UTF8, s) : v!.raw;
    rdns.push([Buffer.from(`${id}=#${der.toString("hex")}`)]);
  }
  for (const [id, name] of NAMED) {
    const values = atvs.filter(([t, v]) => oidOf(t) === id && goString(v!)).map(([, v]) => goString(v!)!);
    const kept = SINGLE.has(id) ? values.slice(-1).filter((v) => v.length > 0) : values;
    if (kept.length) rdns.push(kept.map((v) => Buffer.concat([Buffer.from(`${name}=`), escapeValue(v)])));
  }
  const join = (parts: Buffer[], sep: string): Buffer => Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from(sep), p] : [p])));
  return join(
    rdns.reverse().map((rdn) => join(rdn, "+")),
    ",",
  ).toString("utf8");
}

/** Why Go's x509.ParseCertificate would refuse `der`, as far as we check, or undefined. OpenSSL (node's
 *  X509Certificate) parses more leniently and lazily: we also make it read the public key, and check what
 *  Go checks that OpenSSL does not (the two signature algorithm fields must match). Go's remaining
 *  strictness (time formats, extension contents) is not reproduced: an archive's MAC rules out such
 *  corruption unless the archive has no password. */
export function certificateProblem(der: Buffer): string | undefined {
  let outer: Der[];
  try {
    outer = seq(readOne(der, TAG.SEQUENCE), 3, TAG.SEQUENCE, 3);
  } catch {
    return "x509: malformed certificate";
  }
  let tbs: Der[];
  try {
    tbs = seq(outer[0], 6, TAG.SEQUENCE, 10);
  } catch {
    return "x509: malformed tbs certificate";
  }
  try {
    new X509Certificate(der).publicKey;
  } catch {
    return "x509: malformed certificate";
  }
  const inner = tbs[tbs[0]!.tag === TAG.CTX0 ? 2 : 1]!;
  if (!inner.raw.equals(outer[1]!.raw)) return "x509: inner and outer signature algorithm identifiers don't match";
  try {
    keyIds(der);
  } catch (err) {
    if (err instanceof DerError) return err.message;
    throw err;
  }
  return undefined;
}
