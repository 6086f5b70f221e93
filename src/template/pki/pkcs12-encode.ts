// Writes PKCS#12 archives as ESO 2.9 does: go-pkcs12 v0.7.0's Modern encoder (today Modern2023):
// certificates in one PBES2-encrypted safe (PBKDF2-HMAC-SHA-256, 2048 iterations, 16-byte salt,
// AES-256-CBC), the key in a PBES2-shrouded key bag in a plain safe, both tagged with the leaf's SHA-1 as
// localKeyId, and an HMAC-SHA-256 MAC (PKCS#12 KDF, 2048 iterations). Truststores (EncodeTrustStore) hold
// only certificate bags marked trusted for any usage, named by their subject as Go prints it.
import { createHash, randomBytes } from "node:crypto";
import { explicit0, integer, octets, oid, sequence, set, tlv, TAG } from "./der.ts";
import { goNameString } from "./x509-fields.ts";
import { OID } from "./oids.ts";
import { bmpPassword, bmpString, computeMac, pbes2Encrypt } from "./pkcs12-pbe.ts";

const ITERATIONS = 2048;
const SALT_LEN = 16;

const attribute = (id: string, value: Buffer): Buffer => sequence(oid(id), set(value));

/** A DER SET OF: elements sorted by their encoding, as Go's encoding/asn1 writes it. */
const setOf = (items: Buffer[]): Buffer => set(...[...items].sort(Buffer.compare));

/** A SafeBag; its attribute SET is written even when empty (go-pkcs12 does: OpenSSL shows "<Empty
 *  Attributes>" for its CA certificates). */
function safeBag(id: string, value: Buffer, attributes: Buffer[]): Buffer {
  return sequence(oid(id), explicit0(value), setOf(attributes));
}

const certBag = (der: Buffer, attributes: Buffer[]): Buffer =>
  safeBag(OID.certBag, sequence(oid(OID.x509Certificate), explicit0(octets(der))), attributes);

/** PBES2 AlgorithmIdentifier and ciphertext for `plain`, with a fresh salt and IV. */
function pbes2(plain: Buffer, password: Buffer): { algorithm: Buffer; encrypted: Buffer } {
  const salt = randomBytes(SALT_LEN);
  const iv = randomBytes(16);
  const { encrypted } = pbes2Encrypt(plain, password, salt, iv, ITERATIONS);
  const kdf = sequence(oid(OID.pbkdf2), sequence(octets(salt), integer(ITERATIONS), sequence(oid(OID.hmacWithSHA256))));
  const algorithm = sequence(oid(OID.pbes2), sequence(kdf, sequence(oid(OID.aes256CBC), octets(iv))));
  return { algorithm, encrypted };
}

const plainSafe = (bags: Buffer[]): Buffer => sequence(oid(OID.data), explicit0(octets(sequence(...bags))));

function encryptedSafe(bags: Buffer[], password: Buffer): Buffer {
  const { algorithm, encrypted } = pbes2(sequence(...bags), password);
  const info = sequence(oid(OID.data), algorithm, tlv(0x80, encrypted));
  return sequence(oid(OID.encryptedData), explicit0(sequence(integer(0), info)));
}

function pfx(safes: Buffer[], password: Buffer): Buffer {
  const authSafe = sequence(...safes);
  const salt = randomBytes(SALT_LEN);
  const mac = computeMac(OID.sha256, authSafe, salt, ITERATIONS, password);
  const macData = sequence(sequence(sequence(oid(OID.sha256)), octets(mac)), octets(salt), integer(ITERATIONS));
  return sequence(integer(3), sequence(oid(OID.data), explicit0(octets(authSafe))), macData);
}

/** go-pkcs12 Modern.Encode(key, cert, caCerts, password): the archive's DER. */
export function encodePkcs12(pkcs8: Buffer, cert: Buffer, caCerts: Buffer[], password: string): Buffer {
  const pw = bmpPassword(password);
  const localKeyId = attribute(OID.localKeyId, octets(createHash("sha1").update(cert).digest()));
  const certBags = [certBag(cert, [localKeyId]), ...caCerts.map((c) => certBag(c, []))];
  const { algorithm, encrypted } = pbes2(pkcs8, pw);
  const keyBag = safeBag(OID.shroudedKeyBag, sequence(algorithm, octets(encrypted)), [localKeyId]);
  return pfx([encryptedSafe(certBags, pw), plainSafe([keyBag])], pw);
}

/** go-pkcs12 Modern.EncodeTrustStore(certs, password): one encrypted safe of trusted certificate bags. */
export function encodeTrustStore(certs: Buffer[], password: string): Buffer {
  const pw = bmpPassword(password);
  const trusted = attribute(OID.javaTrustStore, oid(OID.anyExtendedKeyUsage));
  const bags = certs.map((der) => {
    return certBag(der, [trusted, attribute(OID.friendlyName, tlv(TAG.BMP, bmpString(goNameString(der))))]);
  });
  return pfx([encryptedSafe(bags, pw)], pw);
}
