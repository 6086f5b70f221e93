// Sprig's derivePassword: the Master Password algorithm (scrypt N=32768 r=8 p=2 over the user, HMAC-SHA256 over
// the site and counter, a template of character classes picked by the seed), as Sprig v3.3.0 writes it.
import { createHmac, scryptSync } from "node:crypto";

const SEED = "com.lyndir.masterpassword";

const TEMPLATES = new Map<string, string[]>([
  ["maximum", ["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"]],
  [
    "long",
    ["CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv", "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc", "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno", "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc", "CvccCvcvCvccno"],
  ],
  ["medium", ["CvcnoCvc", "CvcCvcno"]],
  ["short", ["Cvcn"]],
  ["basic", ["aaanaaan", "aannaaan", "aaannaaa"]],
  ["pin", ["nnnn"]],
]);

const CHARACTERS: Record<string, string> = {
  V: "AEIOU",
  C: "BCDFGHJKLMNPQRSTVWXYZ",
  v: "aeiou",
  c: "bcdfghjklmnpqrstvwxyz",
  A: "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
  a: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
  n: "0123456789",
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
};

/** A byte string prefixed by its length as a big-endian uint32 (Go's binary.Write of uint32(len(s))). */
function lengthPrefixed(bin: string): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bin.length);
  return Buffer.concat([len, Buffer.from(bin, "latin1")]);
}

/** derivePassword COUNTER TYPE PASSWORD USER SITE; an unknown TYPE gives a message as the result, not an error (as Sprig). */
export function derivePassword(counter: bigint, type: string, password: string, user: string, site: string): string {
  const templates = TEMPLATES.get(type);
  if (!templates) return `cannot find password template ${type}`;
  const salt = Buffer.concat([Buffer.from(SEED), lengthPrefixed(user)]);
  const key = scryptSync(Buffer.from(password, "latin1"), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 128 * 1024 * 1024 });
  const count = Buffer.alloc(4);
  count.writeUInt32BE(Number(counter));
  const seed = createHmac("sha256", key)
    .update(Buffer.concat([Buffer.from(SEED), lengthPrefixed(site), count]))
    .digest();
  const template = templates[seed[0]! % templates.length]!;
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const chars = CHARACTERS[template[i]!]!;
    out += chars[seed[i + 1]! % chars.length];
  }
  return out;
}
