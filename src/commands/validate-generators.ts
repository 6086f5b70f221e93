// `validate` for generators: a generator manifest whose spec the schema accepts but that cannot generate (an
// impossible password policy, an SSH key size we refuse), a ClusterGenerator of a kind not served yet or without
// its kind's spec, and generatorRefs: in data[] (never served), of a kind not served yet, or naming a generator
// that is not in the validated files (a warning: it may be applied from elsewhere).
import { GENERATOR_API_VERSION } from "../api/generators.ts";
import { GENERATORS, servedGenerator, type Generator } from "../generators/index.ts";
import { lineOf, where, type Finding, type Located } from "./render-manifests.ts";

type Obj = Record<string, unknown>;
type Path = (string | number)[];
const get = (o: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((acc, k) => (acc && typeof acc === "object" ? (acc as Obj)[k as string] : undefined), o);

/** Run on a generators.external-secrets.io object that passed the CRD schema. */
export function checkGeneratorObject(m: Located, findings: Finding[], served: ReadonlyArray<Generator<any>> = GENERATORS): void {
  const at = (path: Path, severity: Finding["severity"], message: string): void => {
    findings.push({ file: m.file, line: lineOf(m, path), severity, message: `${where(m)}: ${message}` });
  };
  let kind = m.obj.kind ?? "";
  let path: Path = ["spec"];
  if (kind === "ClusterGenerator") {
    kind = String(get(m.obj, "spec", "kind") ?? "");
    const generator = servedGenerator(kind, served);
    if (!generator) return at(["spec", "kind"], "warning", `spec.kind: ${kind} generators are not supported by secrets-bridge yet; ExternalSecrets using this one will not sync`);
    path = ["spec", "generator", generator.specKey];
    if (get(m.obj, ...path) === undefined) return at(["spec", "generator"], "error", `spec.generator.${generator.specKey} is required for kind ${kind}`);
  }
  const generator = servedGenerator(kind, served);
  const parsed = generator?.spec.safeParse(get(m.obj, ...path) ?? {});
  if (!generator || !parsed?.success) return; // the schema check reported it
  const problem = generator.problem(parsed.data);
  if (problem) at(path, "error", `${path.join(".")}: ${problem}`);
}

export function checkGeneratorRefs(m: Located, root: Path, objects: Located[], findings: Finding[], served: ReadonlyArray<Generator<any>> = GENERATORS): void {
  const ns = m.obj.metadata?.namespace;
  for (const list of ["data", "dataFrom"] as const) {
    ((get(m.obj, ...root, list) as Obj[]) ?? []).forEach((entry, i) => {
      const ref = get(entry, "sourceRef", "generatorRef") as Obj | undefined;
      if (ref === undefined) return;
      const path = [...root, list, i, "sourceRef", "generatorRef"];
      const say = (severity: Finding["severity"], message: string): void => {
        findings.push({ file: m.file, line: lineOf(m, path), severity, message: `${where(m)}: ${[...root, list].join(".")}[${i}].sourceRef.generatorRef: ${message}` });
      };
      if (list === "data") return say("error", "generators are only supported in dataFrom (ESO deprecated them in data)");
      const kind = String(ref.kind ?? "");
      if (ref.apiVersion !== undefined && ref.apiVersion !== GENERATOR_API_VERSION) return say("error", `apiVersion must be ${GENERATOR_API_VERSION}`);
      if (kind !== "ClusterGenerator" && !servedGenerator(kind, served)) return say("warning", `${kind} generators are not supported by secrets-bridge yet; this entry will not sync`);
      const defined = objects.some((o) => o.obj.kind === kind && o.obj.metadata?.name === ref.name && String(o.obj.apiVersion ?? "").startsWith("generators.external-secrets.io/") && (kind === "ClusterGenerator" || o.obj.metadata?.namespace === undefined || ns === undefined || o.obj.metadata.namespace === ns));
      if (!defined) say("warning", `${kind} ${JSON.stringify(ref.name)} is not defined in the validated files`);
    });
  }
}
