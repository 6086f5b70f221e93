// The engine's entry point: parse and execute one template over ESO's data (map[string]string of the
// fetched values, as Go bytes), with missingkey=error. Errors carry the template name and line.
import { execute, TemplateExecError } from "./exec.ts";
import { hasTemplateFunc, templateFuncs } from "./funcs.ts";
import { binToBytes, bytesToBin, toBin } from "./gostr.ts";
import { TemplateSyntaxError } from "./lexer.ts";
import { parseTemplate, type TreeSet } from "./parser.ts";
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

export const stringData = (data: Record<string, Uint8Array>): GoMap => new GoMap(Object.entries(data).map(([k, v]) => [toBin(k), bytesToBin(v)]), "string");

/** Parses only (validate); throws TemplateError. */
export function parseOnly(name: string, text: string): void {
  try {
    parseTemplate(name, toBin(text), hasTemplateFunc);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw new TemplateError(name, err.line, `template: ${name}:${err.line}: ${err.message}`);
    throw err;
  }
}

// Parse trees are immutable once built: reuse them across reconciles (bounded; oldest entry evicted first).
const PARSED_MAX = 1000;
const parsed = new Map<string, TreeSet>();

function parseCached(name: string, text: string): TreeSet {
  const key = `${name}\u0000${text}`;
  const hit = parsed.get(key);
  if (hit) return hit;
  const trees = parseTemplate(name, toBin(text), hasTemplateFunc);
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, trees);
  return trees;
}

/** Renders `text` (a JS string) over `data`; returns the output bytes. */
export function renderBytes(name: string, text: string, data: GoValue): Uint8Array {
  try {
    const trees = parseCached(name, text);
    return new Uint8Array(binToBytes(execute(trees, name, data, { funcs: templateFuncs })));
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw new TemplateError(name, err.line, `template: ${name}:${err.line}: ${err.message}`);
    if (err instanceof TemplateExecError) throw new TemplateError(name, err.line, err.message, "exec");
    if (err instanceof RangeError) throw new TemplateError(name, 0, `template: ${name}: ${err.message}`, "exec");
    throw err;
  }
}

export const renderString = (name: string, text: string, data: GoValue): string => Buffer.from(renderBytes(name, text, data)).toString("utf8");
