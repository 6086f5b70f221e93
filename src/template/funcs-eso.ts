// External Secrets Operator's own template functions: filterPEM, filterCertChain, certSANs,
// pkcs12key/pkcs12cert[Pass], pemToPkcs12[Pass], fullPemToPkcs12[Pass], jwkPublicKeyPem, jwkPrivateKeyPem, rsaDecrypt.
// Strings are Go bytes (binary), so a PKCS#12 archive fetched as raw bytes passes through unchanged.
import { X509Certificate, constants, createPrivateKey, createPublicKey, privateDecrypt, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { costly, fn, GoError, runeWise, type FuncMap, type GoFunc } from "./func-types.ts";
import { fromBin, toBin } from "./gostr.ts";
import { typedList } from "./values.ts";

interface PemBlock {
  type: string;
  body: string;
}

/** Go's pem.Decode loop: every well-formed block, plus whether junk (non-PEM text) was left over. */
export function pemBlocks(text: string): { blocks: PemBlock[]; junk: boolean } {
  const re = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  const blocks: PemBlock[] = [];
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2]!.split(/\r?\n/).filter((l) => !/^[\w-]+:/.test(l)).join("").replace(/\s/g, "");
    blocks.push({ type: m[1]!, body });
    last = re.lastIndex;
  }
  return { blocks, junk: text.slice(last).trim() !== "" && blocks.length === 0 };
}

export const encodePem = (type: string, der: Buffer | string): string => {
  const b64 = typeof der === "string" ? der : der.toString("base64");
  return `-----BEGIN ${type}-----\n${(b64.match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${type}-----\n`;
};

function filterPEM(pemType: string, input: string): string {
  const { blocks, junk } = pemBlocks(input);
  const out = blocks.filter((b) => b.type.toLowerCase() === pemType.toLowerCase()).map((b) => encodePem(b.type, b.body));
  if (out.length === 0 && junk) throw new GoError("extra data after PEM block");
  return out.join("");
}

const certs = (input: string): X509Certificate[] =>
  pemBlocks(input).blocks.filter((b) => b.type === "CERTIFICATE").map((b) => new X509Certificate(Buffer.from(b.body, "base64")));

function filterCertChain(certType: string, input: string): string {
  const all = certs(input);
  const selfSigned = (c: X509Certificate) => c.issuer === c.subject && c.checkIssued(c);
  const pick = all.filter((c) => {
    if (certType === "root") return selfSigned(c);
    if (certType === "intermediate") return c.ca && !selfSigned(c);
    if (certType === "leaf") return !c.ca;
    throw new GoError(`unknown certificate type ${certType}: use leaf, intermediate or root`);
  });
  return pick.map((c) => encodePem("CERTIFICATE", c.raw)).join("");
}

function certSANs(input: string) {
  const [cert] = certs(input);
  if (!cert) throw new GoError("no certificate found");
  const sans = (cert.subjectAltName ?? "").split(", ").filter(Boolean).map((s) => s.replace(/^(DNS|IP Address|email|URI):/, ""));
  return typedList(sans, "string");
}

function readPkcs12(input: string, pass: string): forge.pkcs12.Pkcs12Pfx {
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(input));
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, fromBin(pass));
  } catch (err) {
    throw new GoError(`unable to decode pkcs12: ${err instanceof Error ? err.message.split("\n")[0] : "invalid archive"}`);
  }
}

function pkcs12key(pass: string, input: string): string {
  const p12 = readPkcs12(input, pass);
  const bags = [...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []), ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? [])];
  const keys = bags.filter((b) => b.key).map((b) => {
    const der = forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(b.key!))).getBytes();
    return encodePem("PRIVATE KEY", Buffer.from(der, "binary"));
  });
  if (keys.length === 0) throw new GoError("no private key found in pkcs12 archive");
  return keys.join("");
}

function pkcs12cert(pass: string, input: string): string {
  const p12 = readPkcs12(input, pass);
  const bags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const pems = bags.filter((b) => b.cert).map((b) => encodePem("CERTIFICATE", Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(b.cert!)).getBytes(), "binary")));
  // Leaf first, then intermediates, then the root, as ESO orders a chain.
  const parsed = pems.map((p) => ({ p, c: new X509Certificate(p) }));
  const rank = (c: X509Certificate) => (!c.ca ? 0 : c.issuer === c.subject ? 2 : 1);
  return parsed.sort((a, b) => rank(a.c) - rank(b.c)).map((x) => x.p).join("");
}

function pemToPkcs12(cert: string, key: string, pass: string, full: boolean): string {
  try {
    const chain = certs(cert).map((c) => forge.pki.certificateFromPem(c.toString()));
    const keyPem = createPrivateKey(fromBin(key)).export({ type: "pkcs8", format: "pem" }).toString();
    const privateKey = forge.pki.privateKeyFromPem(keyPem);
    const p12 = forge.pkcs12.toPkcs12Asn1(privateKey, full ? chain : chain.slice(0, 1), fromBin(pass), { algorithm: "3des" });
    return Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary").toString("base64");
  } catch (err) {
    if (err instanceof GoError) throw err;
    throw new GoError(`unable to encode pkcs12: ${err instanceof Error ? err.message.split("\n")[0] : "invalid input"}`);
  }
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
  const block = pemBlocks(privateKey).blocks[0];
  if (!block) throw new GoError("failed to decode PEM block");
  const key = parsePrivateKey(Buffer.from(block.body, "base64"));
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

/** PKCS#12 in node-forge is JavaScript throughout: key derivation and 3DES take 15-25 ms a call (about
 *  250,000 steps of walking nodes) and parsing walks the archive byte by byte. */
const pkcs12Cost = (f: GoFunc): GoFunc => costly(250_000, runeWise(f));

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
  jwkPublicKeyPem: fn(["string"], (s: string) => jwkPem(s, false)),
  jwkPrivateKeyPem: fn(["string"], (s: string) => jwkPem(s, true)),
  // One RSA private-key operation: about a millisecond for 4096 bits.
  rsaDecrypt: costly(10_000, fn(["string", "string", "string", "string"], rsaDecrypt)),
};
