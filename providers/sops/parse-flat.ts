// dotenv and INI into the ordered tree, as sops's dotenv store and its gopkg.in/ini.v1 store load them; their
// metadata is flattened (`sops_age__list_0__map_enc=...`, `[sops]` section) and unflattened here.
import { sopsError } from "./errors.ts";
import type { LoadedTree } from "./parse-structured.ts";
import type { TreeMap } from "./tree.ts";

const MAP_SEP = "__map_";
const LIST_SEP = "__list_";

/**
 * sops stores.Unflatten + DecodeNewLines: `age__list_0__map_enc` -> { age: [{ enc }] }. The keys come from an
 * unverified file (the MAC is checked later), so they are held to what sops writes: list indexes are small
 * numbers (fewer than there are keys: no sparse array of a billion slots), a name is never `__proto__`, and a
 * prefix is not both a list and a map; anything else is an InvalidSopsFile.
 */
export function unflatten(flat: Record<string, string>, file = "the file"): Record<string, unknown> {
  const invalid = (why: string) => sopsError("InvalidSopsFile", `${file}: the sops metadata has ${why}`);
  const count = Object.keys(flat).length;
  const root: Record<string, unknown> = {};
  for (const [flatKey, raw] of Object.entries(flat)) {
    const value = raw.replaceAll("\\n", "\n");
    const tokens: Array<string | number> = [];
    const pattern = /__(map|list)_/g;
    let last = 0;
    let kind = "map";
    const token = (part: string): string | number => {
      if (kind === "map") {
        if (part === "__proto__") throw invalid("a reserved key name");
        return part;
      }
      if (!/^\d{1,9}$/.test(part) || Number(part) >= count) throw invalid("an invalid list index");
      return Number(part);
    };
    for (let m = pattern.exec(flatKey); m; m = pattern.exec(flatKey)) {
      tokens.push(token(flatKey.slice(last, m.index)));
      kind = m[1]!;
      last = m.index + (kind === "map" ? MAP_SEP.length : LIST_SEP.length);
    }
    tokens.push(token(flatKey.slice(last)));
    let node: Record<string | number, unknown> = root;
    for (let i = 0; i < tokens.length - 1; i++) {
      const here = tokens[i]!;
      const next = tokens[i + 1]!;
      // Own properties only: an inherited one (`constructor`) must never become the container we write into.
      if (!Object.hasOwn(node, here)) node[here] = typeof next === "number" ? [] : {};
      const child = node[here];
      if (typeof child !== "object" || child === null || Array.isArray(child) !== (typeof next === "number")) throw invalid("a key that is both a list and a map");
      node = child as Record<string | number, unknown>;
    }
    node[tokens[tokens.length - 1]!] = value;
  }
  return root;
}

/** sops dotenv store: `KEY=value` lines, `#` comments, `\n` escapes; `sops_*` keys are metadata. */
export function loadDotenv(text: string, file: string): LoadedTree {
  const branch: TreeMap = new Map();
  const flat: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (line.length === 0 || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq === -1) throw sopsError("InvalidSopsFile", `${file}: a dotenv line has no '='`);
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).replaceAll("\\n", "\n");
    if (key.startsWith("sops_")) flat[key.slice("sops_".length)] = value;
    else branch.set(key, value);
  }
  return { branches: [branch], metadata: Object.keys(flat).length > 0 ? toTree(unflatten(flat, file)) : undefined };
}

/** A value the way ini.v1 reads it: quotes removed, inline `#`/`;` comments dropped. */
function iniValue(raw: string): string {
  const line = raw.trim();
  if (line.startsWith('"""')) {
    const end = line.indexOf('"""', 3);
    return end === -1 ? line.slice(3) : line.slice(3, end);
  }
  if (line.startsWith("`")) {
    const end = line.indexOf("`", 1);
    return end === -1 ? line.slice(1) : line.slice(1, end);
  }
  const comment = line.search(/[#;]/);
  const value = comment === -1 ? line : line.slice(0, comment).trim();
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) return value.slice(1, -1);
  return value;
}

/** sops INI store (ini.v1): sections in file order after the implicit DEFAULT; `[sops]` is metadata. */
export function loadIni(text: string, file: string): LoadedTree {
  const sections: TreeMap = new Map([["DEFAULT", new Map()]]);
  let current = sections.get("DEFAULT") as TreeMap;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[")) {
      const end = line.indexOf("]");
      if (end === -1) throw sopsError("InvalidSopsFile", `${file}: an INI section header is not closed`);
      const name = line.slice(1, end).trim();
      if (!sections.has(name)) sections.set(name, new Map());
      current = sections.get(name) as TreeMap;
      continue;
    }
    const delimiter = line.search(/[=:]/);
    if (delimiter === -1) throw sopsError("InvalidSopsFile", `${file}: an INI line has no '=' or ':'`);
    current.set(line.slice(0, delimiter).trim(), iniValue(line.slice(delimiter + 1)));
  }
  const sops = sections.get("sops") as TreeMap | undefined;
  sections.delete("sops");
  const flat: Record<string, string> = {};
  for (const [key, value] of sops ?? []) flat[key] = String(value);
  return { branches: [sections], metadata: sops ? toTree(unflatten(flat, file)) : undefined };
}

/** Plain metadata back into a tree so every format hands parseMetadata the same shape. */
function toTree(value: unknown): TreeMap | string | TreeMap[] {
  if (Array.isArray(value)) return value.map((item) => toTree(item) as TreeMap);
  if (value !== null && typeof value === "object") return new Map(Object.entries(value).map(([k, v]) => [k, toTree(v)]));
  return String(value);
}
