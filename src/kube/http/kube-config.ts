// Kubeconfig and in-cluster configuration, loaded without @kubernetes/client-node.
//
// Why by hand: client-node's KubeConfig module imports every generated API and model plus its OIDC, Azure and
// GCP auth libraries; loading it costs the operator ~85 MiB RSS before it has done anything (measured with
// Node 24, issue 22). Reading a kubeconfig is a small, stable format; what we do not handle ourselves (exec
// plugins, auth-provider entries) is delegated to client-node, loaded only by the few who use them
// (see fallback-auth.ts).
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isIPv6 } from "node:net";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import { KubeTransport } from "./transport.ts";

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** A kubeconfig cluster, with client-node's field names (code written for client-node reads it unchanged). */
export interface Cluster {
  name: string;
  server: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

/** A kubeconfig user, with client-node's field names; `tokenFile` is re-read as it rotates (in-cluster). */
export interface User {
  name: string;
  token?: string;
  tokenFile?: string;
  certData?: string;
  certFile?: string;
  keyData?: string;
  keyFile?: string;
  username?: string;
  password?: string;
  exec?: Record<string, unknown>;
  authProvider?: { name?: string; config?: Record<string, unknown> };
}

export interface Context {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

/** A constructor of an API group client (CoreV1Api, ...): all take the transport of their KubeConfig. */
export type ApiConstructor<T> = new (transport: KubeTransport) => T;

type Raw = Record<string, any>;

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * Contract: load with one of the load* methods, then make clients with makeApiClient. Every client of one
 * KubeConfig shares one transport (connections, credentials). Relative certificate and token paths in a file are
 * resolved against the file's directory, as kubectl does. `raw` keeps the loaded document for the fallback.
 */
export class KubeConfig {
  clusters: Cluster[] = [];
  users: User[] = [];
  contexts: Context[] = [];
  currentContext = "";
  /** The kubeconfig document as loaded (undefined in-cluster): handed to client-node when auth needs it. */
  raw: string | undefined;
  #transport: KubeTransport | undefined;

  /** $KUBECONFIG (its first file), else ~/.kube/config, else the in-cluster service account. */
  loadFromDefault(): void {
    const fromEnv = process.env["KUBECONFIG"]?.split(process.platform === "win32" ? ";" : ":").find((path) => path !== "");
    if (fromEnv) return this.loadFromFile(fromEnv);
    const home = join(homedir(), ".kube", "config");
    if (existsSync(home)) return this.loadFromFile(home);
    if (process.env["KUBERNETES_SERVICE_HOST"] && existsSync(`${SERVICE_ACCOUNT_DIR}/token`)) return this.loadFromCluster();
    throw new Error("no kubeconfig: set --kubeconfig or $KUBECONFIG, create ~/.kube/config, or run in a pod");
  }

  loadFromFile(path: string): void {
    this.loadFromString(readFileSync(path, "utf8"), dirname(path));
  }

  /** `baseDir` resolves relative file paths (a file's own directory; the working directory otherwise). */
  loadFromString(text: string, baseDir = process.cwd()): void {
    const doc = (parse(text) ?? {}) as Raw;
    const file = (value: unknown): string | undefined => {
      const path = str(value);
      return path === undefined || isAbsolute(path) ? path : join(baseDir, path);
    };
    const named = (list: unknown): Raw[] => (Array.isArray(list) ? list.filter((entry): entry is Raw => typeof entry?.name === "string") : []);
    this.clusters = named(doc["clusters"]).map(({ name, cluster = {} }) => ({
      name,
      server: String(cluster["server"] ?? "").replace(/\/+$/, ""),
      caData: str(cluster["certificate-authority-data"]),
      caFile: file(cluster["certificate-authority"]),
      skipTLSVerify: cluster["insecure-skip-tls-verify"] === true,
      tlsServerName: str(cluster["tls-server-name"]),
      proxyUrl: str(cluster["proxy-url"]),
    }));
    this.users = named(doc["users"]).map(({ name, user = {} }) => ({
      name,
      token: str(user["token"]),
      tokenFile: file(user["tokenFile"] ?? user["token-file"]),
      certData: str(user["client-certificate-data"]),
      certFile: file(user["client-certificate"]),
      keyData: str(user["client-key-data"]),
      keyFile: file(user["client-key"]),
      username: str(user["username"]),
      password: str(user["password"]),
      exec: user["exec"] && typeof user["exec"] === "object" ? user["exec"] : undefined,
      authProvider: user["auth-provider"] && typeof user["auth-provider"] === "object" ? user["auth-provider"] : undefined,
    }));
    this.contexts = named(doc["contexts"]).map(({ name, context = {} }) => ({
      name,
      cluster: String(context["cluster"] ?? ""),
      user: String(context["user"] ?? ""),
      namespace: str(context["namespace"]),
    }));
    this.currentContext = str(doc["current-context"]) ?? this.contexts[0]?.name ?? "";
    this.raw = text;
    this.#reset();
  }

  /** The pod's service account: KUBERNETES_SERVICE_HOST/PORT, its CA and its (rotating) token; `root` prefixes the files. */
  loadFromCluster(root = ""): void {
    const host = process.env["KUBERNETES_SERVICE_HOST"] ?? "";
    const port = process.env["KUBERNETES_SERVICE_PORT"] ?? "443";
    const scheme = ["80", "8080", "8001"].includes(port) ? "http" : "https";
    const dir = `${root}${SERVICE_ACCOUNT_DIR}`;
    this.clusters = [{ name: "inCluster", server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`, caFile: `${dir}/ca.crt`, skipTLSVerify: false }];
    this.users = [{ name: "inClusterUser", tokenFile: `${dir}/token` }];
    const namespace = existsSync(`${dir}/namespace`) ? readFileSync(`${dir}/namespace`, "utf8").trim() : undefined;
    this.contexts = [{ name: "inClusterContext", cluster: "inCluster", user: "inClusterUser", namespace }];
    this.currentContext = "inClusterContext";
    this.raw = undefined;
    this.#reset();
  }

  getCurrentContext(): string {
    return this.currentContext;
  }

  getContextObject(name: string): Context | undefined {
    return this.contexts.find((context) => context.name === name);
  }

  getCurrentCluster(): Cluster | undefined {
    const context = this.getContextObject(this.currentContext);
    return context ? this.clusters.find((cluster) => cluster.name === context.cluster) : undefined;
  }

  getCurrentUser(): User | undefined {
    const context = this.getContextObject(this.currentContext);
    return context ? this.users.find((user) => user.name === context.user) : undefined;
  }

  /** The transport every client of this config shares (made on first use, after loading). */
  transport(): KubeTransport {
    this.#transport ??= new KubeTransport(this);
    return this.#transport;
  }

  makeApiClient<T>(api: ApiConstructor<T>): T {
    return new api(this.transport());
  }

  /** Closes the pooled connections (tests and shutdown); later requests open new ones. */
  async closeConnections(): Promise<void> {
    this.#transport?.close();
  }

  #reset(): void {
    this.#transport?.close();
    this.#transport = undefined;
  }
}
