// Patterns in manifests that the operator compiles with Go's regexp (find.name.regexp, rewrite sources,
// namespaceRegexes): `validate` reports one Go rejects at its line, with Go's message, instead of leaving
// it to a Ready=False condition after the apply.
import { GoRegexp, GoRegexpError } from "../regexp/index.ts";
import { externalSecretSpecPath, lineOf, where, type Finding, type Located } from "./render-manifests.ts";
import { pathText } from "./validate-rules.ts";

type Path = (string | number)[];
type Obj = Record<string, unknown> | undefined;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const field = (o: unknown, key: string): Obj => (o && typeof o === "object" ? ((o as Record<string, unknown>)[key] as Obj) : undefined);

/** Every tenant-written pattern of the object, by path. */
function patterns(m: Located): [Path, unknown][] {
  const spec = field(m.obj, "spec");
  const out: [Path, unknown][] = [];
  const root = externalSecretSpecPath(m.obj.kind);
  if (root) {
    const esSpec = root.length === 1 ? spec : field(spec, "externalSecretSpec");
    list(esSpec?.["dataFrom"]).forEach((entry, i) => {
      out.push([[...root, "dataFrom", i, "find", "name", "regexp"], field(field(entry, "find"), "name")?.["regexp"]]);
      list(entry?.["rewrite"]).forEach((rule, j) => out.push([[...root, "dataFrom", i, "rewrite", j, "regexp", "source"], field(rule, "regexp")?.["source"]]));
    });
  } else if (m.obj.kind === "SecretStore" || m.obj.kind === "ClusterSecretStore") {
    list(spec?.["conditions"]).forEach((condition, i) =>
      list(condition?.["namespaceRegexes"]).forEach((pattern, j) => out.push([["spec", "conditions", i, "namespaceRegexes", j], pattern])),
    );
  }
  return out;
}

export function checkRegexps(m: Located, findings: Finding[]): void {
  for (const [path, pattern] of patterns(m)) {
    if (typeof pattern !== "string") continue; // absent, or a wrong type the schema check reports
    try {
      GoRegexp.compile(pattern);
    } catch (err) {
      if (!(err instanceof GoRegexpError)) throw err;
      findings.push({ file: m.file, line: lineOf(m, path), severity: "error", message: `${where(m)}: ${pathText(path)}: ${err.message}` });
    }
  }
}
