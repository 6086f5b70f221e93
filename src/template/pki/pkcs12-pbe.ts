// PKCS#12's password-based crypto, as go-pkcs12 v0.7.0 (ESO 2.9) reads and writes it: the RFC 7292
// appendix B key derivation (PBE with SHA-1 and 3DES or RC2, the MAC key), PBES2 with PBKDF2 (HMAC-SHA-1/
// 256/512) and AES-CBC, and the archive MAC (HMAC-SHA-1/256/512, or RFC 9579's PBMAC1). Primitives are node:crypto's (native);
// only RC2 is ours (rc2.ts). Iteration counts come from the archive, so from the tenant: each is capped
// and charged to the template budget before any work is done.
import { createCipheriv, createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { budget } from "../budget.ts";
import { expect, int, oidOf, seq, TAG, type Der } from "./der.ts";
import { OID } from "./oids.ts";
import { rc2CbcDecrypt } from "./rc2.ts";

/** A PKCS#12 failure with go-pkcs12's text (ESO puts it in its own message). Never holds secret bytes. */
export class Pkcs12Error extends Error {}

export const ERR_INCORRECT_PASSWORD = "pkcs12: decryption password incorrect";
const ERR_DECRYPTION = "pkcs12: decryption error, incorrect padding";

/** Far above what any tool writes (go-pkcs12 and OpenSSL 3: 2048; Java: 10,000; Windows: 2,000) and
 *  below what would hold the event loop: a million SHA-256 rounds take about a second. */
export const MAX_ITERATIONS = 600_000;
/** Budget steps one iteration costs (budget.ts: a step is ~50-170 ns), measured on the shared 2-core box:
 *  the PKCS#12 KDF makes one node:crypto hash call per iteration from JavaScript (~2 us), PBKDF2 runs
 *  natively (~0.2 us). So a Modern2023 archive costs ~55,000 steps to read or write (7-12 ms), a legacy
 *  one ~290,000 (30-40 ms): the default 10M-step budget allows ~180 or ~35 of them per template. */
const KDF_STEPS = 20;
const PBKDF2_STEPS = 2;

function charge(iterations: number, stepsEach: number): void {
  if (iterations < 1) throw new Pkcs12Error("pkcs12: iteration count must be positive");
  if (iterations > MAX_ITERATIONS) throw new Pkcs12Error(`pkcs12: iteration count ${iterations} is above the limit of ${MAX_ITERATIONS}`);
  budget().step(iterations * stepsEach);
}

const HASHES = { sha1: { u: 20, v: 64 }, sha256: { u: 32, v: 64 }, sha512: { u: 64, v: 128 } } as const;
type Hash = keyof typeof HASHES;

const repeatTo = (b: Buffer, n: number): Buffer => {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = b[i % b.length]!;
  return out;
};

/** RFC 7292 B.2: `size` bytes of key material of purpose `id` (1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf(hash: Hash, salt: Buffer, password: Buffer, iterations: number, id: number, size: number): Buffer {
  charge(iterations, KDF_STEPS * Math.ceil(size / HASHES[hash].u));
  const { u, v } = HASHES[hash];
  const D = Buffer.alloc(v, id);
  const S = salt.length ? repeatTo(salt, v * Math.ceil(salt.length / v)) : Buffer.alloc(0);
  const P = password.length ? repeatTo(password, v * Math.ceil(password.length / v)) : Buffer.alloc(0);
  const I = Buffer.concat([S, P]);
  const out: Buffer[] = [];
  for (let got = 0; got < size; got += u) {
    let A = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(hash).update(A).digest();
    out.push(A);
    const B = repeatTo(A, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const x = I[j + k]! + B[k]! + carry;
        I[j + k] = x & 0xff;
        carry = x >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, size);
}

/** UCS-2 big-endian, as go-pkcs12's bmpString: a character outside the BMP is an error. */
export function bmpString(text: string): Buffer {
  const out = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) throw new Pkcs12Error("pkcs12: string contains characters that cannot be encoded in UCS-2");
    out.writeUInt16BE(c, i * 2);
  }
  return out;
}

/** The password as PKCS#12 key derivation takes it: BMP, zero-terminated ("" is two zero bytes). PBES2
 *  and PBMAC1 take the UTF-8 password instead (utf8Password). */
export const bmpPassword = (password: string): Buffer => Buffer.concat([bmpString(password), Buffer.alloc(2)]);

/** The UTF-8 password a BMP password stands for (go-pkcs12 decodes it back for PBES2). */
const utf8Password = (bmp: Buffer): Buffer => {
  const units = bmp.length >= 2 && bmp[bmp.length - 1] === 0 && bmp[bmp.length - 2] === 0 ? bmp.subarray(0, -2) : bmp;
  let s = "";
  for (let i = 0; i + 1 < units.length; i += 2) s += String.fromCharCode(units.readUInt16BE(i));
  return Buffer.from(s, "utf8");
};

interface CipherSpec {
  decrypt: (data: Buffer) => Buffer;
  blockSize: number;
}

function pbes2(params: Der | undefined, password: Buffer): CipherSpec {
  const [kdf, scheme] = seq(params, 2);
  const [kdfOid, kdfParams] = seq(kdf, 1);
  if (oidOf(kdfOid) !== OID.pbkdf2) throw new Pkcs12Error(`pkcs12: pbes2 kdf algorithm ${oidOf(kdfOid)} is not supported`);
  const fields = seq(kdfParams, 2);
  if (fields[0]!.tag !== TAG.OCTET_STRING) throw new Pkcs12Error("pkcs12: only octet string salts are supported for pbes2/pbkdf2");
  const salt = fields[0]!.content;
  const iterations = int(fields[1]);
  const prf = prfOf(fields, "pbes2");
  const [encOid, ivEl] = seq(scheme, 1);
  const cipher = ({ [OID.aes256CBC]: "aes-256-cbc", [OID.aes192CBC]: "aes-192-cbc", [OID.aes128CBC]: "aes-128-cbc" } as Record<string, string>)[oidOf(encOid)];
  if (!cipher) throw new Pkcs12Error(`pkcs12: pbes2 algorithm ${oidOf(encOid)} is not supported`);
  const iv = expect(ivEl, TAG.OCTET_STRING);
  if (iv.length !== 16) throw new Pkcs12Error("pkcs12: invalid cipher IV length");
  charge(iterations, PBKDF2_STEPS);
  const key = pbkdf2Sync(utf8Password(password), salt, iterations, Number(cipher.slice(4, 7)) / 8, prf);
  return { blockSize: 16, decrypt: (data) => rawDecrypt(cipher, key, iv, data) };
}

const rawDecrypt = (cipher: string, key: Buffer, iv: Buffer, data: Buffer): Buffer => {
  const d = createDecipheriv(cipher, key, iv).setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]);
};

function cipherFor(algorithm: Der, password: Buffer): CipherSpec {
  const [oidEl, params] = seq(algorithm, 1);
  const id = oidOf(oidEl);
  if (id === OID.pbes2) return pbes2(params, password);
  const legacy = { [OID.pbeSHA3DES]: 24, [OID.pbeSHARC2_128]: 16, [OID.pbeSHARC2_40]: 5 }[id];
  if (legacy === undefined) throw new Pkcs12Error(`pkcs12: pbe algorithm ${id} is not supported`);
  const [saltEl, iterEl] = seq(params, 2);
  const salt = expect(saltEl, TAG.OCTET_STRING);
  const iterations = int(iterEl);
  const key = pkcs12Kdf("sha1", salt, password, iterations, 1, legacy);
  const iv = pkcs12Kdf("sha1", salt, password, iterations, 2, 8);
  if (id === OID.pbeSHA3DES) return { blockSize: 8, decrypt: (data) => rawDecrypt("des-ede3-cbc", key, iv, data) };
  return { blockSize: 8, decrypt: (data) => rc2CbcDecrypt(key, iv, data) };
}

/** Decrypts `data` with the AlgorithmIdentifier `algorithm`, checking PKCS#7 padding as go-pkcs12 does. */
export function pbDecrypt(algorithm: Der, data: Buffer, password: Buffer): Buffer {
  const { decrypt, blockSize } = cipherFor(algorithm, password);
  if (data.length === 0) throw new Pkcs12Error("pkcs12: empty encrypted data");
  if (data.length % blockSize !== 0) throw new Pkcs12Error("pkcs12: input is not a multiple of the block size");
  const plain = decrypt(data);
  const pad = plain[plain.length - 1]!;
  if (pad === 0 || pad > blockSize) throw new Pkcs12Error(ERR_DECRYPTION);
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new Pkcs12Error(ERR_DECRYPTION);
  return plain.subarray(0, plain.length - pad);
}

/** PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC) encryption as go-pkcs12's Modern2023 writes it: the
 *  AlgorithmIdentifier's parameters and the ciphertext. */
export function pbes2Encrypt(plain: Buffer, password: Buffer, salt: Buffer, iv: Buffer, iterations: number): { key: Buffer; encrypted: Buffer } {
  charge(iterations, PBKDF2_STEPS);
  const key = pbkdf2Sync(utf8Password(password), salt, iterations, 32, "sha256");
  const c = createCipheriv("aes-256-cbc", key, iv);
  return { key, encrypted: Buffer.concat([c.update(plain), c.final()]) };
}

const MAC_HASHES: Record<string, Hash> = { [OID.sha1]: "sha1", [OID.sha256]: "sha256", [OID.sha512]: "sha512" };

/** The archive MAC: HMAC over `message` keyed by the PKCS#12 KDF (purpose 3). */
export function computeMac(digestOid: string, message: Buffer, salt: Buffer, iterations: number, password: Buffer): Buffer {
  const hash = MAC_HASHES[digestOid];
  if (!hash) throw new Pkcs12Error(`pkcs12: MAC digest algorithm not supported: ${digestOid}`);
  const key = pkcs12Kdf(hash, salt, password, iterations, 3, HASHES[hash].u);
  return createHmac(hash, key).update(message).digest();
}

const HMACS: Record<string, Hash> = { [OID.hmacWithSHA1]: "sha1", [OID.hmacWithSHA256]: "sha256", [OID.hmacWithSHA512]: "sha512" };

/** PBKDF2-params' PRF (hmacWithSHA1 when absent), by go-pkcs12's rule. */
function prfOf(fields: Der[], what: string): Hash {
  const prfField = fields.slice(2).find((f) => f.tag === TAG.SEQUENCE);
  const prfOid = prfField ? oidOf(seq(prfField, 1)[0]) : OID.hmacWithSHA1;
  const prf = HMACS[prfOid];
  if (!prf) throw new Pkcs12Error(`pkcs12: ${what} prf ${prfOid} is not supported`);
  return prf;
}

/** RFC 9579 PBMAC1 (what go-pkcs12's Modern2026 and OpenSSL 3.4's -pbmac1_pbkdf2 write): HMAC keyed by
 *  PBKDF2 over the UTF-8 password, everything from the algorithm's parameters. */
function pbmac1(params: Der | undefined, message: Buffer, password: Buffer): Buffer {
  const [kdf, macAlg] = seq(params, 2);
  const [kdfOid, kdfParams] = seq(kdf, 1);
  if (oidOf(kdfOid) !== OID.pbkdf2) throw new Pkcs12Error(`pkcs12: PBMAC1 KDF algorithm ${oidOf(kdfOid)} is not supported`);
  const fields = seq(kdfParams, 2);
  if (fields[0]!.tag !== TAG.OCTET_STRING) throw new Pkcs12Error("pkcs12: only octet string salts are supported for PBMAC1/PBKDF2");
  const prf = prfOf(fields, "PBMAC1");
  const macOid = oidOf(seq(macAlg, 1)[0]);
  const mac = HMACS[macOid];
  if (!mac) throw new Pkcs12Error(`pkcs12: PBMAC1 MAC algorithm ${macOid} is not supported`);
  const keyLength = fields[2]?.tag === TAG.INTEGER ? int(fields[2]) : 0;
  if (keyLength <= 0 || keyLength > 1024) throw new Pkcs12Error("pkcs12: PBMAC1 requires explicit KeyLength parameter in PBKDF2 parameters");
  const iterations = int(fields[1]);
  charge(iterations, PBKDF2_STEPS);
  const key = pbkdf2Sync(utf8Password(password), fields[0]!.content, iterations, keyLength, prf);
  return createHmac(mac, key).update(message).digest();
}

/** Checks a MacData (RFC 7292: SEQUENCE { DigestInfo, macSalt, iterations DEFAULT 1 }). */
export function verifyMac(macData: Der, message: Buffer, password: Buffer): void {
  const [digestInfo, saltEl, iterEl] = seq(macData, 2);
  const [algorithm, digestEl] = seq(digestInfo, 2);
  const [algOid, algParams] = seq(algorithm, 1);
  const id = oidOf(algOid);
  const want = expect(digestEl, TAG.OCTET_STRING);
  const got = id === OID.pbmac1 ? pbmac1(algParams, message, password) : computeMac(id, message, expect(saltEl, TAG.OCTET_STRING), iterEl ? int(iterEl) : 1, password);
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw new Pkcs12Error(ERR_INCORRECT_PASSWORD);
}

