// The Secrets a PushSecret pushes, read live at push time (the watch cache holds no values): one by name, or every
// Secret of the PushSecret's own namespace matching a label selector (chosen from the cache, then read), or what its
// generator makes (selector.generatorRef). A PushSecret never reads another namespace: its namespace is the only one asked.
import type { V1Secret } from "@kubernetes/client-node";
import type { GeneratorRef } from "../../api/external-secret.ts";
import type { PushSecret } from "../../api/push-secret.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { isNotFound, kubeErrorSummary } from "../../kube/errors.ts";
import { matchesSelector } from "../../kube/label-selector.ts";
import { ConfigError, ProviderUnavailableError } from "../../provider/errors.ts";
import type { SecretValue } from "../../provider/types.ts";
import { dataDigestOf, decodeData } from "../external-secret/desired-secret.ts";

/** A label selector may pick this many Secrets at most: the work of one reconcile stays bounded. */
export const MAX_SOURCE_SECRETS = 200;

export interface SourceSecret {
  name: string;
  data: Record<string, SecretValue>;
}

export type Sources = { found: SourceSecret[] } | { missing: string };

/** The cached Secrets the spec selects (metadata and data hash only); undefined when the cache cannot tell yet. */
export function selectedCached(ps: PushSecret, cached: V1Secret[] | undefined): V1Secret[] | undefined {
  const selector = ps.spec.selector.secret;
  if (!cached || !selector) return undefined;
  if (selector.name) return cached.filter((secret) => secret.metadata?.name === selector.name);
  if (selector.selector) return cached.filter((secret) => matchesSelector(selector.selector!, secret.metadata?.labels ?? {}));
  return [];
}

/** A digest of what the selected Secrets hold, from the cache: equal digests, nothing to push since. */
export function sourcesDigest(selected: V1Secret[] | undefined): string | undefined {
  if (!selected) return undefined;
  return selected
    .map((secret) => `${secret.metadata?.name}=${dataDigestOf(secret)}`)
    .sort()
    .join(",");
}

async function readOne(clients: KubeClients, namespace: string, name: string): Promise<SourceSecret | undefined> {
  try {
    const secret = await clients.core.readNamespacedSecret({ name, namespace });
    return { name, data: decodeData(secret) };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw new ProviderUnavailableError(`could not get source secret ${name}: ${kubeErrorSummary(err)}`);
  }
}

/** Runs the generator a PushSecret names (selector.generatorRef) in its namespace: fresh values on every call. */
export type Generate = (ref: GeneratorRef, namespace: string) => Promise<Record<string, SecretValue>>;

export async function readSources(clients: KubeClients, ps: PushSecret, cached: V1Secret[] | undefined, generate: Generate): Promise<Sources> {
  const namespace = ps.metadata.namespace!;
  const selector = ps.spec.selector;
  if (selector.generatorRef) {
    const ref = selector.generatorRef;
    return { found: [{ name: `${ref.kind}/${ref.name}`, data: await generate(ref, namespace) }] };
  }
  if (selector.secret?.name) {
    const secret = await readOne(clients, namespace, selector.secret.name);
    return secret ? { found: [secret] } : { missing: selector.secret.name };
  }
  if (selector.secret?.selector) {
    const names = (selectedCached(ps, cached) ?? []).map((secret) => secret.metadata!.name!).sort();
    if (names.length > MAX_SOURCE_SECRETS) throw new ConfigError(`selector.secret.selector matches ${names.length} Secrets; at most ${MAX_SOURCE_SECRETS} may be pushed by one PushSecret`);
    const read = await Promise.all(names.map((name) => readOne(clients, namespace, name)));
    return { found: read.filter((secret): secret is SourceSecret => secret !== undefined) };
  }
  throw new ConfigError("no secret selector provided: set selector.secret.name or selector.secret.selector");
}
