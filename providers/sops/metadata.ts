// The `sops` metadata of an encrypted file, checked and normalised as sops's stores.Metadata.ToInternal does
// (one encryption rule at most; none means the default unencrypted suffix "_unencrypted").
import { GoRegexp, GoRegexpError } from "../../src/regexp/index.ts";
import { isMap, type TreeNode } from "./tree.ts";
import { sopsError } from "./errors.ts";

export interface AgeStanza {
  recipient: string;
  enc: string;
}

/** What decryption needs; comment regexes and Shamir groups are refused up front, so the walk never guesses. */
export interface SopsMetadata {
  age: AgeStanza[];
  /** Key types other than age present in the file (pgp, kms, ...): named in errors, never used. */
  otherKeyTypes: string[];
  lastModified: string;
  mac: string;
  unencryptedSuffix: string | undefined;
  encryptedSuffix: string | undefined;
  unencryptedRegex: GoRegexp | undefined;
  encryptedRegex: GoRegexp | undefined;
  macOnlyEncrypted: boolean;
}

const KEY_TYPES = ["pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "hckms"];

/** Metadata as plain JS (objects and arrays), from a YAML/JSON `sops` map or an unflattened dotenv/INI section. */
export function plainMetadata(node: TreeNode): unknown {
  if (isMap(node)) return Object.fromEntries([...node].map(([key, value]) => [key, plainMetadata(value)]));
  if (Array.isArray(node)) return node.map(plainMetadata);
  if (typeof node === "bigint") return Number(node);
  return node;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** sops matches these with Go's regexp; a pattern Go rejects makes the file invalid (a later commit can fix it). */
function regex(value: string | undefined, field: string, file: string): GoRegexp | undefined {
  if (value === undefined) return undefined;
  try {
    return GoRegexp.compile(value);
  } catch (err) {
    if (err instanceof GoRegexpError) throw sopsError("InvalidSopsFile", `${file}: sops metadata ${field}: ${err.message}`);
    throw err;
  }
}

function ageStanzas(list: unknown): AgeStanza[] {
  if (!Array.isArray(list)) return [];
  const out: AgeStanza[] = [];
  for (const item of list) {
    const entry = item as Record<string, unknown> | null;
    const enc = text(entry?.["enc"]);
    if (enc) out.push({ recipient: text(entry?.["recipient"]) ?? "(unknown recipient)", enc });
  }
  return out;
}

export function parseMetadata(raw: unknown, file: string): SopsMetadata {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw sopsError("NotSopsFile", `${file} is not a SOPS-encrypted file (no sops metadata)`);
  const md = raw as Record<string, unknown>;
  const mac = text(md["mac"]);
  if (!mac) throw sopsError("IntegrityCheckFailed", `${file}: sops metadata has no MAC; refusing a file whose integrity cannot be verified`);
  const lastModified = text(md["lastmodified"]);
  if (!lastModified) throw sopsError("InvalidSopsFile", `${file}: sops metadata has no lastmodified`);
  if (text(md["unencrypted_comment_regex"]) || text(md["encrypted_comment_regex"])) {
    throw sopsError("UnsupportedSopsFile", `${file}: encrypted_comment_regex / unencrypted_comment_regex are not supported`);
  }
  const rules = ["unencrypted_suffix", "encrypted_suffix", "unencrypted_regex", "encrypted_regex"].filter((field) => text(md[field]));
  if (rules.length > 1) throw sopsError("InvalidSopsFile", `${file}: sops metadata sets more than one of ${rules.join(", ")}`);

  let age = ageStanzas(md["age"]);
  const otherKeyTypes = KEY_TYPES.filter((type) => Array.isArray(md[type]) && (md[type] as unknown[]).length > 0);
  const groups = md["key_groups"];
  if (Array.isArray(groups) && groups.length > 0) {
    if (groups.length > 1) throw sopsError("UnsupportedSopsFile", `${file}: several key groups (Shamir secret sharing) are not supported`);
    const group = (groups[0] ?? {}) as Record<string, unknown>;
    age = ageStanzas(group["age"]);
    for (const type of KEY_TYPES) if (Array.isArray(group[type]) && (group[type] as unknown[]).length > 0) otherKeyTypes.push(type);
  }

  const mode = md["mac_only_encrypted"];
  return {
    age,
    otherKeyTypes,
    lastModified,
    mac,
    unencryptedSuffix: rules.length === 0 ? "_unencrypted" : text(md["unencrypted_suffix"]),
    encryptedSuffix: text(md["encrypted_suffix"]),
    unencryptedRegex: regex(text(md["unencrypted_regex"]), "unencrypted_regex", file),
    encryptedRegex: regex(text(md["encrypted_regex"]), "encrypted_regex", file),
    macOnlyEncrypted: mode === true || mode === "true",
  };
}

/** sops Tree.shouldBeEncrypted for the path of a leaf (without comment rules, refused above). */
export function shouldBeEncrypted(md: SopsMetadata, path: readonly string[]): boolean {
  let encrypted = true;
  if (md.unencryptedSuffix && path.some((part) => part.endsWith(md.unencryptedSuffix!))) encrypted = false;
  if (md.encryptedSuffix) encrypted = path.some((part) => part.endsWith(md.encryptedSuffix!));
  if (md.unencryptedRegex && path.some((part) => md.unencryptedRegex!.test(part))) encrypted = false;
  if (md.encryptedRegex) encrypted = path.some((part) => md.encryptedRegex!.test(part));
  return encrypted;
}

/** The AAD of the MAC: lastmodified as Go's time.Format(time.RFC3339) prints it (no fractional seconds). */
export function macAdditionalData(lastModified: string): string {
  return lastModified.replace(/\.[0-9]+(?=Z$|[+-][0-9]{2}:[0-9]{2}$)/, "");
}
