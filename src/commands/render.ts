// `secrets-bridge render PATH...`: renders the ExternalSecrets found under the paths against their stores
// (fake, SOPS with a local key, or a live store with the user's credentials) and prints the Secrets they
// would produce as YAML, values masked unless --show-values. Exit 1 if any ExternalSecret fails.
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { ANNOTATION_DATA_HASH } from "../api/markers.ts";
import type { KubeClients } from "../kube/clients.ts";
import { makeClients, loadKubeConfig } from "../kube/clients.ts";
import { pino } from "pino";
import { makeLogger } from "../log.ts";
import { safeMessage } from "../provider/errors.ts";
import type { Provider } from "../provider/types.ts";
import type { DesiredSecret } from "../reconcilers/external-secret/desired-secret.ts";
import { formatFindings, loadManifests, where, type Finding, type Located } from "./render-manifests.ts";
import { renderOffline, type OfflineContext } from "./render-offline.ts";

export interface RenderOptions {
  name?: string | undefined;
  namespace?: string | undefined;
  showValues?: boolean | undefined;
  kubeconfig?: string | undefined;
  /** NAME=KEY=FILE entries. */
  secret?: string[] | undefined;
  logLevel?: string | undefined;
}

export const masked = (value: Uint8Array): string => `<masked, ${value.length} bytes>`;

/** A Secret manifest; data base64 (applyable) with showValues, else a masked placeholder per key. */
export function secretManifest(d: DesiredSecret, showValues: boolean): Record<string, unknown> {
  // The data hash is derived from the values: masked output masks it too.
  const annotations = showValues ? d.annotations : Object.fromEntries(Object.entries(d.annotations).map(([k, v]) => [k, k === ANNOTATION_DATA_HASH ? "<masked>" : v]));
  const data = Object.fromEntries(Object.keys(d.data).sort().map((k) => [k, showValues ? Buffer.from(d.data[k]!).toString("base64") : masked(d.data[k]!)]));
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: d.name, namespace: d.namespace, ...(Object.keys(d.labels).length ? { labels: d.labels } : {}), ...(Object.keys(annotations).length ? { annotations } : {}) },
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
  const clients: KubeClients | undefined = opts.kubeconfig ? makeClients(loadKubeConfig(opts.kubeconfig)) : undefined;
  return { objects, providers, clients, secrets: parseSecretOverrides(opts.secret), namespace: opts.namespace ?? "default", log: makeLogger({ level: opts.logLevel ?? "warn", destination: pino.destination(2) }) };
}

export function selectExternalSecrets(objects: Located[], name: string | undefined): Located[] {
  return objects.filter((m) => m.obj.kind === "ExternalSecret" && String(m.obj.apiVersion ?? "").startsWith("external-secrets.io/") && (!name || m.obj.metadata?.name === name));
}

export async function renderCommand(paths: string[], providers: ReadonlyArray<Provider<any>>, opts: RenderOptions, print: (s: string) => void, printErr: (s: string) => void): Promise<number> {
  const { objects, findings } = loadManifests(paths);
  const selected = selectExternalSecrets(objects, opts.name);
  if (selected.length === 0) {
    printErr(opts.name ? `no ExternalSecret named ${opts.name} under ${paths.join(", ")}` : `no ExternalSecret under ${paths.join(", ")}`);
    return 1;
  }
  const ctx = offlineContext(objects, providers, opts);
  const failures: Finding[] = [...findings];
  const docs: string[] = [];
  for (const m of selected) {
    try {
      const secret = await renderOffline(m.obj, ctx);
      docs.push(`# ${where(m)} (${m.file}:${m.line})\n${stringify(secretManifest(secret, opts.showValues ?? false))}`);
    } catch (err) {
      failures.push({ file: m.file, line: m.line, severity: "error", message: `${where(m)}: ${safeMessage(err)}` });
    }
  }
  if (docs.length > 0) print(docs.join("---\n").replace(/\n$/, ""));
  if (failures.length > 0) printErr(formatFindings(failures));
  return failures.some((f) => f.severity === "error") ? 1 : 0;
}
