// `validate` for PushSecret and ClusterPushSecret manifests: what the schema cannot say and the controller would
// only report after the apply: patterns Go rejects (dataTo match and rewrite), templates that do not parse, dataTo
// store references that name no listed store, stores not defined in the validated files, and generatorRef (served
// kind, defined in the files).
import { ConfigError } from "../provider/errors.ts";
import { GoRegexp, GoRegexpError } from "../regexp/index.ts";
import type { PushSecretSpec } from "../api/push-secret.ts";
import { validateDataToRefs } from "../reconcilers/push-secret/plan.ts";
import { GENERATOR_API_VERSION, GENERATOR_GROUP } from "../api/generators.ts";
import { servedGenerator } from "../generators/index.ts";
import { lineOf, where, type Finding, type Located } from "./render-manifests.ts";
import { pathText } from "./validate-rules.ts";
import { checkTemplate } from "./validate-template.ts";

type Obj = Record<string, unknown>;
type Path = (string | number)[];

const get = (o: unknown, ...path: Path): unknown => path.reduce<unknown>((acc, k) => (acc && typeof acc === "object" ? (acc as Obj)[k as string] : undefined), o);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** Where the PushSecret spec sits: a PushSecret's spec, or the one a ClusterPushSecret stamps out. */
export function pushSecretSpecPath(kind: string | undefined): Path | undefined {
  return kind === "PushSecret" ? ["spec"] : kind === "ClusterPushSecret" ? ["spec", "pushSecretSpec"] : undefined;
}

export interface PushCheckOptions {
  allowMissingStores?: boolean | undefined;
}

export function checkPushSecret(m: Located, root: Path, objects: Located[], opts: PushCheckOptions, findings: Finding[]): void {
  const report = (path: Path, message: string, severity: Finding["severity"] = "error") => findings.push({ file: m.file, line: lineOf(m, path), severity, message: `${where(m)}: ${message}` });
  const spec = get(m.obj, ...root);
  list(get(spec, "dataTo")).forEach((entry, i) => {
    const patterns: Array<[Path, unknown]> = [[[...root, "dataTo", i, "match", "regexp"], get(entry, "match", "regexp")]];
    list(get(entry, "rewrite")).forEach((rule, j) => {
      patterns.push([[...root, "dataTo", i, "rewrite", j, "regexp", "source"], get(rule, "regexp", "source")]);
      checkTemplate(m, [...root, "dataTo", i, "rewrite", j, "transform", "template"], "transform", findings);
    });
    for (const [path, pattern] of patterns) {
      if (typeof pattern !== "string") continue;
      try {
        GoRegexp.compile(pattern);
      } catch (err) {
        if (!(err instanceof GoRegexpError)) throw err;
        report(path, `${pathText(path)}: ${err.message}`);
      }
    }
  });
  const tpl = [...root, "template"];
  for (const key of Object.keys((get(m.obj, ...tpl, "data") as Obj) ?? {})) checkTemplate(m, [...tpl, "data", key], key, findings);
  for (const part of ["labels", "annotations"]) for (const key of Object.keys((get(m.obj, ...tpl, "metadata", part) as Obj) ?? {})) checkTemplate(m, [...tpl, "metadata", part, key], key, findings);
  list(get(m.obj, ...tpl, "templateFrom")).forEach((_f, i) => checkTemplate(m, [...tpl, "templateFrom", i, "literal"], `templateFrom[${i}].literal`, findings));

  try {
    if (Array.isArray(get(spec, "secretStoreRefs"))) validateDataToRefs(spec as PushSecretSpec);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    report([...root, "dataTo"], `${pathText([...root])}.${err.message}`);
  }
  const ns = m.obj.metadata?.namespace;
  list(get(spec, "secretStoreRefs")).forEach((ref, i) => {
    const name = get(ref, "name");
    if (typeof name !== "string") return;
    const kind = (get(ref, "kind") as string | undefined) ?? "SecretStore";
    const defined = objects.some((o) => o.obj.kind === kind && o.obj.metadata?.name === name && (kind !== "SecretStore" || m.obj.kind === "ClusterPushSecret" || o.obj.metadata?.namespace === undefined || ns === undefined || o.obj.metadata.namespace === ns));
    if (!defined) report([...root, "secretStoreRefs", i, "name"], `${pathText([...root, "secretStoreRefs", i, "name"])}: ${kind} ${JSON.stringify(name)} is not defined in the validated files`, opts.allowMissingStores ? "warning" : "error");
  });
  const generator = get(spec, "selector", "generatorRef") as Obj | undefined;
  if (generator !== undefined) {
    const path = [...root, "selector", "generatorRef"];
    const kind = String(generator.kind ?? "");
    if (generator.apiVersion !== undefined && generator.apiVersion !== GENERATOR_API_VERSION) report(path, `${pathText(path)}: apiVersion must be ${GENERATOR_API_VERSION}`);
    else if (kind !== "ClusterGenerator" && !servedGenerator(kind)) report(path, `${pathText(path)}: ${kind} generators are not supported by secrets-bridge yet; this PushSecret will not sync`, "warning");
    else if (!objects.some((o) => o.obj.kind === kind && o.obj.metadata?.name === generator.name && String(o.obj.apiVersion ?? "").startsWith(`${GENERATOR_GROUP}/`))) report(path, `${pathText(path)}: ${kind} ${JSON.stringify(generator.name)} is not defined in the validated files`, "warning");
  }
}
