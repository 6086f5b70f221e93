// Value decoding (decodingStrategy), key conversion (conversionStrategy) and key rewrites (dataFrom.rewrite:
// regexp with Go's regexp and $-expansion, transform with a template over .value, merge over the values:
// rewrite-merge.ts), with ESO's semantics.
import { ConfigError } from "../../provider/errors.ts";
import { renderBytes, stringData, TemplateError } from "../../template/engine.ts";
import { specRegexp } from "../../provider/spec-regexp.ts";
import { mergeRewrite, type MergeRule } from "./rewrite-merge.ts";

export { decodeValue } from "../../template/decoding.ts";

// ESO's utils.convert: every rune that is not a Unicode letter or number, '-', '.' or '_' is replaced
// ("_" for Default, fmt "_U%04x_" - lower-case hex - for Unicode). A kept non-ASCII letter still fails
// the Secret key check later, as in ESO.
const INVALID_KEY_CHAR = /[^\p{L}\p{N}._-]/gu;

/** Makes a provider name a valid Secret key: `_` (Default) or `_Uxxxx_` (Unicode) for each invalid character. */
export function convertKey(key: string, strategy: "Default" | "Unicode" | undefined): string {
  if (strategy === "Unicode") {
    return key.replace(INVALID_KEY_CHAR, (ch) => `_U${ch.codePointAt(0)!.toString(16).padStart(4, "0")}_`);
  }
  return key.replace(INVALID_KEY_CHAR, "_");
}

export interface RewriteRule {
  regexp?: { source: string; target: string } | undefined;
  transform?: { template: string } | undefined;
  merge?: MergeRule | undefined;
}

/** One key through a transform template: `.value` is the key (ESO's RewriteTransform). */
function transformKey(template: string, key: string): string {
  try {
    return Buffer.from(renderBytes("transform", template, stringData({ value: new Uint8Array(Buffer.from(key, "utf8")) }))).toString("utf8");
  } catch (err) {
    if (err instanceof TemplateError) throw new ConfigError(`dataFrom.rewrite.transform line ${err.line}: ${err.message.split(key).join("***")}`);
    throw err;
  }
}

/** One regexp or transform rule over the names (a merge rule, which needs the values, is left to rewriteMap). */
function renameStep<T>(data: Record<string, T>, rule: RewriteRule, index: number): Record<string, T> {
  const next: Record<string, T> = {};
  if (rule.transform) {
    for (const [key, value] of Object.entries(data)) next[transformKey(rule.transform.template, key)] = value;
  } else if (rule.regexp) {
    const pattern = specRegexp(rule.regexp.source, `dataFrom.rewrite[${index}].regexp.source`);
    for (const [key, value] of Object.entries(data)) next[pattern.replaceAll(key, rule.regexp.target)] = value;
  } else return data;
  return next;
}

export function rewriteKeys<T>(data: Record<string, T>, rules: RewriteRule[] | undefined): Record<string, T> {
  let current = data;
  for (const [index, rule] of (rules ?? []).entries()) current = renameStep(current, rule, index);
  return current;
}

/** Every rule in order over names and values (ESO's RewriteMap): what a list holding a merge needs. */
export function rewriteMap(data: Record<string, Uint8Array>, rules: RewriteRule[] | undefined): Record<string, Uint8Array> {
  let current = data;
  for (const [index, rule] of (rules ?? []).entries()) {
    if (!rule.merge) {
      current = renameStep(current, rule, index);
      continue;
    }
    try {
      current = mergeRewrite(current, rule.merge);
    } catch (err) {
      if (err instanceof Error) err.message = `dataFrom.rewrite[${index}].merge: ${err.message}`;
      throw err;
    }
  }
  return current;
}
