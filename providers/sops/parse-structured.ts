// YAML and JSON (and binary, which sops stores as JSON) into the ordered tree, as sops's yaml.v3 / encoding/json
// stores load them: map order kept, aliases resolved, YAML integers exact (bigint), JSON numbers floats.
// The documents are untrusted and not yet verified (the MAC is checked on the tree this builds), so every step
// is bounded (limits in src/provider/limits.ts): flow nesting is counted on the lexer's tokens before parsing,
// and the conversion counts depth, nodes and the nodes that aliases add ("billion laughs"). The `yaml`
// package's own `maxAliasCount` guards only its toJS(); we walk the parsed document ourselves, so we count.
import { Alias, isAlias, isMap as isYamlMap, isNode, isPair, isScalar, isSeq, Lexer, parseAllDocuments, parseDocument, visit } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import { Limits } from "../../src/provider/limits.ts";
import { sopsError } from "./errors.ts";
import type { TreeMap, TreeNode } from "./tree.ts";

export interface LoadedTree {
  /** One branch per document (YAML may hold several); the `sops` key removed. */
  branches: TreeMap[];
  /** The `sops` value of the first document, as a tree. */
  metadata: TreeNode | undefined;
}

/** The bounds a document is held to; the defaults are Limits' (tests pass smaller ones). */
export interface DocumentLimits {
  depth: number;
  nodes: number;
  aliasNodes: number;
}

export const SOPS_DOCUMENT_LIMITS: DocumentLimits = { depth: Limits.sopsDepth, nodes: Limits.sopsNodes, aliasNodes: Limits.sopsAliasNodes };

/**
 * Flow collections (`[`, `{`) nest a byte per level, and the parser's time grows with that depth (a 2 MiB line
 * of brackets takes it tens of seconds). Quoted scalars are single tokens, so brackets inside values do not count.
 */
function checkFlowDepth(text: string, file: string, limit: number): void {
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === "[" || token === "{") {
      if (++depth > limit) throw sopsError("InvalidSopsFile", `${file} nests deeper than ${limit} levels`);
    } else if (token === "]" || token === "}") depth = Math.max(0, depth - 1);
  }
}

/**
 * Which node each alias names, for the whole document in one pass: the last anchor of that name before it in
 * document order (what Alias.resolve finds, but without re-walking the document for every alias).
 */
function aliasTargets(doc: Document): Map<Alias, unknown> {
  const anchors = new Map<string, unknown>();
  const targets = new Map<Alias, unknown>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (isNode(node) && node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

class Converter {
  readonly #targets: Map<Alias, unknown>;
  readonly #file: string;
  readonly #jsonNumbers: boolean;
  readonly #limits: DocumentLimits;
  #nodes = 0;
  #aliasNodes = 0;

  constructor(doc: Document, file: string, jsonNumbers: boolean, limits: DocumentLimits) {
    this.#targets = aliasTargets(doc);
    this.#file = file;
    this.#jsonNumbers = jsonNumbers;
    this.#limits = limits;
  }

  #invalid(why: string) {
    return sopsError("InvalidSopsFile", `${this.#file} ${why}`);
  }

  #resolve(alias: Alias): unknown {
    const target = this.#targets.get(alias);
    if (target === undefined) throw this.#invalid(`has an alias to an unknown anchor`);
    return target;
  }

  #keyText(key: unknown): string {
    if (isScalar(key)) return String(key.value);
    if (isAlias(key)) return this.#keyText(this.#resolve(key));
    throw this.#invalid("has a mapping key that is not a scalar");
  }

  /** `viaAlias`: this node is a copy an alias makes; those are counted on their own, tighter budget. */
  convert(node: unknown, depth = 0, viaAlias = false): TreeNode {
    if (depth > this.#limits.depth) throw this.#invalid(`nests deeper than ${this.#limits.depth} levels`);
    if (++this.#nodes > this.#limits.nodes) throw this.#invalid(`has more than ${this.#limits.nodes} nodes`);
    if (viaAlias && ++this.#aliasNodes > this.#limits.aliasNodes) throw this.#invalid(`expands through aliases to more than ${this.#limits.aliasNodes} nodes`);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.convert(this.#resolve(node), depth + 1, true);
    if (isYamlMap(node)) {
      const out: TreeMap = new Map();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        out.set(this.#keyText(pair.key), this.convert(pair.value, depth + 1, viaAlias));
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item) => this.convert(item, depth + 1, viaAlias));
    if (isScalar(node)) {
      const value = node.value;
      if (typeof value === "bigint") return this.#jsonNumbers ? Number(value) : value;
      if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
      if (value instanceof Uint8Array) return value;
      return String(value);
    }
    throw this.#invalid(`has an unexpected YAML node ${(node as YamlNode).constructor?.name ?? typeof node}`);
  }
}

function splitMetadata(branch: TreeNode, file: string): { branch: TreeMap; metadata: TreeNode | undefined } {
  if (branch === null) return { branch: new Map(), metadata: undefined };
  if (!(branch instanceof Map)) throw sopsError("InvalidSopsFile", `${file}: the document is not a mapping`);
  const metadata = branch.get("sops");
  branch.delete("sops");
  return { branch, metadata };
}

export function loadYaml(text: string, file: string, limits: DocumentLimits = SOPS_DOCUMENT_LIMITS): LoadedTree {
  checkFlowDepth(text, file, limits.depth);
  const docs = parseAllDocuments(text, { intAsBigInt: true, uniqueKeys: false });
  if (!Array.isArray(docs)) throw sopsError("InvalidSopsFile", `${file} is not valid YAML`);
  const branches: TreeMap[] = [];
  let metadata: TreeNode | undefined;
  for (const [index, doc] of docs.entries()) {
    if (doc.errors.length > 0) throw sopsError("InvalidSopsFile", `${file} is not valid YAML (line ${doc.errors[0]?.linePos?.[0]?.line ?? "?"})`);
    const split = splitMetadata(new Converter(doc, file, false, limits).convert(doc.contents), file);
    branches.push(split.branch);
    if (index === 0) metadata = split.metadata;
  }
  return { branches, metadata };
}

export function loadJson(text: string, file: string, limits: DocumentLimits = SOPS_DOCUMENT_LIMITS): LoadedTree {
  checkFlowDepth(text, file, limits.depth);
  const doc = parseDocument(text, { schema: "json", uniqueKeys: false });
  if (doc.errors.length > 0) throw sopsError("InvalidSopsFile", `${file} is not valid JSON`);
  const split = splitMetadata(new Converter(doc, file, true, limits).convert(doc.contents), file);
  return { branches: [split.branch], metadata: split.metadata };
}
