// The DER Go's x509.CreateCertificate writes for Sprig's certificates, and the little reading they need (a CA
// certificate's raw subject and key identifier, a public key's bits). Written by hand: the structures are fixed
// and few, and the engine is synchronous, which rules out @peculiar/x509 and pkijs (their signing goes through
// WebCrypto's promises); node:crypto does the keys, parsing and signatures.
// (h/pkcs grows a DER reader of its own in src/template/pki/der.ts: the two can be folded together once merged.)

export const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), length(content.length), content]);

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
export const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
/** Context-specific, constructed ([n] EXPLICIT, or an IMPLICIT SEQUENCE). */
export const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 | n, content);
/** Context-specific, primitive ([n] IMPLICIT over a primitive type, e.g. a SAN's dNSName). */
export const implicit = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);
export const bool = (b: boolean): Buffer => tlv(0x01, Buffer.from([b ? 0xff : 0]));
export const octets = (b: Buffer): Buffer => tlv(0x04, b);
export const NULL = Buffer.from([0x05, 0x00]);

/** A non-negative INTEGER, minimal two's complement (a 0 byte before a set high bit). */
export function uint(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let b = Buffer.from(hex, "hex");
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** A BIT STRING of whole bytes, or of `bits` bits (the unused trailing bits are counted in the first byte). */
export function bits(b: Buffer, bitLength = b.length * 8): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([b.length * 8 - bitLength]), b]));
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

/** A DER element read from a buffer: tag, content and the whole encoding. */
export interface Element {
  tag: number;
  content: Buffer;
  raw: Buffer;
}

export class DerError extends Error {}

/** The element at `at` in `buf` (definite lengths only, as DER has). */
export function read(buf: Buffer, at = 0): Element {
  if (at + 2 > buf.length) throw new DerError("truncated DER");
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > buf.length) throw new DerError("bad DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  if (start + len > buf.length) throw new DerError("truncated DER");
  return { tag, content: buf.subarray(start, start + len), raw: buf.subarray(at, start + len) };
}

/** The elements a constructed element holds. */
export function children(e: Element): Element[] {
  const out: Element[] = [];
  for (let at = 0; at < e.content.length; ) {
    const child = read(e.content, at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

/** An OBJECT IDENTIFIER's content as dotted text. */
export function oidText(content: Buffer): string {
  const parts: number[] = [];
  let v = 0;
  for (const byte of content) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift() ?? 0;
  return [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80, ...parts].join(".");
}
