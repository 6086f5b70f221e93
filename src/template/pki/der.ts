// A minimal DER reader and writer for the PKCS#12 codec, the certificate fields ESO reads (subject,
// key identifiers) and the certificates Sprig's gen* functions write (x509.CreateCertificate's DER). Written by hand rather than taking asn1js/@peculiar/asn1-schema: we need a dozen
// fixed structures, strict DER with hard bounds on untrusted archives (depth, length, element count),
// and node:crypto already parses the keys and certificates themselves; a general ASN.1 toolkit would add
// two packages and a schema layer for ~150 lines of TLV walking.

/** A DER element: its tag byte, content and the whole encoding. */
export interface Der {
  tag: number;
  content: Buffer;
  raw: Buffer;
}

/** Malformed DER. The message names the structure, never its bytes. */
export class DerError extends Error {}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  BMP: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  CTX0: 0xa0,
} as const;

// Messages follow Go's encoding/asn1 (without its struct dumps), since ESO passes them on.
const TRUNCATED = "asn1: syntax error: data truncated";
const TAGS = "asn1: structure error: tags don't match";

/** Reads one element at `at` (checking its tag first, as Go does, when one is expected); throws DerError
 *  past the end of `buf` or on a length DER forbids. */
export function readAt(buf: Buffer, at: number, expected?: number): Der {
  if (at + 2 > buf.length) throw new DerError(TRUNCATED);
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("asn1: syntax error: multi-byte tags are not supported");
  let len = buf[at + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError("asn1: syntax error: indefinite length found (not DER)");
    if (n > 4) throw new DerError("asn1: structure error: length too large");
    if (at + 2 + n > buf.length) throw new DerError(TRUNCATED);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    if (len < 0x80 || buf[at + 2] === 0) throw new DerError("asn1: structure error: non-minimal length");
    head += n;
  }
  if (expected !== undefined && tag !== expected) throw new DerError(TAGS);
  if (at + head + len > buf.length) throw new DerError(TRUNCATED);
  return { tag, content: buf.subarray(at + head, at + head + len), raw: buf.subarray(at, at + head + len) };
}

/** The one element `buf` holds, with nothing after it (Go's asn1.Unmarshal plus its trailing-data check). */
export function readOne(buf: Buffer, tag?: number): Der {
  const el = readAt(buf, 0, tag);
  if (el.raw.length !== buf.length) throw new DerError("pkcs12: trailing data found");
  return el;
}

/** The elements of a constructed element's content, at most `max` of them (bounds work on hostile input). */
export function children(el: Der, max = 4096): Der[] {
  if (!(el.tag & 0x20)) throw new DerError(TAGS);
  const out: Der[] = [];
  for (let at = 0; at < el.content.length; ) {
    if (out.length >= max) throw new DerError("asn1: more elements than this reader takes");
    const c = readAt(el.content, at);
    out.push(c);
    at += c.raw.length;
  }
  return out;
}

/** The element's children, checking its tag and that it has at least `min`. */
export function seq(el: Der | undefined, min = 0, tag: number = TAG.SEQUENCE, max?: number): Der[] {
  if (!el || el.tag !== tag) throw new DerError(TAGS);
  const c = children(el, max);
  if (c.length < min) throw new DerError("asn1: syntax error: sequence truncated");
  return c;
}

export function expect(el: Der | undefined, tag: number): Buffer {
  if (!el || el.tag !== tag) throw new DerError(TAGS);
  return el.content;
}

/** A non-negative INTEGER that fits a double exactly (versions, iteration counts). */
export function int(el: Der | undefined): number {
  const c = expect(el, TAG.INTEGER);
  if (c.length === 0 || c.length > 6 || c[0]! & 0x80) throw new DerError("asn1: structure error: integer too large");
  return c.reduce((n, b) => n * 256 + b, 0);
}

export function oidOf(el: Der | undefined): string {
  const c = expect(el, TAG.OID);
  if (c.length === 0 || c.length > 64) throw new DerError("asn1: syntax error: invalid object identifier");
  const parts: number[] = [];
  let v = 0;
  for (const b of c) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join(".");
}

// Writing.

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
};

export const sequence = (...items: Buffer[]): Buffer => tlv(TAG.SEQUENCE, ...items);
export const set = (...items: Buffer[]): Buffer => tlv(TAG.SET, ...items);
export const octets = (b: Buffer): Buffer => tlv(TAG.OCTET_STRING, b);
export const explicit0 = (...items: Buffer[]): Buffer => tlv(TAG.CTX0, ...items);

export function integer(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out: number[] = [];
  for (const v of [a! * 40 + b!, ...rest]) {
    const groups = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) groups.unshift((x & 0x7f) | 0x80);
    out.push(...groups);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

/** Context-specific, constructed: [n] EXPLICIT, or an IMPLICIT SEQUENCE. */
export const explicit = (n: number, ...items: Buffer[]): Buffer => tlv(TAG.CTX0 | n, ...items);
/** Context-specific, primitive: [n] IMPLICIT over a primitive type, e.g. a SAN's dNSName. */
export const implicit = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);
export const bool = (b: boolean): Buffer => tlv(0x01, Buffer.from([b ? 0xff : 0]));
export const NULL = Buffer.from([TAG.NULL, 0x00]);

/** A non-negative INTEGER of any size, minimal two's complement (a 0 byte before a set high bit). */
export function uint(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let b = Buffer.from(hex, "hex");
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(TAG.INTEGER, b);
}

/** A BIT STRING of whole bytes, or of `bitLength` bits (the unused trailing bits are counted in the first byte). */
export function bits(b: Buffer, bitLength = b.length * 8): Buffer {
  return tlv(TAG.BIT_STRING, Buffer.from([b.length * 8 - bitLength]), b);
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** encoding/asn1's time.Time: UTCTime for 1950-2049, GeneralizedTime otherwise; whole seconds, UTC. */
export function time(unixSeconds: bigint): Buffer {
  const d = new Date(Number(unixSeconds) * 1000);
  const y = d.getUTCFullYear();
  const rest = pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2) + pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2) + pad(d.getUTCSeconds(), 2) + "Z";
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(pad(y % 100, 2) + rest, "latin1"));
  return tlv(0x18, Buffer.from(pad(y, 4) + rest, "latin1"));
}
