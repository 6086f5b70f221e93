// `secrets-bridge validate PATH...`: checks every ExternalSecret, PushSecret and store manifest under the paths, offline,
// as a CI step: the CRD schema and its CEL rules, unknown fields, template parse (with the template's line),
// regexps Go rejects, generators (validate-generators.ts), sync window schedules robfig rejects (a warning), JSON merges without `into`, and
// references between files (stores, templateFrom ConfigMaps/Secrets). Exit 1 on any error.
import type { z } from "zod";
import { generateCrdsFor } from "../crdgen/index.ts";
import { GROUP, VERSION } from "../api/common.ts";
import { RECEIVER_API_VERSION, RECEIVER_GROUP } from "../api/refresh-receiver.ts";
import type { ExternalSecretSpec, Template } from "../api/external-secret.ts";
import { manifestKind, ManifestKindError } from "../api/manifest-target.ts";
import { parseTargetPath } from "../template/target-path.ts";
import { parseOnly, secretTemplateProblems, TemplateError } from "../template/index.ts";
import { externalSecretSpecPath, formatFindings, lineOf, loadManifests, where, type Finding, type Located } from "./render-manifests.ts";
import { checkRegexps } from "./validate-regexps.ts";
import { checkWindowsAndMerges } from "./validate-windows-merge.ts";
import { crdSchemas, validateAgainst } from "./validate-rules.ts";
import { checkGeneratorObject, checkGeneratorRefs } from "./validate-generators.ts";
import type { Generator } from "../generators/index.ts";
import { GENERATOR_API_VERSION, GENERATOR_GROUP } from "../api/generators.ts";
import { PUSH_API_VERSION } from "../api/push-secret.ts";
import { checkPushSecret, pushSecretSpecPath } from "./validate-push.ts";
import { checkTemplate } from "./validate-template.ts";

export interface ValidateOptions {
  /** Missing store references are warnings instead of errors (stores managed in another repository). */
  allowMissingStores?: boolean;
  /** The generator kinds served (the offline ones plus the providers', generators/registry.ts); default: the offline ones. */
  generators?: ReadonlyArray<Generator<any>>;
}

type Obj = Record<string, unknown>;
type Path = (string | number)[];

const get = (o: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((acc, k) => (acc && typeof acc === "object" ? (acc as Obj)[k as string] : undefined), o);

function checkTemplates(m: Located, root: Path, findings: Finding[]): void {
  const tpl = get(m.obj, ...root, "target", "template") as Obj | undefined;
  const base = [...root, "target", "template"];
  for (const key of Object.keys((tpl?.data as Obj) ?? {})) checkTemplate(m, [...base, "data", key], key, findings);
  for (const part of ["labels", "annotations"]) for (const key of Object.keys((get(tpl, "metadata", part) as Obj) ?? {})) checkTemplate(m, [...base, "metadata", part, key], key, findings);
  // The CRD's CEL rules say some of these in the same words: each is reported once.
  const said = new Set(findings.filter((f) => f.file === m.file && f.message.startsWith(`${where(m)}: `)).map((f) => f.message.slice(f.message.lastIndexOf(": ") + 2)));
  // ESO's Secret rules do not apply when the ExternalSecret renders another kind (target.manifest).
  const secretRules = get(m.obj, ...root, "target", "manifest") === undefined ? secretTemplateProblems(tpl as Template | undefined) : [];
  for (const p of secretRules) if (!said.has(p.message)) findings.push({ file: m.file, line: lineOf(m, [...base, ...p.path]), severity: "error", message: `${where(m)}: ${[...base, ...p.path].join(".")}: ${p.message}` });
  ((tpl?.templateFrom as Obj[]) ?? []).forEach((_f, i) => checkTemplate(m, [...base, "templateFrom", i, "literal"], `templateFrom[${i}].literal`, findings));
  ((get(m.obj, ...root, "dataFrom") as Obj[]) ?? []).forEach((entry, i) =>
    ((entry?.rewrite as Obj[]) ?? []).forEach((_r, j) => checkTemplate(m, [...root, "dataFrom", i, "rewrite", j, "transform", "template"], "transform", findings)),
  );
}

function checkReferences(m: Located, root: Path, objects: Located[], opts: ValidateOptions, findings: Finding[]): void {
  const ns = m.obj.metadata?.namespace;
  const sameNs = (o: Located) => o.obj.metadata?.namespace === undefined || ns === undefined || o.obj.metadata.namespace === ns;
  const find = (kind: string, name: string, namespaced: boolean) => objects.find((o) => o.obj.kind === kind && o.obj.metadata?.name === name && (!namespaced || sameNs(o)));
  const storeRef = (ref: unknown, path: (string | number)[]) => {
    const name = get(ref, "name");
    if (typeof name !== "string") return;
    const kind = (get(ref, "kind") as string | undefined) ?? "SecretStore";
    if (find(kind, name, kind === "SecretStore")) return;
    findings.push({ file: m.file, line: lineOf(m, path), severity: opts.allowMissingStores ? "warning" : "error", message: `${where(m)}: ${path.join(".")}: ${kind} ${JSON.stringify(name)} is not defined in the validated files` });
  };
  storeRef(get(m.obj, ...root, "secretStoreRef"), [...root, "secretStoreRef", "name"]);
  ((get(m.obj, ...root, "data") as Obj[]) ?? []).forEach((d, i) => storeRef(get(d, "sourceRef", "storeRef"), [...root, "data", i, "sourceRef", "storeRef", "name"]));
  ((get(m.obj, ...root, "dataFrom") as Obj[]) ?? []).forEach((d, i) => storeRef(get(d, "sourceRef", "storeRef"), [...root, "dataFrom", i, "sourceRef", "storeRef", "name"]));
  ((get(m.obj, ...root, "target", "template", "templateFrom") as Obj[]) ?? []).forEach((f, i) => {
    for (const kind of ["configMap", "secret"] as const) {
      const name = get(f, kind, "name");
      if (typeof name !== "string") continue;
      const obj = find(kind === "configMap" ? "ConfigMap" : "Secret", name, true);
      const path = [...root, "target", "template", "templateFrom", i, kind, "name"];
      if (!obj) {
        // Template ConfigMaps usually live in Git; Secrets usually do not.
        findings.push({ file: m.file, line: lineOf(m, path), severity: kind === "configMap" ? "error" : "warning", message: `${where(m)}: ${path.join(".")}: ${kind === "configMap" ? "ConfigMap" : "Secret"} ${JSON.stringify(name)} is not defined in the validated files` });
        continue;
      }
      const have = { ...((obj.obj.data as Obj) ?? {}), ...((obj.obj.stringData as Obj) ?? {}), ...((obj.obj.binaryData as Obj) ?? {}) };
      ((get(f, kind, "items") as Obj[]) ?? []).forEach((item, j) => {
        const key = get(item, "key");
        if (typeof key === "string" && !(key in have)) findings.push({ file: m.file, line: lineOf(m, [...path.slice(0, -1), "items", j, "key"]), severity: "error", message: `${where(m)}: ${kind} ${JSON.stringify(name)} has no key ${JSON.stringify(key)}` });
        if (kind === "configMap" && typeof key === "string" && typeof have[key] === "string") {
          try {
            parseOnly(key, have[key]);
          } catch (err) {
            if (err instanceof TemplateError) findings.push({ file: obj.file, line: lineOf(obj, ["data", key]), severity: "error", message: `${where(obj)}: data.${key}: template ${JSON.stringify(key)} line ${err.line}: ${err.message.replace(/^template: [^:]*:\d+: /, "")}` });
          }
        }
      });
    }
  });
}

/** target.manifest: a kind the operator may render, templateFrom target paths that parse, and what the operator needs. */
function checkManifest(m: Located, root: Path, findings: Finding[]): void {
  const manifest = get(m.obj, ...root, "target", "manifest");
  if (manifest === undefined) return;
  const at = (path: Path) => lineOf(m, [...root, "target", ...path]);
  try {
    manifestKind({ spec: get(m.obj, ...root) as ExternalSecretSpec });
    findings.push({ file: m.file, line: at(["manifest"]), severity: "warning", message: `${where(m)}: ${root.join(".")}.target.manifest: renders a ${String(get(manifest, "kind"))}, not a Secret: the operator needs --unsafe-allow-generic-targets and RBAC for that kind (chart: genericTargets); its content is not encrypted at rest` });
  } catch (err) {
    if (!(err instanceof ManifestKindError)) throw err;
    findings.push({ file: m.file, line: at(["manifest"]), severity: "error", message: `${where(m)}: ${root.join(".")}.${err.message}` });
  }
  ((get(m.obj, ...root, "target", "template", "templateFrom") as Obj[]) ?? []).forEach((from, i) => {
    const target = get(from, "target");
    if (typeof target !== "string" || target === "" || ["annotations", "labels", "data", "spec"].includes(target.toLowerCase())) return;
    try {
      parseTargetPath(target);
    } catch (err) {
      findings.push({ file: m.file, line: at(["template", "templateFrom", i, "target"]), severity: "error", message: `${where(m)}: ${root.join(".")}.target.template.templateFrom[${i}].target: ${err instanceof Error ? err.message : String(err)}` });
    }
  });
}

export function validateFindings(paths: string[], providerSchemas: Record<string, z.ZodType>, opts: ValidateOptions = {}): { findings: Finding[]; files: number; objects: number } {
  const { objects, findings, files } = loadManifests(paths);
  const schemas = crdSchemas(generateCrdsFor(providerSchemas));
  const ours = objects.filter((m) => [`${GROUP}/`, `${RECEIVER_GROUP}/`, `${GENERATOR_GROUP}/`].some((group) => String(m.obj.apiVersion ?? "").startsWith(group)));
  const seen = new Map<string, Located>();
  for (const m of ours) {
    // RefreshReceiver is ours (issue 20) and lives in our own group; generators are ESO's generators group; every
    // other kind is ESO's external-secrets.io.
    const generator = String(m.obj.apiVersion).startsWith(`${GENERATOR_GROUP}/`);
    const pushKind = pushSecretSpecPath(m.obj.kind);
    const served = m.obj.kind === "RefreshReceiver" ? RECEIVER_API_VERSION : generator ? GENERATOR_API_VERSION : pushKind ? PUSH_API_VERSION : `${GROUP}/${VERSION}`;
    if (m.obj.apiVersion !== served) {
      findings.push({ file: m.file, line: lineOf(m, ["apiVersion"]), severity: "error", message: `${where(m)}: apiVersion ${m.obj.apiVersion} is not served; use ${served}` });
      continue;
    }
    // Kind names are unique across both groups, so one map serves both.
    const schema = schemas.get(m.obj.kind!);
    if (!schema) {
      findings.push({ file: m.file, line: lineOf(m, ["kind"]), severity: "warning", message: `${where(m)}: kind ${m.obj.kind} is not supported by secrets-bridge` });
      continue;
    }
    const id = `${m.obj.kind}/${m.obj.metadata?.namespace ?? ""}/${m.obj.metadata?.name}`;
    const dup = seen.get(id);
    if (dup) findings.push({ file: m.file, line: m.line, severity: "error", message: `${where(m)}: defined twice (also at ${dup.file}:${dup.line})` });
    seen.set(id, m);
    if (!m.obj.metadata?.name) findings.push({ file: m.file, line: lineOf(m, ["metadata"]), severity: "error", message: `${where(m)}: metadata.name: required value` });
    // Generators have no status field: an absent one must not be reported as unknown.
    const body: Obj = generator ? { ...m.obj, metadata: undefined } : { ...m.obj, metadata: undefined, status: undefined };
    if (generator) delete body.status;
    for (const issue of validateAgainst(schema, body)) {
      findings.push({ file: m.file, line: lineOf(m, issue.path), severity: "error", message: `${where(m)}: ${issue.message}` });
    }
    if (generator) {
      checkGeneratorObject(m, findings, opts.generators);
      continue;
    }
    if (pushKind) {
      checkPushSecret(m, pushKind, objects, opts, findings);
      continue;
    }
    checkRegexps(m, findings);
    const root = externalSecretSpecPath(m.obj.kind);
    if (root) {
      checkTemplates(m, root, findings);
      checkReferences(m, root, objects, opts, findings);
      checkGeneratorRefs(m, root, objects, findings, opts.generators);
      checkManifest(m, root, findings);
      checkWindowsAndMerges(m, root, findings);
    }
  }
  return { findings, files, objects: ours.length };
}

export function validateCommand(paths: string[], providerSchemas: Record<string, z.ZodType>, opts: ValidateOptions, print: (s: string) => void): number {
  const { findings, files, objects } = validateFindings(paths, providerSchemas, opts);
  if (findings.length > 0) print(formatFindings(findings));
  const errors = findings.filter((f) => f.severity === "error").length;
  print(`${files} files, ${objects} external-secrets.io objects: ${errors} errors, ${findings.length - errors} warnings`);
  return errors > 0 ? 1 : 0;
}
