// EC private keys as Go's crypto/x509 reads them (parseECPrivateKey): the scalar is what counts; the
// public key stored beside it is ignored and computed again from the scalar. OpenSSL instead keeps (or
// refuses) the stored one, so a key whose stored public key is wrong would come out differently from
// ESO's: we read the scalar ourselves and rebuild the key from it.
import { createECDH, createPrivateKey, type KeyObject } from "node:crypto";
import { explicit0, expect, int, integer, octets, oid, oidOf, readOne, sequence, seq, TAG, tlv, type Der } from "./der.ts";

/** Go's curves by OID: node's curve name for ECDH, the scalar size and the group order. */
const CURVES: Record<string, { ecdh: string; size: number; order: bigint }> = {
  "1.2.840.10045.3.1.7": { ecdh: "prime256v1", size: 32, order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
  "1.3.132.0.34": { ecdh: "secp384r1", size: 48, order: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n },
  "1.3.132.0.35": {
    ecdh: "secp521r1",
   
    size: 66,
    order: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  },
  "1.3.132.0.33": { ecdh: "secp224r1", size: 28, order: 0xffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3dn },
};

export const EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1";

/** A failure with Go's text. */
export class EcKeyError extends Error {}

/** Go's parseECPrivateKey over an ECPrivateKey (SEC 1) structure; `curveOid` from PKCS#8's algorithm
 *  parameters when there, else the structure's own [0] parameters. */
export function ecKeyFromSec1(sec1: Buffer, curveOid?: string): KeyObject {
  let fields: Der[];
  try {
    fields = seq(readOne(sec1, TAG.SEQUENCE), 2);
  } catch {
    throw new EcKeyError("x509: failed to parse EC private key");
  }
  if (int(fields[0]) !== 1) throw new EcKeyError(`x509: unknown EC private key version ${int(fields[0])}`);
  const own = fields.find((f) => f.tag === 0xa0);
  const curveId = curveOid ?? (own ? oidOf(readOne(own.content)) : undefined);
  const curve = curveId ? CURVES[curveId] : undefined;
  if (!curve || !curveId) throw new EcKeyError("x509: unknown elliptic curve");
  let d = expect(fields[1], TAG.OCTET_STRING);
  const k = d.length ? BigInt(`0x${d.toString("hex")}`) : 0n;
  if (k >= curve.order) throw new EcKeyError("x509: invalid elliptic curve private key value");
  // Go strips leading zero padding beyond the curve size and pads shorter scalars.
  while (d.length > curve.size && d[0] === 0) d = d.subarray(1);
  if (d.length > curve.size) throw new EcKeyError("x509: invalid private key length");
  d = Buffer.concat([Buffer.alloc(curve.size - d.length), d]);
  let pub: Buffer;
  try {
    const ecdh = createECDH(curve.ecdh);
    ecdh.setPrivateKey(d);
    pub = ecdh.getPublicKey();
  } catch {
    throw new EcKeyError("x509: invalid elliptic curve private key value");
  }
  // SEC 1 again, with the computed public key: node:crypto takes it for every curve Go knows.
  const rebuilt = sequence(integer(1), octets(d), explicit0(oid(curveId)), tlv(0xa1, tlv(TAG.BIT_STRING, Buffer.from([0]), pub)));
  return createPrivateKey({ key: rebuilt, format: "der", type: "sec1" });
}

/** The EC key in a PKCS#8 PrivateKeyInfo, or undefined when it holds another kind of key. */
export function ecKeyFromPkcs8(der: Buffer): KeyObject | undefined {
  let algorithm: Der[], privateKey: Buffer;
  try {
    const fields = seq(readOne(der, TAG.SEQUENCE), 3);
    algorithm = seq(fields[1], 1);
    if (oidOf(algorithm[0]) !== EC_PUBLIC_KEY_OID) return undefined;
    privateKey = expect(fields[2], TAG.OCTET_STRING);
  } catch {
    return undefined;
  }
  let curveOid: string;
  try {
    curveOid = oidOf(algorithm[1]);
  } catch {
    throw new EcKeyError("x509: failed to parse ECDSA parameters as named curve");
  }
  return ecKeyFromSec1(privateKey, curveOid);
}
