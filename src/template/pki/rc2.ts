// RC2-CBC decryption (RFC 2268), for PKCS#12 archives whose certificates are encrypted with
// pbeWithSHAAnd40BitRC2-CBC: go-pkcs12's LegacyRC2 encoder and OpenSSL 1.x's default. Written by hand:
// OpenSSL 3 (and so node:crypto) offers RC2 only in its legacy provider, which Node does not load, and
// the libraries that have it (node-forge) are what this codec replaces. Decryption only: we never write RC2.

// PITABLE from RFC 2268 section 2: a permutation of 0..255 built from the digits of pi.
const PI_HEX = (
  "d9 78 f9 c4 19 dd b5 ed 28 e9 fd 79 4a a0 d8 9d" +
  "c6 7e 37 83 2b 76 53 8e 62 4c 64 88 44 8b fb a2" +
  "17 9a 59 f5 87 b3 4f 13 61 45 6d 8d 09 81 7d 32" +
  "bd 8f 40 eb 86 b7 7b 0b f0 95 21 22 5c 6b 4e 82" +
  "54 d6 65 93 ce 60 b2 1c 73 56 c0 14 a7 8c f1 dc" +
  "12 75 ca 1f 3b be e4 d1 42 3d d4 30 a3 3c b6 26" +
  "6f bf 0e da 46 69 07 57 27 f2 1d 9b bc 94 43 03" +
  "f8 11 c7 f6 90 ef 3e e7 06 c3 d5 2f c8 66 1e d7" +
  "08 e8 ea de 80 52 ee f7 84 aa 72 ac 35 4d 6a 2a" +
  "96 1a d2 71 5a 15 49 74 4b 9f d0 5e 04 18 a4 ec" +
  "c2 e0 41 6e 0f 51 cb cc 24 91 af 50 a1 f4 70 39" +
  "99 7c 3a 85 23 b8 b4 7a fc 02 36 5b 25 55 97 31" +
  "2d 5d fa 98 e3 8a 92 ae 05 df 29 10 67 6c ba c9" +
  "d3 00 e6 cf e1 9e a8 2c 63 16 01 3f 58 e2 89 a9" +
  "0d 38 34 1b ab 33 ff b0 bb 48 0c 5f b9 b1 cd 2e" +
  "c5 f3 db 47 e5 a5 9c 77 0a a6 20 68 fe 7f c1 ad"
)
  // spaces for reading: Buffer's hex parser stops at the first one
  .replace(/ /g, "");

const PI = Buffer.from(PI_HEX, "hex");

/** The 64 expanded key words for `key` with `bits` effective bits (RFC 2268 section 2). */
function expandKey(key: Buffer, bits: number): Uint16Array {
  const L = Buffer.alloc(128);
  key.copy(L);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PI[(L[i - 1]! + L[i - T]!) & 0xff]!;
  const T8 = (bits + 7) >> 3;
  const TM = 0xff >> (8 * T8 - bits);
  L[128 - T8] = PI[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PI[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

const SHIFTS = [1, 2, 3, 5];
const rotr = (w: number, n: number): number => ((w >>> n) | (w << (16 - n))) & 0xffff;

function decryptBlock(K: Uint16Array, b: Buffer, at: number, out: Buffer): void {
  const R = [b.readUInt16LE(at), b.readUInt16LE(at + 2), b.readUInt16LE(at + 4), b.readUInt16LE(at + 6)];
  let j = 63;
  const mixInverse = () => {
    for (let i = 3; i >= 0; i--) {
      R[i] = rotr(R[i]!, SHIFTS[i]!);
      R[i] = (R[i]! - K[j--]! - (R[(i + 3) & 3]! & R[(i + 2) & 3]!) - (~R[(i + 3) & 3]! & R[(i + 1) & 3]!)) & 0xffff;
    }
  };
  const mashInverse = () => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (let r = 0; r < 5; r++) mixInverse();
  mashInverse();
  for (let r = 0; r < 6; r++) mixInverse();
  mashInverse();
  for (let r = 0; r < 5; r++) mixInverse();
  R.forEach((w, i) => out.writeUInt16LE(w, at + 2 * i));
}

/** RC2-CBC decryption without removing padding (the caller checks PKCS#7 padding as Go does). */
export function rc2CbcDecrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const K = expandKey(key, key.length * 8);
  const out = Buffer.alloc(data.length);
  for (let at = 0; at + 8 <= data.length; at += 8) {
    decryptBlock(K, data, at, out);
    for (let i = 0; i < 8; i++) out[at + i]! ^= (at === 0 ? iv[i]! : data[at - 8 + i]!);
  }
  return out;
}

/** One block with an explicit effective key length, for RFC 2268's test vectors. */
export function rc2DecryptBlockForTest(key: Buffer, bits: number, block: Buffer): Buffer {
  const out = Buffer.alloc(8);
  decryptBlock(expandKey(key, bits), block, 0, out);
  return out;
}
