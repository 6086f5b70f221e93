// YAML and JSON (and binary, which sops stores as JSON) into the ordered tree, as sops's yaml.v3 / encoding/json
// stores load them: map order kept, aliases resolved, YAML integers exact (bigint), JSON numbers floats.
import { Alias, isAlias, isMap as isYamlMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import { sopsError } from "./errors.ts";
import type { TreeMap, TreeNode } from "./tree.ts";

export interface LoadedTree {
  /** One branch per document (YAML may hold several); the `sops` key removed. */
  branches: TreeMap[];
  /** The `sops` value of the first document, as a tree. */
  metadata: TreeNode | undefined;
}

function keyText(key: unknown, doc: Document): string {
  if (isScalar(key)) return String(key.value);
  if (isAlias(key)) return keyText(key.resolve(doc), doc);
  throw sopsError("InvalidSopsFile", "a mapping key is not a scalar");
}

function convert(node: unknown, doc: Document, jsonNumbers: boolean): TreeNode {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convert((node as Alias).resolve(doc), doc, jsonNumbers);
  if (isYamlMap(node)) {
    const out: TreeMap = new Map();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      out.set(keyText(pair.key, doc), convert(pair.value, doc, jsonNumbers));
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => convert(item, doc, jsonNumbers));
  if (isScalar(node)) {
    const value = node.value;
    if (typeof value === "bigint") return jsonNumbers ? Number(value) : value;
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
    if (value instanceof Uint8Array) return value;
    return String(value);
  }
  throw sopsError("InvalidSopsFile", `unexpected YAML node ${(node as YamlNode).constructor?.name ?? typeof node}`);
}

function splitMetadata(branch: TreeNode, file: string): { branch: TreeMap; metadata: TreeNode | undefined } {
  if (branch === null) return { branch: new Map(), metadata: undefined };
  if (!(branch instanceof Map)) throw sopsError("InvalidSopsFile", `${file}: the document is not a mapping`);
  const metadata = branch.get("sops");
  branch.delete("sops");
  return { branch, metadata };
}

export function loadYaml(text: string, file: string): LoadedTree {
  const docs = parseAllDocuments(text, { intAsBigInt: true, uniqueKeys: false });
  if (!Array.isArray(docs)) throw sopsError("InvalidSopsFile", `${file} is not valid YAML`);
  const branches: TreeMap[] = [];
  let metadata: TreeNode | undefined;
  for (const [index, doc] of docs.entries()) {
    if (doc.errors.length > 0) throw sopsError("InvalidSopsFile", `${file} is not valid YAML (line ${doc.errors[0]?.linePos?.[0]?.line ?? "?"})`);
    const split = splitMetadata(convert(doc.contents, doc, false), file);
    branches.push(split.branch);
    if (index === 0) metadata = split.metadata;
  }
  return { branches, metadata };
}

export function loadJson(text: string, file: string): LoadedTree {
  const doc = parseDocument(text, { schema: "json", uniqueKeys: false });
  if (doc.errors.length > 0) throw sopsError("InvalidSopsFile", `${file} is not valid JSON`);
  const split = splitMetadata(convert(doc.contents, doc, true), file);
  return { branches: [split.branch], metadata: split.metadata };
}
