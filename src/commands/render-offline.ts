// Renders an ExternalSecret outside the cluster, exactly as the reconciler would: stores and templateFrom
// sources come from the manifests (and, with a kubeconfig, from the cluster as the user), Secrets a store
// references can be supplied from local files (--secret NAME=KEY=FILE, e.g. a SOPS age key), and the
// provider session is the real adapter. The manifests may come from an untrusted pull request, so only
// offline stores (fake, SOPS from a ConfigMap or Secret) are opened unless allowLiveStores (generators run
// here too: the ones served are all offline): a live store named
// in a PR would otherwise receive the CI job's credentials (issue 14).
import type { Logger } from "pino";
import { ExternalSecret } from "../api/external-secret.ts";
import type { StoreRef } from "../api/common.ts";
import { resolvedTarget } from "../api/defaults.ts";
import type { KubeAccess } from "../kube/access.ts";
import { kubeAccess } from "../kube/access.ts";
import type { KubeClients } from "../kube/clients.ts";
import { ConfigError } from "../provider/errors.ts";
import { ProviderRegistry } from "../provider/registry.ts";
import type { StoreIdentity } from "../provider/store-identity.ts";
import type { Provider, SecretsClient } from "../provider/types.ts";
import { desiredSecret, type DesiredSecret } from "../reconcilers/external-secret/desired-secret.ts";
import { fetchData } from "../reconcilers/external-secret/fetch.ts";
import { apiTemplateSources, loadTemplateSources, renderManifestTemplate, renderTemplate, type Manifest, type TemplateSources } from "../template/index.ts";
import { manifestKind } from "../api/manifest-target.ts";
import { LABEL_MANAGED } from "../api/markers.ts";
import { manifestBase } from "../reconcilers/external-secret/manifest-target/desired.ts";
import type { Located } from "./render-manifests.ts";
import { GENERATOR_GROUP, type GeneratorObject } from "../api/generators.ts";
import { generateFromRef, servedGenerators, type ReadGenerator } from "../generators/index.ts";
import { kubeGeneratorReader } from "../kube/generators.ts";

export interface OfflineContext {
  objects: Located[];
  providers: ReadonlyArray<Provider<any>>;
  /** Set for live mode: objects missing from the manifests are read from the cluster. */
  clients?: KubeClients | undefined;
  /** --secret overrides: Secret name -> key -> bytes. */
  secrets: Map<string, Record<string, Uint8Array>>;
  /** Namespace for objects without one. */
  namespace: string;
  log: Logger;
  /** --allow-live-stores: open stores that reach the network or ambient credentials, and mint ServiceAccount tokens. */
  allowLiveStores: boolean;
}

/** What renderOffline produced: the Secret (data included: the caller masks it) and the names the stores gave. */
export interface OfflineRender {
  es: ExternalSecret;
  secret: DesiredSecret;
  /** Keys as fetched, before templates: names the store chose, not values a template computed. */
  fetchedKeys: string[];
}

/** A failure while templating fetched data: its message may carry what a template computed from the data. */
export class DataDependentError extends Error {
  readonly original: unknown;
  readonly es: ExternalSecret;
  constructor(original: unknown, es: ExternalSecret) {
    super(original instanceof Error ? original.message : String(original));
    this.original = original;
    this.es = es;
  }
}

export const LIVE_STORES_FLAG = "--allow-live-stores";

type Obj = Located["obj"];
const nsOf = (o: Obj, fallback: string) => o.metadata?.namespace ?? fallback;

export function manifest(ctx: OfflineContext, kind: string, name: string, namespace: string | undefined): Obj | undefined {
  return ctx.objects.find((m) => m.obj.kind === kind && m.obj.metadata?.name === name && (namespace === undefined || nsOf(m.obj, ctx.namespace) === namespace))?.obj;
}

export function secretData(o: Obj): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries((o.data as Record<string, string>) ?? {})) out[k] = new Uint8Array(Buffer.from(v, "base64"));
  for (const [k, v] of Object.entries((o.stringData as Record<string, string>) ?? {})) out[k] = new Uint8Array(Buffer.from(v, "utf8"));
  return out;
}

/** KubeAccess over --secret overrides and manifests, then (live) the cluster with the user's credentials. */
function offlineKube(ctx: OfflineContext, store: StoreIdentity): KubeAccess {
  const live = ctx.clients ? kubeAccess(ctx.clients, store) : undefined;
  const resolveNamespace = (ns: string | undefined) => (store.kind === "SecretStore" ? store.namespace! : (ns ?? store.referentNamespace ?? ctx.namespace));
  const needCluster = (what: string): never => {
    throw new ConfigError(`${what} is not in the manifests; pass --secret or --kubeconfig`);
  };
  const readSecret = async (name: string, ns?: string) => {
    const override = ctx.secrets.get(name);
    if (override) return override;
    const m = manifest(ctx, "Secret", name, resolveNamespace(ns));
    if (m) return secretData(m);
    return live ? live.readSecret(name, ns) : needCluster(`secret ${name}`);
  };
  return {
    resolveNamespace,
    readSecret,
    async readConfigMap(name, ns) {
      const m = manifest(ctx, "ConfigMap", name, resolveNamespace(ns));
      if (m) return Object.fromEntries(Object.entries((m.data as Record<string, string>) ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v))]));
      return live?.readConfigMap ? live.readConfigMap(name, ns) : needCluster(`configmap ${name}`);
    },
    async readSecretKey(ref) {
      const data = await readSecret(ref.name, ref.namespace);
      const value = ref.key ? data[ref.key] : undefined;
      if (value === undefined) throw new ConfigError(`key ${ref.key} not found in secret ${ref.name}`);
      return value;
    },
    serviceAccountToken: (ref, exp) => {
      // Only live stores use tokens; refusing here too keeps a TokenRequest out of reach of a PR's manifests.
      if (!ctx.allowLiveStores) throw new ConfigError(`a token for service account ${ref.name} is only minted with ${LIVE_STORES_FLAG}`);
      return live ? live.serviceAccountToken(ref, exp) : needCluster(`a token for service account ${ref.name}`);
    },
    serviceAccountAnnotations: (ref) => (live ? live.serviceAccountAnnotations(ref) : needCluster(`service account ${ref.name}`)),
  };
}

export function templateSources(ctx: OfflineContext, namespace: string): TemplateSources {
  const live = ctx.clients ? apiTemplateSources(ctx.clients.core, namespace) : undefined;
  return {
    async configMap(name) {
      const m = manifest(ctx, "ConfigMap", name, namespace);
      if (m) return { ...((m.data as Record<string, string>) ?? {}) };
      if (live) return live.configMap(name);
      throw new ConfigError(`templateFrom configMap ${name} is not in the manifests (or pass --kubeconfig)`);
    },
    async secret(name) {
      const m = ctx.secrets.get(name) ?? (manifest(ctx, "Secret", name, namespace) ? secretData(manifest(ctx, "Secret", name, namespace)!) : undefined);
      if (m) return m;
      if (live) return live.secret(name);
      throw new ConfigError(`templateFrom secret ${name} is not in the manifests (or pass --secret / --kubeconfig)`);
    },
  };
}

/**
 * Generator objects for generatorRef: from the manifests, else (live mode) the cluster. Every generator served
 * today (Password, UUID, SSHKey, Fake) runs offline: nothing leaves the process.
 */
export function generatorReader(ctx: OfflineContext): ReadGenerator {
  const live = ctx.clients ? kubeGeneratorReader(ctx.clients) : undefined;
  return async (kind, name, namespace) => {
    const found = ctx.objects.find((m) => m.obj.kind === kind && m.obj.metadata?.name === name && String(m.obj.apiVersion ?? "").startsWith(`${GENERATOR_GROUP}/`) && (namespace === undefined || nsOf(m.obj, ctx.namespace) === namespace))?.obj;
    if (found) return found as GeneratorObject;
    if (live) return live(kind, name, namespace);
    throw new ConfigError(`${kind} ${name} is not in the manifests (or pass --kubeconfig to read it from the cluster)`);
  };
}

async function storeObject(ctx: OfflineContext, ref: StoreRef, namespace: string): Promise<Obj> {
  const kind = ref.kind ?? "SecretStore";
  const found = manifest(ctx, kind, ref.name, kind === "SecretStore" ? namespace : undefined);
  if (found) return found;
  if (ctx.clients) {
    const plural = kind === "SecretStore" ? "secretstores" : "clustersecretstores";
    const api = ctx.clients.custom;
    return (kind === "SecretStore"
      ? await api.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace, plural, name: ref.name })
      : await api.getClusterCustomObject({ group: "external-secrets.io", version: "v1", plural, name: ref.name })) as Obj;
  }
  throw new ConfigError(`${kind} ${ref.name} is not in the manifests (or pass --kubeconfig to read it from the cluster)`);
}

/** Parses the ExternalSecret and fetches its data from the offline stores, then hands both to `use`. */
async function withFetched<T>(esObj: Obj, ctx: OfflineContext, use: (es: ExternalSecret, data: Record<string, Uint8Array>, sources: TemplateSources) => Promise<T>): Promise<T> {
  const parsed = ExternalSecret.safeParse(esObj);
  if (!parsed.success) throw new ConfigError(`invalid ExternalSecret: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const namespace = nsOf(esObj, ctx.namespace);
  const es = { ...parsed.data, metadata: { ...(esObj.metadata as object), namespace } } as ExternalSecret;
  const registry = new ProviderRegistry(ctx.providers);
  const sessions: SecretsClient[] = [];
  const sessionFor = async (ref: StoreRef | undefined): Promise<SecretsClient> => {
    if (!ref) throw new ConfigError("no secretStoreRef");
    const store = await storeObject(ctx, ref, namespace);
    const identity: StoreIdentity = { kind: (ref.kind ?? "SecretStore") as StoreIdentity["kind"], name: ref.name, namespace: ref.kind === "ClusterSecretStore" ? undefined : namespace, referentNamespace: namespace };
    const { provider, spec } = registry.resolve((store.spec as { provider?: Record<string, unknown> } | undefined)?.provider);
    // Decided before connect(): connecting is what would send credentials to the store's server.
    if (!ctx.allowLiveStores && provider.offline?.(spec) !== true) {
      throw new ConfigError(
        `${identity.kind} ${ref.name} uses the ${provider.name} provider, which connects to a live service; render and diff open only the fake provider and SOPS from a ConfigMap or Secret (keys from the manifests or --secret) unless ${LIVE_STORES_FLAG} is given`,
      );
    }
    const client = await provider.connect({ spec, store: identity, kube: offlineKube(ctx, identity), log: ctx.log, refreshInterval: (store.spec as { refreshInterval?: number })?.refreshInterval });
    sessions.push(client);
    return client;
  };
  try {
    const readGenerator = generatorReader(ctx);
    // Every served kind is known, so an online one (Webhook, VaultDynamicSecret ...) says it is not generated offline
    // rather than "not supported"; without a context only the offline ones can run.
    const fetched = await fetchData(es, sessionFor, false, (ref) => generateFromRef(ref, namespace, readGenerator, { generators: servedGenerators(ctx.providers) }));
    return await use(es, fetched.data, templateSources(ctx, namespace));
  } finally {
    await Promise.allSettled(sessions.map((s) => s.close()));
  }
}

/** The Secret the operator would write for this ExternalSecret (data included: the caller masks it). */
export async function renderOffline(esObj: Obj, ctx: OfflineContext): Promise<OfflineRender> {
  return withFetched(esObj, ctx, async (es, data, sources) => {
    const loaded = await loadTemplateSources(es.spec.target?.template, sources);
    try {
      const rendered = renderTemplate(es.spec.target?.template, data, loaded);
      return { es, secret: desiredSecret(es, resolvedTarget(es), rendered), fetchedKeys: Object.keys(data) };
    } catch (err) {
      throw new DataDependentError(err, es);
    }
  });
}

/** The object a target.manifest ExternalSecret would render, as the operator would create it (no live object: Merge is not shown). */
export async function renderManifestOffline(esObj: Obj, ctx: OfflineContext): Promise<{ es: ExternalSecret; manifest: Manifest }> {
  return withFetched(esObj, ctx, async (es, data, sources) => {
    const target = { ...resolvedTarget(es), creationPolicy: "Owner" as const };
    let kind;
    try {
      kind = manifestKind(es)!;
    } catch (err) {
      throw new ConfigError(err instanceof Error ? err.message : String(err));
    }
    const loaded = await loadTemplateSources(es.spec.target?.template, sources);
    try {
      const rendered = renderManifestTemplate(es.spec.target?.template, data, loaded, manifestBase(es, kind, target, undefined), es.metadata);
      rendered.metadata.labels = { ...rendered.metadata.labels, [LABEL_MANAGED]: "true" };
      return { es, manifest: rendered };
    } catch (err) {
      throw new DataDependentError(err, es);
    }
  });
}
