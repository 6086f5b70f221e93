// External Secrets Operator's own template functions: filterPEM, filterCertChain, certSANs,
// pkcs12key/pkcs12cert[Pass], pemToPkcs12[Pass], fullPemToPkcs12[Pass], pemTruststoreToPKCS12[Pass], jwkPublicKeyPem, jwkPrivateKeyPem, rsaDecrypt.
// Strings are Go bytes (binary), so a PKCS#12 archive fetched as raw bytes passes through unchanged.
import { X509Certificate, constants, createPrivateKey, createPublicKey, privateDecrypt, type KeyObject } from "node:crypto";
import { costly, fn, GoError, type FuncMap, type GoFunc } from "./func-types.ts";
import { binToBytes, fromBin, toBin } from "./gostr.ts";
import { typedList } from "./values.ts";
import { ChainError, isRoot, orderChain, parseCert, type ChainCert } from "./pki/cert-chain.ts";
import { pemDecode, pemDecodeAll, pemEncode } from "./pki/pem.ts";
import { decodeChain } from "./pki/pkcs12-decode.ts";
import { encodePkcs12, encodeTrustStore } from "./pki/pkcs12-encode.ts";
import { bmpPassword, Pkcs12Error } from "./pki/pkcs12-pbe.ts";
import { KeyError, parseAnyPrivateKey } from "./pki/private-key.ts";

/** What Go's text/template reports when a function dereferences the nil block pem.Decode returns
 *  (ESO's pemToPkcs12 family does not check it). */
const NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference";

/** ESO's trimJunk: drop everything before the first "-----BEGIN" (what pem.Decode did before Go 1.26). */
const trimJunk = (input: string): string => {
  const at = input.indexOf("-----BEGIN");
  return at < 0 ? input : input.slice(at);
};

/** Go's errors from our PKI helpers become template errors; anything else is a bug and propagates. */
function goErrors<T>(run: () => T, prefix = ""): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof Pkcs12Error || err instanceof KeyError || err instanceof ChainError) throw new GoError(prefix + err.message);
    throw err;
  }
}

function filterPEM(pemType: string, input: string): string {
  const { blocks, rest } = pemDecodeAll(trimJunk(input));
  const want = fromBin(pemType).toLowerCase();
  const out = blocks.filter((b) => fromBin(b.type).toLowerCase() === want).map((b) => pemEncode(b.type, b.bytes, b.headers));
  if (out.length === 0 && rest.length !== 0) throw new GoError("error filtering pem: found junk");
  return out.join("");
}

/** Every PEM block of `input` parsed as a certificate, whatever its type (ESO's pemToNodes). */
const chainCerts = (input: string): ChainCert[] => pemDecodeAll(input).blocks.map((b) => parseCert(b.bytes));

const certPem = (c: ChainCert): string => pemEncode("CERTIFICATE", c.der);

function filterCertChain(certType: string, input: string): string {
  return goErrors(() => {
    const ordered = orderChain(chainCerts(input));
    const leaf = ordered[0]!;
    const last = ordered[ordered.length - 1]!;
    if (certType === "leaf") return leaf.ids.authority !== undefined && !leaf.ids.authority.equals(leaf.ids.subject) ? certPem(leaf) : "";
    if (certType === "root") return isRoot(last) ? certPem(last) : "";
    if (certType !== "intermediate") return "";
    let out = "";
    for (const c of ordered.slice(1)) {
      if (isRoot(c)) break;
      out += certPem(c);
    }
    return out;
  });
}

function certSANs(input: string) {
  const block = pemDecode(trimJunk(input))?.block;
  if (!block) throw new GoError("failed to decode PEM block");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block.bytes);
  } catch {
    throw new GoError("failed to parse certificate: x509: malformed certificate");
  }
  const sans = (cert.subjectAltName ?? "").split(", ").filter(Boolean).map((s) => s.replace(/^(DNS|IP Address|email|URI):/, ""));
  return typedList(sans, "string");
}

function pkcs12key(pass: string, input: string): string {
  const chain = goErrors(() => decodeChain(binToBytes(input), bmpPassword(fromBin(pass))), "unable to decode pkcs12 with password: ");
  return pemEncode("PRIVATE KEY", chain.key.pkcs8);
}

function pkcs12cert(pass: string, input: string): string {
  const chain = goErrors(() => decodeChain(binToBytes(input), bmpPassword(fromBin(pass))), "unable to decode pkcs12 certificate with password: ");
  const ders = [chain.cert, ...chain.caCerts];
  // ESO orders the chain when it can and otherwise returns the archive's order.
  try {
    return orderChain(ders.map(parseCert)).map(certPem).join("");
  } catch (err) {
    if (!(err instanceof ChainError)) throw err;
    return ders.map((d) => pemEncode("CERTIFICATE", d)).join("");
  }
}

/** The first PEM block's certificate, as ESO's pemToPkcs12 reads it (no junk trimming, no nil check). */
function firstCert(input: string): { der: Buffer; rest: string } {
  const d = pemDecode(input);
  if (!d) throw new GoError(NIL_DEREF);
  return { der: goErrors(() => parseCert(d.block.bytes)).der, rest: d.rest };
}

/** ESO's parseCaCerts: certificates until the input is used up; leftover text that is no block
 *  dereferences nil in Go. */
function caCerts(rest: string): Buffer[] {
  const out: Buffer[] = [];
  while (rest.length > 0) {
    const { der, rest: next } = firstCert(rest);
    out.push(der);
    rest = next;
  }
  return out;
}

function pemToPkcs12(cert: string, key: string, pass: string, full: boolean): string {
  const leaf = firstCert(cert);
  const chain = full ? caCerts(leaf.rest) : [];
  const keyBlock = pemDecode(key)?.block;
  if (!keyBlock) throw new GoError(NIL_DEREF);
  const parsed = goErrors(() => parseAnyPrivateKey(keyBlock.bytes));
  return goErrors(() => encodePkcs12(parsed.pkcs8, leaf.der, chain, fromBin(pass))).toString("base64");
}

function pemTruststoreToPKCS12(cert: string, pass: string): string {
  return goErrors(() => encodeTrustStore(caCerts(cert), fromBin(pass))).toString("base64");
}

function jwkPem(input: string, priv: boolean): string {
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(fromBin(input)) as Record<string, unknown>;
  } catch {
    throw new GoError("failed to unmarshal JWK");
  }
  try {
    if (priv) return toBin(createPrivateKey({ key: jwk, format: "jwk" }).export({ type: "pkcs8", format: "pem" }).toString());
    return toBin(createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "pem" }).toString());
  } catch (err) {
    throw new GoError(`invalid JWK: ${err instanceof Error ? err.message : "unsupported key"}`);
  }
}

const OAEP_HASHES: Record<string, string> = { SHA1: "sha1", SHA256: "sha256", SHA512: "sha512" };

/** The first PEM block's key as Go's x509 reads it: PKCS#1, then PKCS#8, then SEC 1 (EC). */
function parsePrivateKey(der: Buffer): KeyObject {
  for (const type of ["pkcs1", "pkcs8", "sec1"] as const) {
    try {
      return createPrivateKey({ key: der, format: "der", type });
    } catch {
      // try the next encoding
    }
  }
  throw new GoError("could not parse private key: unable to parse private key type");
}

/** ESO's rsaDecrypt SCHEME HASH CIPHERTEXT KEY: "None" passes the input through; "RSA-OAEP" decrypts with the
 *  PEM key's RSA key, OAEP and MGF1 over HASH (SHA1, SHA256, SHA512; anything else SHA-256), no label. Go
 *  refuses RSA keys under 1024 bits. */
function rsaDecrypt(scheme: string, hash: string, input: string, privateKey: string): string {
  if (scheme === "None") return input;
  if (scheme !== "RSA-OAEP") throw new GoError(`decryption scheme ${scheme} is not supported`);
  const block = pemDecode(privateKey)?.block;
  if (!block) throw new GoError("failed to decode PEM block");
  const key = parsePrivateKey(block.bytes);
  if (key.asymmetricKeyType !== "rsa") throw new GoError("could not parse RSA private key");
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 1024) throw new GoError(`error decrypting data with RSA: crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`);
  try {
    const out = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASHES[hash] ?? "sha256" }, Buffer.from(input, "latin1"));
    return out.toString("latin1");
  } catch {
    throw new GoError("error decrypting data with RSA: crypto/rsa: decryption error");
  }
}

/** PKCS#12 functions: key derivation is charged per iteration as it runs (pki/pkcs12-pbe.ts); this covers
 *  the rest (DER walking, key and certificate parsing in node:crypto, about 0.5 ms). */
const pkcs12Cost = (f: GoFunc): GoFunc => costly(5_000, f);

export const esoFuncs: FuncMap = {
  filterPEM: fn(["string", "string"], filterPEM),
  filterCertChain: fn(["string", "string"], filterCertChain),
  certSANs: fn(["string"], certSANs),
  pkcs12key: pkcs12Cost(fn(["string"], (input: string) => pkcs12key("", input))),
  pkcs12keyPass: pkcs12Cost(fn(["string", "string"], pkcs12key)),
  pkcs12cert: pkcs12Cost(fn(["string"], (input: string) => pkcs12cert("", input))),
  pkcs12certPass: pkcs12Cost(fn(["string", "string"], pkcs12cert)),
  pemToPkcs12: pkcs12Cost(fn(["string", "string"], (c: string, k: string) => pemToPkcs12(c, k, "", false))),
  pemToPkcs12Pass: pkcs12Cost(fn(["string", "string", "string"], (c: string, k: string, p: string) => pemToPkcs12(c, k, p, false))),
  fullPemToPkcs12: pkcs12Cost(fn(["string", "string"], (c: string, k: string) => pemToPkcs12(c, k, "", true))),
  fullPemToPkcs12Pass: pkcs12Cost(fn(["string", "string", "string"], (c: string, k: string, p: string) => pemToPkcs12(c, k, p, true))),
  pemTruststoreToPKCS12: pkcs12Cost(fn(["string"], (c: string) => pemTruststoreToPKCS12(c, ""))),
  pemTruststoreToPKCS12Pass: pkcs12Cost(fn(["string", "string"], pemTruststoreToPKCS12)),
  jwkPublicKeyPem: fn(["string"], (s: string) => jwkPem(s, false)),
  jwkPrivateKeyPem: fn(["string"], (s: string) => jwkPem(s, true)),
  // One RSA private-key operation: about a millisecond for 4096 bits.
  rsaDecrypt: costly(10_000, fn(["string", "string", "string", "string"], rsaDecrypt)),
};
