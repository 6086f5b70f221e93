// Credentials that only client-node knows how to get: exec plugins (aws eks get-token, gke-gcloud-auth-plugin,
// kubelogin) and auth-provider entries (OIDC refresh). Loaded on first use, so only a CLI user whose kubeconfig
// needs them pays for client-node (~85 MiB RSS); the operator in its pod never does.
import type { KubeConfig } from "./kube-config.ts";

type ClientNodeConfig = { applyToHTTPSOptions(options: { headers?: Record<string, unknown> }): Promise<void> };

/** True when the user's credentials come from a plugin we do not implement ourselves. */
export function needsFallbackAuth(kc: KubeConfig): boolean {
  const user = kc.getCurrentUser();
  return Boolean(user?.exec || (user?.authProvider && user.authProvider.name !== "tokenFile"));
}

/** Asks client-node for the Authorization header of each request (it caches and refreshes plugin tokens). */
export class FallbackAuth {
  #config: Promise<ClientNodeConfig> | undefined;
  readonly #kc: KubeConfig;

  constructor(kc: KubeConfig) {
    this.#kc = kc;
  }

  async authorization(): Promise<string | undefined> {
    this.#config ??= this.#load();
    const options: { headers: Record<string, unknown> } = { headers: {} };
    await (await this.#config).applyToHTTPSOptions(options);
    const value = options.headers["Authorization"] ?? options.headers["authorization"];
    return typeof value === "string" ? value : undefined;
  }

  async #load(): Promise<ClientNodeConfig> {
    const { KubeConfig: ClientNodeKubeConfig } = await import("@kubernetes/client-node");
    const config = new ClientNodeKubeConfig();
    config.loadFromString(this.#kc.raw ?? "");
    config.setCurrentContext(this.#kc.currentContext);
    return config;
  }
}
