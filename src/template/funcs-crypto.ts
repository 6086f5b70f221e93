// Sprig's hashing, derivePassword, bcrypt/htpasswd (ESO's three-argument form), AES, UUID and random functions (random output is checked by property,
// not against Go).
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt, randomUUID } from "node:crypto";
import bcryptjs from "bcryptjs";
import { budget } from "./budget.ts";
import { costly, fn, GoError, perByte, runeWise, type FuncMap } from "./func-types.ts";
import { derivePassword } from "./derive-password.ts";
import { b64decode } from "./funcs-encoding.ts";
import { runes } from "./gostr.ts";

const hash = (algo: string) => (s: string) => createHash(algo).update(Buffer.from(s, "latin1")).digest("hex");

function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, "latin1")) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

const BCRYPT_STEPS = 1_000_000;
const bcrypt = (s: string): string => bcryptjs.hashSync(Buffer.from(s, "latin1").toString("utf8"), bcryptjs.genSaltSync(10)).replace(/^\$2b\$/, "$2a$");

/** `count` characters drawn uniformly from an ASCII alphabet: random bytes in bulk, those past the last
 *  whole multiple of the alphabet's size rejected (randomInt per character took a second per megabyte).
 *  goutils gives "" for a negative count; a count beyond the budget's cap fails before anything is drawn. */
function randFrom(alphabet: string, count: bigint): string {
  if (count <= 0n) return "";
  budget().fits(count);
  const n = Number(count);
  const limit = 256 - (256 % alphabet.length);
  const out = Buffer.allocUnsafe(n);
  let k = 0;
  while (k < n) {
    const pool = randomBytes(Math.min(65536, 2 * (n - k)) + 16);
    for (let i = 0; i < pool.length && k < n; i++) if (pool[i]! < limit) out[k++] = alphabet.charCodeAt(pool[i]! % alphabet.length);
  }
  return out.toString("latin1");
}

/** Sprig's randBytes: `count` random bytes, base64 (sized first; Go's make panics on a negative count). */
function randBytes(count: bigint): string {
  if (count < 0n) throw new GoError("runtime error: makeslice: len out of range");
  budget().fits(((count + 2n) / 3n) * 4n);
  return randomBytes(Number(count)).toString("base64");
}
const ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUM = "0123456789";
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

/** xstrings.Shuffle: a Fisher-Yates shuffle of the runes ([]rune makes invalid bytes U+FFFD), with
 *  math/rand in Go, so Math.random here. (Sorting with a random comparator took seconds a megabyte.) */
function shuffle(s: string): string {
  const rs = runes(s).map((r) => (r.valid ? r.bytes : "\xef\xbf\xbd"));
  for (let i = rs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [rs[i], rs[j]] = [rs[j]!, rs[i]!];
  }
  return rs.join("");
}

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(password, "latin1").copy(key, 0, 0, 32);
  return key;
}

function encryptAES(password: string, plaintext: string): string {
  if (plaintext === "") return "";
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", aesKey(password), iv);
  const body = Buffer.concat([cipher.update(Buffer.from(plaintext, "latin1")), cipher.final()]);
  return Buffer.concat([iv, body]).toString("base64");
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === "") return "";
  const r = b64decode(crypt64);
  if (!r.ok) throw new GoError(r.error);
  const crypt = Buffer.from(r.value, "latin1");
  if (crypt.length < 16 || (crypt.length - 16) % 16 !== 0) throw new GoError("crypto/cipher: input not full blocks");
  const decipher = createDecipheriv("aes-256-cbc", aesKey(password), crypt.subarray(0, 16));
  decipher.setAutoPadding(false);
  const out = Buffer.concat([decipher.update(crypt.subarray(16)), decipher.final()]);
  const pad = out[out.length - 1] ?? 0;
  return out.subarray(0, Math.max(0, out.length - pad)).toString("latin1");
}

function htpasswd(user: string, pass: string, algorithm: string): string {
  if (user.includes(":")) return `invalid username: ${user}`;
  if (algorithm === "sha") return `${user}:{SHA}${createHash("sha1").update(Buffer.from(pass, "latin1")).digest("base64")}`;
  return `${user}:${bcrypt(pass)}`;
}

export const cryptoFuncs: FuncMap = {
  sha1sum: fn(["string"], hash("sha1")),
  sha256sum: fn(["string"], hash("sha256")),
  sha512sum: fn(["string"], hash("sha512")),
  adler32sum: runeWise(fn(["string"], adler32)),
  // bcrypt at cost 10 takes ~90 ms here: about a million steps of walking nodes.
  bcrypt: costly(BCRYPT_STEPS, fn(["string"], bcrypt)),
  // ESO's fork: a third argument, "sha" for {SHA} (base64 of SHA-1) and anything else for bcrypt; it is a named
  // string type, so only a literal passes text/template's type check.
  htpasswd: costly(BCRYPT_STEPS, fn(["string", "string", "hashAlgorithm"], htpasswd)),
  // scrypt (N=32768, r=8, p=2: 32 MiB) takes ~170 ms here, about twice bcrypt's cost.
  derivePassword: costly(2 * BCRYPT_STEPS, fn(["uint32", "string", "string", "string", "string"], derivePassword)),
  uuidv4: fn([], () => randomUUID()),
  randAlphaNum: fn(["int"], (n: bigint) => randFrom(ALPHA + NUM, n)),
  randAlpha: fn(["int"], (n: bigint) => randFrom(ALPHA, n)),
  randNumeric: fn(["int"], (n: bigint) => randFrom(NUM, n)),
  randAscii: fn(["int"], (n: bigint) => randFrom(ASCII, n)),
  randBytes: fn(["int"], randBytes),
  randInt: fn(["int", "int"], (min: bigint, max: bigint) => {
    if (max <= min) throw new GoError("invalid argument to Intn");
    return min + BigInt(randomInt(Number(max - min)));
  }),
  encryptAES: fn(["string", "string"], encryptAES),
  decryptAES: runeWise(fn(["string", "string"], decryptAES)),
  shuffle: perByte(2, fn(["string"], shuffle)),
};

