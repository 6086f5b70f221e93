// Test PKIs made fresh for each run with node:crypto (keys) and the openssl binary (certificates and
// PKCS#12 archives): a root CA, an intermediate and a leaf with SANs, all with subject and authority key
// identifiers (ESO orders chains by them), for RSA, ECDSA P-256/P-384/P-521 and Ed25519; and archives of
// the leaf as OpenSSL 3 writes them by default (PBES2/AES-256/SHA-256 MAC) and with -legacy (RC2/3DES,
// SHA-1 MAC), and in other forms (ARCHIVE_VARIANTS, withPbmac1). Throwaway keys, never committed.
import { execFileSync } from "node:child_process";
import { createHmac, generateKeyPairSync, pbkdf2Sync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { children, integer, octets, oid, readOne, sequence } from "../../../src/template/pki/der.ts";
import { OID } from "../../../src/template/pki/oids.ts";

export type KeyKind = "rsa" | "p256" | "p384" | "p521" | "ed25519";

export interface Pki {
  rootPem: string;
  intermediatePem: string;
  leafPem: string;
  /** The leaf's key, PKCS#8 PEM. */
  leafKeyPem: string;
  /** PKCS#12 (leaf key + leaf, intermediate, root) as raw bytes in a binary string, no password. */
  p12: string;
  /** Same, protected by "s3cret". */
  p12Pass: string;
  /** Same as p12Pass, written by `openssl pkcs12 -legacy` (RC2-40 certificates, 3DES key, SHA-1 MAC). */
  p12Legacy: string;
  /** Same as p12Pass with other algorithms and counts (names in ARCHIVE_VARIANTS); "plain" has no password. */
  variants: Record<keyof typeof ARCHIVE_VARIANTS, string>;
}

/** openssl pkcs12 -export options for archives in every form go-pkcs12 reads (and one it refuses). */
export const ARCHIVE_VARIANTS = {
  des3: ["-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"],
  rc2: ["-legacy", "-certpbe", "PBE-SHA1-RC2-128", "-keypbe", "PBE-SHA1-RC2-40"],
  aes128sha512: ["-certpbe", "AES-128-CBC", "-keypbe", "AES-192-CBC", "-macalg", "sha512"],
  oneIteration: ["-iter", "1", "-maciter"],
  keyBag: ["-keypbe", "NONE"],
  plain: ["-certpbe", "NONE", "-keypbe", "NONE", "-nomac"],
  noMac: ["-nomac"],
} as const;

function newKey(kind: KeyKind): string {
  const pem = { type: "pkcs8", format: "pem" } as const;
  if (kind === "rsa") return generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: pem, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
  if (kind === "ed25519") return generateKeyPairSync("ed25519", { privateKeyEncoding: pem, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
  const namedCurve = { p256: "P-256", p384: "P-384", p521: "P-521" }[kind];
  return generateKeyPairSync("ec", { namedCurve, privateKeyEncoding: pem, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
}

const EXT = `[ca]
basicConstraints=critical,CA:TRUE
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
[leaf]
basicConstraints=CA:FALSE
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
subjectAltName=DNS:app.example.com,DNS:www.example.com,IP:10.0.0.1
`;

const cached = new Map<KeyKind, Pki>();

export function testPki(kind: KeyKind = "rsa"): Pki {
  const hit = cached.get(kind);
  if (hit) return hit;
  const dir = mkdtempSync(join(tmpdir(), "pki-"));
  try {
    const f = (name: string) => join(dir, name);
    const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    writeFileSync(f("ext.cnf"), EXT);
    for (const n of ["root", "mid", "leaf"]) writeFileSync(f(`${n}.key`), newKey(kind));
    ssl("req", "-x509", "-key", "root.key", "-subj", "/C=DE/O=Test Org/CN=Test Root", "-days", "3650", "-extensions", "ca", "-config", "ext.cnf", "-out", "root.pem");
    ssl("req", "-new", "-key", "mid.key", "-subj", "/O=Test Org/CN=Test Intermediate", "-out", "mid.csr");
    ssl("x509", "-req", "-in", "mid.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "2", "-days", "3650", "-extfile", "ext.cnf", "-extensions", "ca", "-out", "mid.pem");
    ssl("req", "-new", "-key", "leaf.key", "-subj", "/CN=app.example.com", "-out", "leaf.csr");
    ssl("x509", "-req", "-in", "leaf.csr", "-CA", "mid.pem", "-CAkey", "mid.key", "-set_serial", "3", "-days", "3650", "-extfile", "ext.cnf", "-extensions", "leaf", "-out", "leaf.pem");
    writeFileSync(f("chain.pem"), Buffer.concat([readFileSync(f("mid.pem")), readFileSync(f("root.pem"))]));
    const p12 = (pass: string, ...extra: string[]) => {
      ssl("pkcs12", "-export", ...extra, "-inkey", "leaf.key", "-in", "leaf.pem", "-certfile", "chain.pem", "-passout", `pass:${pass}`, "-out", "out.p12");
      return readFileSync(f("out.p12")).toString("latin1");
    };
    const pki: Pki = {
      rootPem: readFileSync(f("root.pem"), "utf8"),
      intermediatePem: readFileSync(f("mid.pem"), "utf8"),
      leafPem: readFileSync(f("leaf.pem"), "utf8"),
      leafKeyPem: readFileSync(f("leaf.key"), "utf8"),
      p12: p12(""),
      p12Pass: p12("s3cret"),
      p12Legacy: p12("s3cret", "-legacy"),
      variants: Object.fromEntries(Object.entries(ARCHIVE_VARIANTS).map(([name, opts]) => [name, p12(name === "plain" ? "" : "s3cret", ...opts)])) as Pki["variants"],
    };
    cached.set(kind, pki);
    return pki;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `archive` (binary string) with its MAC replaced by an RFC 9579 PBMAC1 MAC (PBKDF2-HMAC-SHA-256, 2048
 *  iterations, HMAC-SHA-256) over the same content, computed here with node:crypto alone: what go-pkcs12's
 *  Modern2026 and OpenSSL 3.4's -pbmac1_pbkdf2 write, which the OpenSSL on the bench cannot. */
export function withPbmac1(archive: string, password: string): string {
  const [version, authSafe] = children(readOne(Buffer.from(archive, "latin1")));
  const content = readOne(children(authSafe!)[1]!.content).content;
  const salt = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, 2048, 32, "sha256");
  const mac = createHmac("sha256", key).update(content).digest();
  const kdf = sequence(oid(OID.pbkdf2), sequence(octets(salt), integer(2048), integer(32), sequence(oid(OID.hmacWithSHA256))));
  const algorithm = sequence(oid(OID.pbmac1), sequence(kdf, sequence(oid(OID.hmacWithSHA256))));
  const macData = sequence(sequence(algorithm, octets(mac)), octets(Buffer.from("NOT USED")), integer(1));
  return sequence(version!.raw, authSafe!.raw, macData).toString("latin1");
}
