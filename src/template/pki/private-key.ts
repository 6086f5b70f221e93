// Private keys as Go's crypto/x509 takes them: the kinds Go can hold (RSA, ECDSA on P-224/256/384/521,
// Ed25519, X25519) and nothing else, so an archive or PEM Go refuses is refused here too. node:crypto
// parses and re-encodes (EC keys from their scalar, as Go: ec-key.ts); its PKCS#8 output is byte-for-byte
// Go's MarshalPKCS8PrivateKey for these kinds (checked by the differential suite).
import { createPrivateKey, type KeyObject } from "node:crypto";
import { ecKeyFromPkcs8, ecKeyFromSec1, EcKeyError } from "./ec-key.ts";

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

/** An EC key rebuilt from its scalar as Go does (ec-key.ts), with Go's error text. */
function ecKey(read: () => KeyObject | undefined): KeyObject | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof EcKeyError) throw new KeyError(err.message);
    throw err;
  }
}

/** Go's x509.ParsePKCS8PrivateKey. */
export function parsePkcs8(der: Buffer): ParsedKey {
  const ec = ecKey(() => ecKeyFromPkcs8(der));
  if (ec) return wrap(ec);
  const key = tryParse(der, "pkcs8");
  if (!key) throw new KeyError("x509: failed to parse private key");
  if (!goKind(key)) throw new KeyError("x509: PKCS#8 wrapping contained private key with unknown algorithm");
  return wrap(key);
}

/** ESO's parsePrivateKey: PKCS#1 (RSA), then PKCS#8, then SEC 1 (EC), as Go parses each. */
export function parseAnyPrivateKey(der: Buffer): ParsedKey {
  const pkcs1 = tryParse(der, "pkcs1");
  if (pkcs1) return wrap(pkcs1);
  for (const parse of [() => parsePkcs8(der), () => wrap(ecKeyFromSec1(der))]) {
    try {
      return parse();
    } catch {
      // Go tries the next encoding
    }
  }
  throw new KeyError("unable to parse private key type");
}
