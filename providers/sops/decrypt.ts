// Decrypts one SOPS file and ALWAYS verifies its MAC: age unwraps the data key, AES-256-GCM opens each value, and
// the SHA-512 over the plaintext tree must equal the decrypted `sops.mac`, or nothing is returned.
//
// Choice: our own decryptor on `age-encryption` (typage, the age authors' TypeScript library) + node:crypto,
// not the npm `sops-age` package the design names. sops-age 4.0.2 never checks the MAC (a tampered file
// decrypts), has no INI, and parses documents with its own loaders; verifying on top of it would mean walking
// the tree a second time with a second parser that must agree with it on order and types, the MAC's inputs.
// The walk below follows sops's Tree.Decrypt (sops.go) and its stores; the tests run it on files written by
// the real sops 3.13.2 in every format, tampered ones included.
import { createDecipheriv, createHash } from "node:crypto";
import { armor, Decrypter } from "age-encryption";
import { formatBytes, Limits } from "../../src/provider/limits.ts";
import { sopsError } from "./errors.ts";
import { macAdditionalData, parseMetadata, plainMetadata, shouldBeEncrypted, type SopsMetadata } from "./metadata.ts";
import { loadDotenv, loadIni } from "./parse-flat.ts";
import { loadJson, loadYaml, type LoadedTree } from "./parse-structured.ts";
import { isMap, goFloatText, macBytes, type Scalar, type TreeMap, type TreeNode } from "./tree.ts";

export type SopsFormat = "yaml" | "json" | "dotenv" | "ini" | "binary";

/** A verified, decrypted file: one branch per document; binary files hold their bytes under `data`. */
export interface DecryptedFile {
  format: SopsFormat;
  branches: TreeMap[];
}

/** sops picks the store by extension; anything unknown is a binary file (a JSON envelope). */
export function formatOf(path: string): SopsFormat {
  const ext = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === "yaml" || ext === "yml") return "yaml";
  if (ext === "json") return "json";
  if (ext === "env") return "dotenv";
  if (ext === "ini") return "ini";
  return "binary";
}

/** sops.MACOnlyEncryptedInitialization: sha256("sops"), so the two MAC modes never collide. */
const MAC_ONLY_ENCRYPTED_SEED = Buffer.from("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69", "hex");
const ENC = /^ENC\[AES256_GCM,data:([^,]*),iv:([^,]+),tag:([^,]+),type:([^\]]+)\]$/;

export function loadEncrypted(bytes: Uint8Array, file: string, format: SopsFormat): { tree: LoadedTree; metadata: SopsMetadata } {
  checkSize(bytes, file, format);
  const text = Buffer.from(bytes).toString("utf8");
  // A binary-format SOPS file is a JSON envelope; anything else under an unknown extension is just not a SOPS file.
  if (format === "binary" && !text.trimStart().startsWith("{")) throw sopsError("NotSopsFile", `${file} is not a SOPS-encrypted file`);
  const tree = format === "yaml" ? loadYaml(text, file) : format === "dotenv" ? loadDotenv(text, file) : format === "ini" ? loadIni(text, file) : loadJson(text, file);
  if (tree.metadata === undefined) throw sopsError("NotSopsFile", `${file} is not a SOPS-encrypted file (no sops metadata)`);
  return { tree, metadata: parseMetadata(plainMetadata(tree.metadata), file) };
}

/**
 * Files past Limits.sopsFileBytes are not parsed. One that cannot be a SOPS file at all (a binary that is no JSON
 * envelope; a text without the word "sops", which its metadata key, INI section and dotenv prefix all spell) is
 * NotSopsFile, as a parse would conclude, so a large unrelated file next to the secrets does not fail a find.
 */
function checkSize(bytes: Uint8Array, file: string, format: SopsFormat): void {
  if (bytes.byteLength <= Limits.sopsFileBytes) return;
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const envelope = format !== "binary" || data.toString("utf8", 0, 1024).trimStart().startsWith("{");
  if (!envelope || data.indexOf("sops") === -1) throw sopsError("NotSopsFile", `${file} is not a SOPS-encrypted file`);
  throw sopsError("InvalidSopsFile", `${file} is larger than the ${formatBytes(Limits.sopsFileBytes)} limit for a SOPS file`);
}

async function unwrapDataKey(md: SopsMetadata, identities: readonly string[], file: string): Promise<Buffer> {
  const recipients = md.age.map((stanza) => stanza.recipient).join(", ");
  if (md.age.length === 0) {
    const others = md.otherKeyTypes.length > 0 ? ` (only ${md.otherKeyTypes.join(", ")})` : "";
    throw sopsError("NoMatchingIdentity", `${file} is not encrypted for any age recipient${others}`);
  }
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  for (const stanza of md.age) {
    try {
      const key = await decrypter.decrypt(armor.decode(stanza.enc.trim()));
      if (key.length === 32) return Buffer.from(key);
    } catch {
      // This stanza is for another recipient (or damaged): try the next one.
    }
  }
  throw sopsError("NoMatchingIdentity", `none of the ${identities.length} age identities matches a recipient of ${file} (recipients: ${recipients})`);
}

/** Opens one ENC[...] value; GCM authentication binds it to its key path (aad), so moved or edited values fail. */
function openValue(value: string, key: Buffer, aad: string, what: string): { plain: Buffer; type: string } {
  const m = ENC.exec(value);
  if (!m) throw sopsError("IntegrityCheckFailed", `${what} is not a SOPS-encrypted value (tampered value?)`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(m[2]!, "base64"));
    decipher.setAuthTag(Buffer.from(m[3]!, "base64"));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    return { plain: Buffer.concat([decipher.update(Buffer.from(m[1]!, "base64")), decipher.final()]), type: m[4]! };
  } catch {
    throw sopsError("IntegrityCheckFailed", `${what} failed authentication (tampered value, or the wrong data key)`);
  }
}

const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const GO_FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** The typed plaintext (as sops's aes.Cipher.Decrypt returns it) and its MAC bytes (sops.ToBytes of that). */
function typed(plain: Buffer, type: string, format: SopsFormat, what: string): { value: Scalar; mac: Uint8Array | undefined } {
  const text = plain.toString("utf8");
  const bad = () => sopsError("InvalidSopsFile", `${what} has an unreadable ${type} value`);
  switch (type) {
    case "str":
    case "bytes":
      return { value: format === "binary" ? new Uint8Array(plain) : text, mac: plain };
    case "int":
    case "int64": {
      if (!/^[-+]?[0-9]+$/.test(text)) throw bad();
      const value = BigInt(text);
      return { value, mac: macBytes(value) };
    }
    case "float": {
      const value = Number(text);
      if (text.trim() === "" || Number.isNaN(value)) throw bad();
      return { value, mac: Buffer.from(goFloatText(value)) };
    }
    case "bool":
      if (GO_TRUE.has(text)) return { value: true, mac: macBytes(true) };
      if (GO_FALSE.has(text)) return { value: false, mac: macBytes(false) };
      throw bad();
    case "comment":
      return { value: text, mac: undefined };
    default:
      throw sopsError("UnsupportedSopsFile", `${what} has an unknown value type ${type}`);
  }
}

/** Decrypts and verifies; throws SopsError (IntegrityCheckFailed, NoMatchingIdentity, ...) naming the file and path only. */
export async function decryptFile(bytes: Uint8Array, file: string, identities: readonly string[]): Promise<DecryptedFile> {
  const format = formatOf(file);
  const { tree, metadata: md } = loadEncrypted(bytes, file, format);
  if (identities.length === 0) throw sopsError("NoIdentity", `no age identity available to decrypt ${file}`);
  const key = await unwrapDataKey(md, identities, file);
  const hash = createHash("sha512");
  if (md.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_SEED);

  const walk = (node: TreeNode, path: string[]): TreeNode => {
    if (isMap(node)) {
      const out: TreeMap = new Map();
      for (const [k, v] of node) out.set(k, walk(v, [...path, k]));
      return out;
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, path));
    if (node === null) return null;
    const encrypted = shouldBeEncrypted(md, path);
    const what = `value ${path.join(":")} of ${file}`;
    if (!encrypted) {
      if (!md.macOnlyEncrypted) hash.update(macBytes(node));
      return node;
    }
    if (typeof node !== "string") throw sopsError("IntegrityCheckFailed", `${what} is not encrypted although the file's rules say it must be (tampered value?)`);
    if (node === "") return "";
    const { plain, type } = openValue(node, key, `${path.join(":")}:`, what);
    const { value, mac } = typed(plain, type, format, what);
    if (mac) hash.update(mac);
    return value;
  };
  const branches = tree.branches.map((branch) => walk(branch, []) as TreeMap);

  const computed = hash.digest("hex").toUpperCase();
  let stored: string;
  try {
    stored = openValue(md.mac, key, macAdditionalData(md.lastModified), `the MAC of ${file}`).plain.toString("utf8");
  } catch {
    throw sopsError("IntegrityCheckFailed", `the MAC of ${file} failed authentication (tampered MAC or lastmodified)`);
  }
  if (stored !== computed) throw sopsError("IntegrityCheckFailed", `MAC mismatch in ${file}: its content does not match the MAC (tampered, or edited without sops)`);
  return { format, branches };
}
