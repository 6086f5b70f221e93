// `secrets-bridge render PATH...`: renders the ExternalSecrets found under the paths against their stores
// (and shows what each PushSecret would push where, render-push.ts)
// (fake, SOPS with a local key; a live store only with --allow-live-stores) and prints the Secrets they
// would produce as YAML, masked (masking.ts) unless --show-values. Exit 1 if any ExternalSecret fails.
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import type { KubeClients } from "../kube/clients.ts";
import { makeClients, loadKubeConfigFile } from "../kube/clients.ts";
import { pino } from "pino";
import { makeLogger } from "../log.ts";
import { safeMessage } from "../provider/errors.ts";
import type { Provider } from "../provider/types.ts";
import { MASKED, maskedFailure, maskingFor, type Field } from "./masking.ts";
import { formatFindings, loadManifests, where, type Finding, type Located } from "./render-manifests.ts";
import { DataDependentError, renderManifestOffline, renderOffline, type OfflineContext, type OfflineRender } from "./render-offline.ts";
import type { Manifest } from "../template/index.ts";
import { renderPushOffline } from "./render-push.ts";

export interface RenderOptions {
  name?: string | undefined;
  namespace?: string | undefined;
  showValues?: boolean | undefined;
  kubeconfig?: string | undefined;
  /** NAME=KEY=FILE entries. */
  secret?: string[] | undefined;
  logLevel?: string | undefined;
  /** Open stores that reach the network or ambient credentials (never on manifests from an untrusted pull request). */
  allowLiveStores?: boolean | undefined;
}

/** A Secret manifest; data base64 (applyable) with showValues, else masked as masking.ts decides. */
export function secretManifest(r: OfflineRender, showValues: boolean): Record<string, unknown> {
  const d = r.secret;
  let data: Record<string, string>;
  let labels: Record<string, string> = d.labels;
  let annotations: Record<string, string> = d.annotations;
  if (showValues) {
    data = Object.fromEntries(Object.keys(d.data).sort().map((k) => [k, Buffer.from(d.data[k]!).toString("base64")]));
  } else {
    const m = maskingFor(r.es, r.fetchedKeys);
    data = Object.fromEntries(m.keys("data", Object.keys(d.data)).map(({ key, shown }) => [shown, m.dataValue(key, d.data[key]!)]));
    const metadata = (field: Exclude<Field, "data">, values: Record<string, string>) =>
      Object.fromEntries(m.keys(field, Object.keys(values)).map(({ key, shown }) => [shown, m.metadataValue(field, key, values[key]!)]));
    labels = metadata("labels", d.labels);
    annotations = metadata("annotations", d.annotations);
  }
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: d.name, namespace: d.namespace, ...(Object.keys(labels).length ? { labels } : {}), ...(Object.keys(annotations).length ? { annotations } : {}) },
    ...(d.type ? { type: d.type } : {}),
    ...(d.immutable ? { immutable: true } : {}),
    data,
  };
}

export function parseSecretOverrides(entries: string[] | undefined): Map<string, Record<string, Uint8Array>> {
  const out = new Map<string, Record<string, Uint8Array>>();
  for (const entry of entries ?? []) {
    const m = /^([^=]+)=([^=]+)=(.+)$/.exec(entry);
    if (!m) throw new Error(`--secret expects NAME=KEY=FILE, got ${JSON.stringify(entry)}`);
    const [, name, key, file] = m as unknown as [string, string, string, string];
    out.set(name, { ...(out.get(name) ?? {}), [key]: new Uint8Array(readFileSync(file)) });
  }
  return out;
}

export function offlineContext(objects: Located[], providers: ReadonlyArray<Provider<any>>, opts: RenderOptions): OfflineContext {
  // Only a kubeconfig the user names: never the in-cluster fallback, which in a CI pod is the job's own token.
  const clients: KubeClients | undefined = opts.kubeconfig ? makeClients(loadKubeConfigFile(opts.kubeconfig)) : undefined;
  return {
    objects,
    providers,
    clients,
    secrets: parseSecretOverrides(opts.secret),
    namespace: opts.namespace ?? "default",
    log: makeLogger({ level: opts.logLevel ?? "warn", destination: pino.destination(2) }),
    allowLiveStores: opts.allowLiveStores ?? false,
  };
}

/** An ExternalSecret's failure as printed: in full with --show-values, else masked (masking.ts). */
export const failureMessage = (err: unknown, showValues: boolean): string => (showValues ? safeMessage(err instanceof DataDependentError ? err.original : err) : maskedFailure(err));

export function selectPushSecrets(objects: Located[], name: string | undefined): Located[] {
  return objects.filter((m) => m.obj.kind === "PushSecret" && String(m.obj.apiVersion ?? "").startsWith("external-secrets.io/") && (!name || m.obj.metadata?.name === name));
}

export function selectExternalSecrets(objects: Located[], name: string | undefined): Located[] {
  return objects.filter((m) => m.obj.kind === "ExternalSecret" && String(m.obj.apiVersion ?? "").startsWith("external-secrets.io/") && (!name || m.obj.metadata?.name === name));
}

/**
 * A rendered target.manifest object. Masked, only its shape's top is shown: any value or key under spec and
 * data may be computed from data (ESO's paths and KeysAndValues), so they print as one masked field each.
 */
export function renderedManifest(manifest: Manifest, showValues: boolean): Record<string, unknown> {
  if (showValues) return manifest;
  const { metadata, ...rest } = manifest;
  const masked = Object.fromEntries(Object.keys(rest).map((key) => [key, ["apiVersion", "kind"].includes(key) ? rest[key] : MASKED]));
  return { ...masked, metadata: { name: metadata.name, namespace: metadata.namespace, labels: MASKED, annotations: MASKED } };
}

export async function renderCommand(paths: string[], providers: ReadonlyArray<Provider<any>>, opts: RenderOptions, print: (s: string) => void, printErr: (s: string) => void): Promise<number> {
  const { objects, findings } = loadManifests(paths);
  const selected = selectExternalSecrets(objects, opts.name);
  const pushes = selectPushSecrets(objects, opts.name);
  if (selected.length === 0 && pushes.length === 0) {
    printErr(opts.name ? `no ExternalSecret or PushSecret named ${opts.name} under ${paths.join(", ")}` : `no ExternalSecret or PushSecret under ${paths.join(", ")}`);
    return 1;
  }
  const ctx = offlineContext(objects, providers, opts);
  const failures: Finding[] = [...findings];
  const docs: string[] = [];
  for (const m of selected) {
    try {
      const shown = (m.obj.spec as { target?: { manifest?: unknown } } | undefined)?.target?.manifest
        ? renderedManifest((await renderManifestOffline(m.obj, ctx)).manifest, opts.showValues ?? false)
        : secretManifest(await renderOffline(m.obj, ctx), opts.showValues ?? false);
      docs.push(`# ${where(m)} (${m.file}:${m.line})\n${stringify(shown)}`);
    } catch (err) {
      failures.push({ file: m.file, line: m.line, severity: "error", message: `${where(m)}: ${failureMessage(err, opts.showValues ?? false)}` });
    }
  }
  for (const m of pushes) {
    try {
      docs.push(`# ${where(m)}: what it would push (${m.file}:${m.line})\n${stringify({ pushes: await renderPushOffline(m.obj, ctx, opts.showValues ?? false) })}`);
    } catch (err) {
      failures.push({ file: m.file, line: m.line, severity: "error", message: `${where(m)}: ${failureMessage(err, opts.showValues ?? false)}` });
    }
  }
  if (docs.length > 0) print(docs.join("---\n").replace(/\n$/, ""));
  if (failures.length > 0) printErr(formatFindings(failures));
  return failures.some((f) => f.severity === "error") ? 1 : 0;
}
