// Private keys as Go's crypto/x509 takes them: the kinds Go can hold (RSA, ECDSA on P-224/256/384/521,
// Ed25519, X25519) and nothing else, so an archive or PEM Go refuses is refused here too. node:crypto
// parses and re-encodes; its PKCS#8 output is byte-for-byte Go's MarshalPKCS8PrivateKey for these kinds
// (checked by the differential suite).
import { createPrivateKey, type KeyObject } from "node:crypto";

export interface ParsedKey {
  key: KeyObject;
  /** PKCS#8 DER as Go's MarshalPKCS8PrivateKey writes it. */
  pkcs8: Buffer;
}

/** A key failure with Go's text. The key's bytes never appear in it. */
export class KeyError extends Error {}

const GO_CURVES = new Set(["prime256v1", "secp384r1", "secp521r1", "secp224r1"]);

function goKind(key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  if (type === "rsa" || type === "ed25519" || type === "x25519") return true;
  return type === "ec" && GO_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? "");
}

const wrap = (key: KeyObject): ParsedKey => ({ key, pkcs8: key.export({ type: "pkcs8", format: "der" }) });

function tryParse(der: Buffer, type: "pkcs1" | "pkcs8" | "sec1"): KeyObject | undefined {
  try {
    return createPrivateKey({ key: der, format: "der", type });
  } catch {
    return undefined;
  }
}

/** Go's x509.ParsePKCS8PrivateKey. */
export function parsePkcs8(der: Buffer): ParsedKey {
  const key = tryParse(der, "pkcs8");
  if (!key) throw new KeyError("x509: failed to parse private key");
  if (!goKind(key)) throw new KeyError("x509: PKCS#8 wrapping contained private key with unknown algorithm");
  return wrap(key);
}

/** ESO's parsePrivateKey: PKCS#1 (RSA), then PKCS#8, then SEC 1 (EC), as Go parses each. */
export function parseAnyPrivateKey(der: Buffer): ParsedKey {
  for (const type of ["pkcs1", "pkcs8", "sec1"] as const) {
    const key = tryParse(der, type);
    if (key && goKind(key)) return wrap(key);
  }
  throw new KeyError("unable to parse private key type");
}
