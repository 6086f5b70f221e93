// One template of a manifest parsed offline, for `validate`: a parse error is reported at the template's own line
// inside the manifest (block scalars counted from their first line), with Go's message.
import { Scalar } from "yaml";
import { parseOnly, TemplateError } from "../template/index.ts";
import { lineOf, where, type Finding, type Located } from "./render-manifests.ts";

type Obj = Record<string, unknown>;
const get = (o: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((acc, k) => (acc && typeof acc === "object" ? (acc as Obj)[k as string] : undefined), o);

/** Template parse errors, placed at the template's own line inside the manifest. */
export function checkTemplate(m: Located, path: (string | number)[], name: string, findings: Finding[]): void {
  const text = get(m.obj, ...path);
  if (typeof text !== "string") return;
  try {
    parseOnly(name, text);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const node = m.doc.getIn(path, true) as Scalar | undefined;
    const block = node?.type === Scalar.BLOCK_LITERAL || node?.type === Scalar.BLOCK_FOLDED;
    const base = node?.range ? m.lines.linePos(node.range[0]).line : lineOf(m, path);
    findings.push({ file: m.file, line: base + (block ? err.line : err.line - 1), severity: "error", message: `${where(m)}: ${path.join(".")}: template ${JSON.stringify(name)} line ${err.line}: ${err.message.replace(/^template: [^:]*:\d+: /, "")}` });
  }
}

