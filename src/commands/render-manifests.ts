// Loads Kubernetes manifests from files and directories for the offline commands (render, validate, diff),
// keeping each object's file and the YAML positions so findings point at file:line.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { LineCounter, parseAllDocuments, visit, type Document } from "yaml";

export interface Located {
  file: string;
  /** Line of the document's first node (1-based). */
  line: number;
  obj: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };
  doc: Document;
  lines: LineCounter;
}

export interface Finding {
  file: string;
  line: number;
  severity: "error" | "warning";
  message: string;
}

const SKIP_DIRS = new Set(["node_modules", ".git"]);

function yamlFiles(path: string): string[] {
  const st = statSync(path);
  if (st.isFile()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || SKIP_DIRS.has(entry.name)) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** The line of the node at `path` inside a document (the closest existing ancestor when absent). */
export function lineOf(m: Located, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = m.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    const pair = n > 0 ? findKeyNode(m, path.slice(0, n)) : undefined;
    const range = pair?.range ?? node?.range;
    if (range) return m.lines.linePos(range[0]).line;
  }
  return m.line;
}

/** The key node of a mapping entry, so a finding points at `field:` rather than at its value. */
function findKeyNode(m: Located, path: (string | number)[]): { range?: [number, number, number] } | undefined {
  const parent = m.doc.getIn(path.slice(0, -1), true) as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | undefined;
  const last = path[path.length - 1];
  if (typeof last !== "string" || !parent?.items) return undefined;
  return parent.items.find((item) => item.key?.value === last)?.key;
}

/** Where a document that fails to build goes wrong: its first alias that resolves to nothing, else its start. */
function unbuildableLine(doc: Document, lines: LineCounter): number {
  let at: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined || !node.range) return undefined;
      at = node.range[0];
      return visit.BREAK;
    },
  });
  return lines.linePos(at ?? (doc.contents as { range?: [number, number, number] } | null)?.range?.[0] ?? 0).line;
}

export function loadManifests(paths: string[], cwd = process.cwd()): { objects: Located[]; findings: Finding[]; files: number } {
  const objects: Located[] = [];
  const findings: Finding[] = [];
  const files = paths.flatMap((p) => yamlFiles(p));
  for (const path of files) {
    const file = relative(cwd, path) || path;
    const lines = new LineCounter();
    const docs = parseAllDocuments(readFileSync(path, "utf8"), { lineCounter: lines });
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      if (doc.errors.length > 0) {
        for (const err of doc.errors) findings.push({ file, line: err.linePos?.[0]?.line ?? 1, severity: "error", message: `YAML: ${err.message.split("\n")[0]}` });
        continue;
      }
      let obj: Located["obj"] | null;
      try {
        obj = doc.toJS() as Located["obj"] | null;
      } catch (err) {
        // A document that parses but cannot be built (an alias without its anchor, too many aliases) is reported
        // at its offending alias (else its first line), and the rest of the file is still checked.
        findings.push({ file, line: unbuildableLine(doc, lines), severity: "error", message: `YAML: ${(err as Error).message.split("\n")[0]}` });
        continue;
      }
      if (!obj || typeof obj !== "object" || Array.isArray(obj) || !obj.kind) continue;
      const start = (doc.contents as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
      objects.push({ file, line: lines.linePos(start).line, obj, doc, lines });
    }
  }
  return { objects, findings, files: files.length };
}

export const where = (m: Located) => `${m.obj.kind}/${m.obj.metadata?.namespace ? `${m.obj.metadata.namespace}/` : ""}${m.obj.metadata?.name ?? "?"}`;

export function formatFindings(findings: Finding[]): string {
  return [...findings]
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
    .map((f) => `${f.file}:${f.line}: ${f.severity}: ${f.message}`)
    .join("\n");
}

/** Where an ExternalSecret spec sits in an object: an ExternalSecret's spec, or the one a ClusterExternalSecret stamps out. */
export function externalSecretSpecPath(kind: string | undefined): Array<string | number> | undefined {
  return kind === "ExternalSecret" ? ["spec"] : kind === "ClusterExternalSecret" ? ["spec", "externalSecretSpec"] : undefined;
}
