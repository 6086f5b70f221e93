// Reads a PKCS#12 archive as go-pkcs12 v0.7.0's DecodeChain does (what ESO 2.9's pkcs12key/pkcs12cert
// call): the MAC checked first (an empty password also tries the "no password" form), one or two
// authenticated-safe items, plain or password-encrypted, certificate bags in order (the first is "the"
// certificate, the rest CA certificates), exactly one key bag (plain or shrouded), other bags ignored.
// Bounded: the archive's size, its elements (der.ts), and each iteration count (pkcs12-pbe.ts).
import { SECRET_LIMIT_BYTES } from "../budget.ts";
import { DerError, expect, int, oidOf, readOne, seq, TAG, type Der } from "./der.ts";
import { OID } from "./oids.ts";
import { pbDecrypt, Pkcs12Error, verifyMac, ERR_INCORRECT_PASSWORD } from "./pkcs12-pbe.ts";
import { KeyError, parsePkcs8, type ParsedKey } from "./private-key.ts";
import { certificateProblem } from "./x509-fields.ts";

export interface Pkcs12Chain {
  key: ParsedKey;
  /** DER of the first certificate bag. */
  cert: Buffer;
  /** DER of the other certificate bags, in archive order. */
  caCerts: Buffer[];
}

interface SafeBag {
  id: string;
  value: Der;
  attributes: Der | undefined;
}

/** Most bags an archive may hold: a certificate chain is a handful; a truststore a few hundred. */
const MAX_BAGS = 1000;

const isEmptyPassword = (p: Buffer): boolean => p.length === 2 && p[0] === 0 && p[1] === 0;

const explicitContent = (el: Der | undefined): Der => {
  if (!el || el.tag !== TAG.CTX0) throw new DerError("asn1: structure error: tags don't match");
  return readOne(el.content);
};

/** The bags of the archive, after the MAC check; also the password that checked (see getSafeContents in
 *  go-pkcs12: an empty password may turn out to be "no password", which then decrypts the bags). */
function safeBags(pfx: Buffer, password: Buffer, minItems: number, maxItems: number): { bags: SafeBag[]; password: Buffer } {
  if (pfx.length > SECRET_LIMIT_BYTES) throw new Pkcs12Error("pkcs12: archive larger than 1 MiB");
  let version: Der | undefined, authSafe: Der | undefined, macData: Der | undefined;
  try {
    [version, authSafe, macData] = seq(readOne(pfx, TAG.SEQUENCE), 2, TAG.SEQUENCE, 3);
  } catch (err) {
    throw new Pkcs12Error(`pkcs12: error reading P12 data: ${err instanceof DerError ? err.message : "malformed archive"}`);
  }
  if (int(version) !== 3) throw new Pkcs12Error("pkcs12: can only decode v3 PFX PDU's");
  const [ctype, wrapped] = seq(authSafe, 1);
  if (oidOf(ctype) !== OID.data) throw new Pkcs12Error("pkcs12: only password-protected PFX is implemented");
  const authSafeBytes = expect(explicitContent(wrapped), TAG.OCTET_STRING);
  if (!macData) {
    if (!isEmptyPassword(password)) throw new Pkcs12Error("pkcs12: no MAC in data");
  } else {
    try {
      verifyMac(macData, authSafeBytes, password);
    } catch (err) {
      if (!(err instanceof Pkcs12Error && err.message === ERR_INCORRECT_PASSWORD && isEmptyPassword(password))) throw err;
      password = Buffer.alloc(0);
      verifyMac(macData, authSafeBytes, password);
    }
  }
  const items = seq(readOne(authSafeBytes), 0, TAG.SEQUENCE, MAX_BAGS);
  if (items.length < minItems || items.length > maxItems) {
    throw new Pkcs12Error(
      minItems === maxItems
        ? `pkcs12: expected exactly ${minItems} items in the authenticated safe, but this file has ${items.length}`
        : `pkcs12: expected between ${minItems} and ${maxItems} items in the authenticated safe, but this file has ${items.length}`,
    );
  }
  const bags: SafeBag[] = [];
  for (const item of items) {
    const [itemType, itemContent] = seq(item, 2);
    let contents: Buffer;
    const type = oidOf(itemType);
    if (type === OID.data) {
      contents = expect(explicitContent(itemContent), TAG.OCTET_STRING);
    } else if (type === OID.encryptedData) {
      const [ver, info] = seq(explicitContent(itemContent), 2);
      if (int(ver) !== 0) throw new Pkcs12Error("pkcs12: only version 0 of EncryptedData is supported");
      const [, algorithm, encrypted] = seq(info, 2);
      contents = pbDecrypt(algorithm!, encrypted?.tag === 0x80 ? encrypted.content : Buffer.alloc(0), password);
    } else {
      throw new Pkcs12Error("pkcs12: only data and encryptedData content types are supported in authenticated safe");
    }
    for (const bag of seq(readOne(contents), 0, TAG.SEQUENCE, MAX_BAGS)) {
      const [bagId, bagValue, attributes] = seq(bag, 2);
      bags.push({ id: oidOf(bagId), value: explicitContent(bagValue), attributes });
      if (bags.length > MAX_BAGS) throw new Pkcs12Error(`pkcs12: more than ${MAX_BAGS} bags`);
    }
  }
  return { bags, password };
}

function certBagDer(value: Der): Buffer {
  const [certId, certValue] = seq(value, 2);
  if (oidOf(certId) !== OID.x509Certificate) throw new Pkcs12Error("pkcs12: only X509 certificates are supported in cert bags");
  const der = expect(explicitContent(certValue), TAG.OCTET_STRING);
  const problem = certificateProblem(der);
  if (problem) throw new Pkcs12Error(problem);
  return der;
}

/** go-pkcs12's decodePkcs8ShroudedKeyBag, with its message for each step. */
function shroudedKey(value: Der, password: Buffer): ParsedKey {
  const step = <T>(what: string, run: () => T): T => {
    try {
      return run();
    } catch (err) {
      if (err instanceof Pkcs12Error || err instanceof DerError || err instanceof KeyError) throw new Pkcs12Error(`pkcs12: ${what}: ${err.message}`);
      throw err;
    }
  };
  const [algorithm, data] = step("error decoding PKCS#8 shrouded key bag", () => seq(value, 2));
  const pkcs8 = step("error decrypting PKCS#8 shrouded key bag", () => pbDecrypt(algorithm!, expect(data, TAG.OCTET_STRING), password));
  return step("error parsing PKCS#8 private key", () => parsePkcs8(pkcs8));
}

function decodeChainUnwrapped(pfx: Buffer, password: Buffer): Pkcs12Chain {
  const { bags, password: pw } = safeBags(pfx, password, 1, 2);
  let key: ParsedKey | undefined;
  let cert: Buffer | undefined;
  const caCerts: Buffer[] = [];
  for (const bag of bags) {
    if (bag.id === OID.certBag) {
      const der = certBagDer(bag.value);
      if (cert) caCerts.push(der);
      else cert = der;
    } else if (bag.id === OID.keyBag || bag.id === OID.shroudedKeyBag) {
      if (key) throw new Pkcs12Error("pkcs12: expected exactly one key bag");
      key = bag.id === OID.keyBag ? parsePkcs8(bag.value.raw) : shroudedKey(bag.value, pw);
    }
  }
  if (!cert) throw new Pkcs12Error("pkcs12: certificate missing");
  if (!key) throw new Pkcs12Error("pkcs12: private key missing");
  return { key, cert, caCerts };
}

/** go-pkcs12's DecodeChain. Throws Pkcs12Error with its text (malformed DER reads as go's asn1 failure). */
export function decodeChain(pfx: Buffer, password: Buffer): Pkcs12Chain {
  try {
    return decodeChainUnwrapped(pfx, password);
  } catch (err) {
    if (err instanceof DerError) throw new Pkcs12Error(err.message);
    throw err;
  }
}

/** A bag attribute's values by attribute OID (friendlyName, localKeyId, Java's trusted-usage mark). */
export function bagAttributes(attributes: Der | undefined): Map<string, Der[]> {
  const out = new Map<string, Der[]>();
  if (!attributes) return out;
  for (const a of seq(attributes, 0, TAG.SET, 64)) {
    const [id, values] = seq(a, 2);
    out.set(oidOf(id), seq(values, 0, TAG.SET, 64));
  }
  return out;
}

/** The certificates of a truststore and their attributes (go-pkcs12's DecodeTrustStore, which also
 *  insists on the trusted-usage mark): for tests and the differential suite. */
export function decodeTrustStore(pfx: Buffer, password: Buffer): { der: Buffer; attributes: Map<string, Der[]> }[] {
  const { bags } = safeBags(pfx, password, 1, 1);
  return bags.map((b) => {
    if (b.id !== OID.certBag) throw new Pkcs12Error("pkcs12: expected only certificate bags");
    const attributes = bagAttributes(b.attributes);
    if (!attributes.has(OID.javaTrustStore)) throw new Pkcs12Error("pkcs12: trust store contains a certificate that is not marked as trusted");
    return { der: certBagDer(b.value), attributes };
  });
}
