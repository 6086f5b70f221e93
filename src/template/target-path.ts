// templateFrom target paths for target.manifest (ESO 2.9, runtime/template/v2): "spec.database",
// "spec.rules[0].from[0].source.notRemoteIpBlocks". Written by hand because the grammar is ESO's own (dots and
// [n] only, no quoting), and parsed with a single linear scan: the path is tenant input.
import { ConfigError } from "../provider/errors.ts";

export type PathToken = { key: string } | { index: number };

/** ESO's bound on an index (it allocates the array up to it). */
export const MAX_ARRAY_INDEX = 10_000;
/** Ours: a path deeper than this is refused (ESO has no bound; no real resource nests this deep). */
export const MAX_PATH_TOKENS = 64;

export function parseTargetPath(target: string): PathToken[] {
  const bad = (why: string) => new ConfigError(`invalid path ${JSON.stringify(target)}: ${why}`);
  const tokens: PathToken[] = [];
  for (const segment of target.split(".")) {
    if (segment === "") throw bad("empty segment");
    const bracket = segment.indexOf("[");
    const name = bracket < 0 ? segment : segment.slice(0, bracket);
    let rest = bracket < 0 ? "" : segment.slice(bracket);
    if (name !== "") tokens.push({ key: name });
    while (rest !== "") {
      if (rest[0] !== "[") throw bad(`expected '[' near ${JSON.stringify(rest)}`);
      const end = rest.indexOf("]");
      if (end < 0) throw bad("unterminated '['");
      const digits = rest.slice(1, end);
      if (!/^[+-]?\d{1,18}$/.test(digits)) throw bad(`bad index ${JSON.stringify(digits)}`);
      const index = Number(digits);
      if (index < 0) throw bad(`negative index ${index}`);
      if (index > MAX_ARRAY_INDEX) throw bad(`index ${index} exceeds maximum (${MAX_ARRAY_INDEX})`);
      tokens.push({ index });
      if (tokens.length > MAX_PATH_TOKENS) throw bad(`deeper than ${MAX_PATH_TOKENS} steps`);
      rest = rest.slice(end + 1);
    }
    if (tokens.length > MAX_PATH_TOKENS) throw bad(`deeper than ${MAX_PATH_TOKENS} steps`);
  }
  if (!("key" in tokens[0]!)) throw bad("path must start with a key");
  return tokens;
}

export const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const typeName = (v: unknown): string => (Array.isArray(v) ? "[]interface {}" : isMap(v) ? "map[string]interface {}" : typeof v === "string" ? "string" : typeof v === "boolean" ? "bool" : typeof v === "number" ? (Number.isInteger(v) ? "int64" : "float64") : "<nil>");

/**
 * Sets `leaf(existing)` at the path inside `root` (mutated), creating maps and arrays on the way as ESO does;
 * a step that meets a value of the wrong shape is an error naming it.
 */
export function setAtPath(root: Record<string, unknown>, target: string, tokens: PathToken[], leaf: (existing: unknown) => unknown): void {
  let node: unknown = root;
  for (const [i, token] of tokens.entries()) {
    const last = i === tokens.length - 1;
    if ("key" in token) {
      if (!isMap(node)) throw new ConfigError(`failed to set path ${target}: expected map at key ${JSON.stringify(token.key)} but found ${typeName(node)}`);
      if (last) node[token.key] = leaf(node[token.key]);
      else {
        const next = tokens[i + 1]!;
        const child = node[token.key];
        if (child === undefined || child === null) node[token.key] = "key" in next ? {} : [];
        node = node[token.key];
      }
    } else {
      if (!Array.isArray(node)) throw new ConfigError(`failed to set path ${target}: expected array at index ${token.index} but found ${typeName(node)}`);
      while (node.length <= token.index) node.push(null);
      if (last) node[token.index] = leaf(node[token.index]);
      else {
        const next = tokens[i + 1]!;
        if (node[token.index] === undefined || node[token.index] === null) node[token.index] = "key" in next ? {} : [];
        node = node[token.index];
      }
    }
  }
}
