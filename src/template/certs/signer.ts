// The signer genSignedCert reads from its `ca` argument, as Sprig does: pem.Decode of Cert, x509.ParseCertificate
// (node:crypto), the key by parsePrivateKeyPEM; and what CreateCertificate takes from it (raw subject, key id).
import { X509Certificate } from "node:crypto";
import { GoError } from "../func-types.ts";
import type { GoStruct } from "../values.ts";
import type { Parent } from "./create.ts";
import { children, readAt, type Der } from "../pki/der.ts";
import { parsePrivateKeyPem, type PrivateKey } from "./keys.ts";
import { firstPemBlock } from "../pki/pem.ts";

/** The signer certificate as genSignedCert reads it: pem.Decode, x509.ParseCertificate, its key by parsePrivateKeyPEM. */
export function signerOf(ca: GoStruct): { parent: Parent; key: PrivateKey } {
  const block = firstPemBlock(ca.get("Cert") as string);
  if (!block) throw new GoError("unable to decode certificate");
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(block.bytes);
  } catch {
    throw new GoError("error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate");
  }
  let key: PrivateKey;
  try {
    key = parsePrivateKeyPem(ca.get("Key") as string);
  } catch (err) {
    if (!(err instanceof GoError)) throw err; // the budget's own error goes up unchanged
    throw new GoError(`error parsing private key: ${(err as Error).message}`);
  }
  return { parent: { ...subjectAndKeyId(block.bytes), publicKey: parsed.publicKey.export({ type: "spki", format: "der" }) }, key };
}

/** The raw subject and the SubjectKeyId extension of a DER certificate node:crypto already accepted. */
function subjectAndKeyId(der: Buffer): { subject: Buffer; subjectKeyId: Buffer | undefined } {
  const tbs = children(children(readAt(der, 0))[0]!);
  const fields = tbs[0]!.tag === 0xa0 ? tbs.slice(1) : tbs;
  const exts = fields.find((e) => e.tag === 0xa3);
  let subjectKeyId: Buffer | undefined;
  for (const ext of exts ? children(children(exts)[0]!) : []) {
    const parts: Der[] = children(ext);
    if (parts[0]!.content.equals(SKI_OID)) subjectKeyId = readAt(parts[parts.length - 1]!.content, 0).content;
  }
  return { subject: fields[4]!.raw, subjectKeyId };
}

const SKI_OID = Buffer.from([0x55, 0x1d, 0x0e]);

