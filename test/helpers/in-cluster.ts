// Runs the operator as a separate process exactly as in a pod: in-cluster configuration from a token minted
// for the chart's ServiceAccount (TokenRequest) and the bench CA, so the chart's RBAC is what authorises it.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, type KubernetesObject, type V1Deployment } from "@kubernetes/client-node";
import { applyObjects, installCrds } from "../../src/kube/apply.ts";
import { kubeConfig, loadBench, operatorKubeConfig } from "./bench.ts";
import { helmTemplate, REPO } from "./deploy.ts";
import { freePort } from "../bench/proc.ts";
export { freePort };


/** Applies the chart (release `release`, values `set`) in a new namespace; returns its Deployment to run like a pod. */
export async function installChart(release: string, namespace: string, set: string[]): Promise<V1Deployment> {
  const kc = kubeConfig();
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const objects = helmTemplate(namespace, set, release);
  await installCrds(operatorKubeConfig(), objects.filter((o) => o.kind === "CustomResourceDefinition"));
  await applyObjects(operatorKubeConfig(), objects.filter((o) => o.kind !== "CustomResourceDefinition"));
  return objects.find((o: KubernetesObject) => o.kind === "Deployment") as V1Deployment;
}

/** Writes token, ca.crt and namespace where a pod has them, under `root`. */
export async function mountServiceAccount(root: string, namespace: string, serviceAccount: string): Promise<void> {
  const core = kubeConfig().makeApiClient(CoreV1Api);
  const token = await core.createNamespacedServiceAccountToken({ name: serviceAccount, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const dir = join(root, "var/run/secrets/kubernetes.io/serviceaccount");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "token"), token.status?.token ?? "");
  copyFileSync(loadBench().caCertPath, join(dir, "ca.crt"));
  writeFileSync(join(dir, "namespace"), namespace);
}

export interface PodProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  /** /metrics as the scraper whose token startLikePod was given (the chart's default is --metrics-auth=kubernetes). */
  metrics(): Promise<string>;
  /** GET `path` with `token` as a bearer token (none: no Authorization header). */
  get(path: string, token?: string): Promise<Response>;
  exited: Promise<number | null>;
}

/** Starts `node src/cli.ts <the Deployment's args>` with the in-cluster environment of a pod. */
export async function startLikePod(deployment: V1Deployment, root: string, extraArgs: string[] = [], scraperToken?: string, extraEnv: Record<string, string> = {}): Promise<PodProcess> {
  const port = await freePort();
  const server = new URL(loadBench().server);
  const args = [...(deployment.spec!.template.spec!.containers[0]!.args ?? []), `--http-address=127.0.0.1:${port}`, "--in-cluster-root", root, ...extraArgs];
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port, ...extraEnv };
  const child = spawn(process.execPath, ["src/cli.ts", ...args], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (chunk) => (text += chunk));
  child.stderr!.on("data", (chunk) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const get = (path: string, token?: string) => fetch(`http://127.0.0.1:${port}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return {
    child,
    port,
    output: () => text,
    metrics: async () => {
      const res = await get("/metrics", scraperToken);
      if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}`);
      return res.text();
    },
    get,
    exited,
  };
}

export async function isLeader(pod: PodProcess): Promise<boolean> {
  try {
    return /^secretsbridge_leader 1$/m.test(await pod.metrics());
  } catch {
    return false;
  }
}
