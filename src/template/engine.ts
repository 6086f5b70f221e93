// The engine's entry point: parse and execute one template over ESO's data (map[string]string of the
// fetched values, as Go bytes), with missingkey=error. Errors carry the template name and line.
import { SECRET_LIMIT_BYTES, type BudgetLimits } from "./budget.ts";
import { execute, TemplateExecError } from "./exec.ts";
import { hasTemplateFunc, templateFuncs } from "./funcs.ts";
import { binToBytes, bytesToBin, toBin } from "./gostr.ts";
import { TemplateSyntaxError } from "./lexer.ts";
import { ParseCache, parseWeight } from "./parse-cache.ts";
import { parseSized, type TreeSet } from "./parser.ts";
import { GoMap, type GoValue } from "./values.ts";

/** A template that failed to parse or execute; `message` never contains a data value (see safeTemplateError). */
export class TemplateError extends Error {
  readonly templateName: string;
  readonly line: number;
  /** "parse": the template text is wrong; "exec": it failed on this data (which may change). */
  readonly phase: "parse" | "exec";
  constructor(templateName: string, line: number, message: string, phase: "parse" | "exec" = "parse") {
    super(message);
    this.templateName = templateName;
    this.line = line;
    this.phase = phase;
  }
}

/** The longest template text accepted (UTF-8 bytes): as much as a Secret or ConfigMap can hold. */
export const MAX_TEMPLATE_BYTES = SECRET_LIMIT_BYTES;

/** Estimated heap the parse cache may hold (parse-cache.ts): 64 MiB, room for hundreds of real templates
 *  (a 2 KB template of ~400 tokens weighs ~100 KB) and for two of the largest the parser accepts. */
export const PARSE_CACHE_BYTES = 64 * 1024 * 1024;

export const stringData = (data: Record<string, Uint8Array>): GoMap => new GoMap(Object.entries(data).map(([k, v]) => [toBin(k), bytesToBin(v)]), "string");

const syntaxError = (name: string, err: TemplateSyntaxError) => new TemplateError(name, err.line, `template: ${name}:${err.line}: ${err.message}`);

/** The template as Go bytes, refused before lexing when it is longer than MAX_TEMPLATE_BYTES. */
function templateBytes(name: string, text: string): string {
  // UTF-8 never has fewer bytes than UTF-16 code units: a text that long is refused without encoding it.
  const bin = text.length > MAX_TEMPLATE_BYTES ? undefined : toBin(text);
  if (bin === undefined || bin.length > MAX_TEMPLATE_BYTES) throw new TemplateError(name, 0, `template: ${name}: template text larger than ${MAX_TEMPLATE_BYTES} bytes`);
  return bin;
}

function parse(name: string, text: string): { trees: TreeSet; tokens: number } {
  try {
    return parseSized(name, templateBytes(name, text), hasTemplateFunc);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw syntaxError(name, err);
    throw err;
  }
}

/** Parses only (validate); throws TemplateError. */
export function parseOnly(name: string, text: string): void {
  parse(name, text);
}

const parsed = new ParseCache(PARSE_CACHE_BYTES);

function parseCached(name: string, text: string): TreeSet {
  const key = `${name}\u0000${text}`;
  const hit = parsed.get(key);
  if (hit) return hit;
  const { trees, tokens } = parse(name, text);
  parsed.set(key, trees, parseWeight(key, tokens));
  return trees;
}

/** Renders `text` (a JS string) over `data`; returns the output bytes. `limits` override the execution
 *  budget's defaults (budget.ts DEFAULT_LIMITS); running out is a TemplateError of phase "exec". */
export function renderBytes(name: string, text: string, data: GoValue, limits?: Partial<BudgetLimits>): Uint8Array {
  const trees = parseCached(name, text);
  try {
    return new Uint8Array(binToBytes(execute(trees, name, data, { funcs: templateFuncs, limits })));
  } catch (err) {
    if (err instanceof TemplateExecError) throw new TemplateError(name, err.line, err.message, "exec");
    // A stack overflow (values nested thousands deep, or a cycle made with set): never a crash.
    if (err instanceof RangeError) throw new TemplateError(name, 0, `template: ${name}: ${err.message}`, "exec");
    throw err;
  }
}

export const renderString = (name: string, text: string, data: GoValue, limits?: Partial<BudgetLimits>): string =>
  Buffer.from(renderBytes(name, text, data, limits)).toString("utf8");
