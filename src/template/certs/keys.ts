// Sprig's private keys: generatePrivateKey's four types (RSA 4096, DSA L2048N256, ECDSA P-256, Ed25519), the PEM
// block Sprig writes for each (pemBlockForKey: PKCS#1, Sprig's own DSA sequence, SEC 1, PKCS#8) and the keys
// parsePrivateKeyPEM accepts. node:crypto generates and encodes; its DER for these is Go's byte for byte.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { GoError } from "../func-types.ts";
import { fromBin } from "../gostr.ts";
import { children, readAt, sequence, uint } from "../pki/der.ts";
import { firstPemBlock, pemEncode as encodePem } from "../pki/pem.ts";

/** A private key as Sprig holds it: a node KeyObject, or a DSA key (which x509 cannot sign with). */
export type PrivateKey = { kind: "node"; key: KeyObject } | { kind: "dsa"; der: Buffer };

export type KeyType = "rsa" | "dsa" | "ecdsa" | "ed25519";

export function generateKey(type: KeyType, rsaBits = 4096): PrivateKey {
  switch (type) {
    case "rsa":
      return { kind: "node", key: generateKeyPairSync("rsa", { modulusLength: rsaBits }).privateKey };
    case "ecdsa":
      return { kind: "node", key: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey };
    case "ed25519":
      return { kind: "node", key: generateKeyPairSync("ed25519").privateKey };
    case "dsa":
      return { kind: "dsa", der: dsaSequence(generateKeyPairSync("dsa", { modulusLength: 2048, divisorLength: 256 }).privateKey) };
  }
}

const big = (content: Buffer): bigint => BigInt("0x" + (content.toString("hex") || "0"));

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

/** Sprig's DSAKeyFormat {Version, P, Q, G, Y, X} from node's PKCS#8 DSA key (Y = G^X mod P, which PKCS#8 leaves out). */
function dsaSequence(key: KeyObject): Buffer {
  const [, alg, priv] = children(readAt(key.export({ type: "pkcs8", format: "der" }), 0));
  const [p, q, g] = children(children(alg!)[1]!).map((e) => big(e.content));
  const x = big(readAt(priv!.content, 0).content);
  return sequence(uint(0n), uint(p!), uint(q!), uint(g!), uint(modPow(g!, x, p!)), uint(x));
}

/** pemBlockForKey: RSA as PKCS#1, ECDSA as SEC 1, DSA as Sprig's sequence, anything else as PKCS#8. */
export function keyPem(key: PrivateKey): string {
  if (key.kind === "dsa") return encodePem("DSA PRIVATE KEY", key.der);
  const k = key.key;
  if (k.asymmetricKeyType === "rsa") return encodePem("RSA PRIVATE KEY", k.export({ type: "pkcs1", format: "der" }));
  if (k.asymmetricKeyType === "ec") return encodePem("EC PRIVATE KEY", k.export({ type: "sec1", format: "der" }));
  return encodePem("PRIVATE KEY", k.export({ type: "pkcs8", format: "der" }));
}

/** Go refuses RSA keys under 1024 bits (crypto/rsa's minimum since Go 1.24). */
function checkRsaSize(k: KeyObject): void {
  const bits = k.asymmetricKeyDetails?.modulusLength ?? 0;
  if (k.asymmetricKeyType === "rsa" && bits < 1024) throw new GoError(`crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`);
}

const GO_PKCS8 = new Set(["rsa", "ec", "ed25519", "x25519"]);
const GO_CURVES = new Set(["secp224r1", "prime256v1", "secp384r1", "secp521r1"]);

function nodeKey(der: Buffer, type: "pkcs1" | "pkcs8" | "sec1", what: string): PrivateKey {
  let k: KeyObject;
  try {
    k = createPrivateKey({ key: der, format: "der", type });
  } catch {
    throw new GoError(`${what}: x509: failed to parse private key`);
  }
  if (type === "pkcs8" && !GO_PKCS8.has(k.asymmetricKeyType ?? "")) throw new GoError(`${what}: x509: PKCS#8 wrapping contained private key with unknown algorithm`);
  if (k.asymmetricKeyType === "ec" && !GO_CURVES.has(k.asymmetricKeyDetails?.namedCurve ?? "")) throw new GoError(`${what}: x509: unknown elliptic curve`);
  checkRsaSize(k);
  return { kind: "node", key: k };
}

/** Sprig's parsePrivateKeyPEM: the first PEM block, by its type; Go's error texts, never the key's bytes. */
export function parsePrivateKeyPem(text: string): PrivateKey {
  const block = firstPemBlock(text);
  if (!block) throw new GoError("no PEM data in input");
  if (block.type === "PRIVATE KEY") return nodeKey(block.bytes, "pkcs8", "decoding PEM as PKCS#8");
  if (!block.type.endsWith(" PRIVATE KEY")) throw new GoError(`no private key data in PEM block of type ${fromBin(block.type)}`);
  switch (block.type.slice(0, -12)) {
    case "RSA":
      return nodeKey(block.bytes, "pkcs1", "parsing RSA private key from PEM");
    case "EC":
      return nodeKey(block.bytes, "sec1", "parsing EC private key from PEM");
    case "DSA":
      try {
        children(readAt(block.bytes, 0));
      } catch {
        throw new GoError("parsing DSA private key from PEM: asn1: structure error");
      }
      return { kind: "dsa", der: block.bytes };
    default:
      throw new GoError(`invalid private key type ${fromBin(block.type)}`);
  }
}
