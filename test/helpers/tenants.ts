// Set-up for the tenant-identity tests (issue 14): two operators in-process, one as shipped (SecretStores may not
// use the operator's identity) and one with --allow-ambient-credentials-for-namespaced-stores, each serving its own
// namespace; the operator's "own" ServiceAccount token as a real token file; environment variables set for a file.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GROUP, VERSION } from "../../src/api/common.ts";
import { freshNamespace, loadBench } from "./bench.ts";
import { kube, ready, startTestOperator, waitFor, type TestOperator } from "./operator.ts";

type StoreKind = "SecretStore" | "ClusterSecretStore";
type Conditioned = Parameters<typeof ready>[0];

export interface Tenants {
  /** Served by an operator with the default: SecretStores may not use its identity. */
  strict: { ns: string; op: TestOperator };
  /** Served by an operator started with --allow-ambient-credentials-for-namespaced-stores. */
  lenient: { ns: string; op: TestOperator };
  stop(): Promise<void>;
}

export async function startTenants(prefix: string): Promise<Tenants> {
  const [strictNs, lenientNs] = [await freshNamespace(`${prefix}-strict`), await freshNamespace(`${prefix}-lenient`)];
  const strict = { ns: strictNs, op: await startTestOperator(strictNs) };
  const lenient = { ns: lenientNs, op: await startTestOperator(lenientNs, { allowAmbientCredentialsForNamespacedStores: true }) };
  return { strict, lenient, stop: async () => void (await Promise.all([strict.op.stop(), lenient.op.stop()])) };
}

/** The kube-apiserver's issuer: its default (and on the bench, only) token audience. */
export const apiServerIssuer = () => loadBench().issuer;

/** Sets environment variables for the operators in this process; returns a function restoring the old values. */
export function setEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/**
 * Plays the operator's own ServiceAccount token: a real token of ServiceAccount `name` in `namespace`, minted as the
 * kubelet mints a pod's (the apiserver's audiences), in a file named by SECRETS_BRIDGE_SA_TOKEN_FILE.
 */
export async function ownTokenFile(namespace: string, name = "secrets-bridge"): Promise<{ token: string; file: string }> {
  const { core } = kube();
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  const minted = await core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const token = minted.status!.token!;
  const file = join(mkdtempSync(join(tmpdir(), "own-sa-")), "token");
  writeFileSync(file, token);
  return { token, file };
}

async function readStore(kind: StoreKind, namespace: string | undefined, name: string): Promise<Conditioned> {
  const { custom } = kube();
  return (kind === "SecretStore"
    ? await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: namespace!, plural: "secretstores", name })
    : await custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: "clustersecretstores", name })) as Conditioned;
}

/** Waits until a store's Ready condition has `status` (and `reason`, if given); returns the condition. */
export function storeReady(kind: StoreKind, namespace: string | undefined, name: string, status: "True" | "False", reason?: string) {
  return waitFor(`${kind} ${name} Ready=${status}${reason ? ` ${reason}` : ""}`, async () => {
    const condition = ready(await readStore(kind, namespace, name));
    return condition?.status === status && (reason === undefined || condition.reason === reason) ? condition : undefined;
  });
}

export async function deleteClusterStore(name: string): Promise<void> {
  await kube().custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: "clustersecretstores", name }).catch(() => undefined);
}

/** The refusal a SecretStore using the operator's identity gets (tenant-policy.ts), for `uses` in its words. */
export const ambientRefused = (uses: RegExp) =>
  new RegExp(`^a SecretStore may not use the operator's own identity \\(${uses.source}\\); name credentials \\(secretRef/serviceAccountRef\\) or use a ClusterSecretStore$`);
