// The typed API clients the operator uses, built once from a KubeConfig.
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from "./http/index.ts";

export interface KubeClients {
  kc: KubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  coordination: CoordinationV1Api;
  /**
   * false when the platform gave the operator no `serviceaccounts/token create` (--service-account-token-requests=false):
   * kube/access.ts then refuses TokenRequests with a ConfigError instead of sending them. Absent: allowed.
   */
  tokenRequests?: boolean;
}

export function makeClients(kc: KubeConfig, options: { tokenRequests?: boolean } = {}): KubeClients {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    coordination: kc.makeApiClient(CoordinationV1Api),
    tokenRequests: options.tokenRequests ?? true,
  };
}

/** Loads kubeconfig from a path, $KUBECONFIG, ~/.kube/config, or the in-cluster service account. */
export function loadKubeConfig(path?: string): KubeConfig {
  if (path) return loadKubeConfigFile(path);
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

/** Only the kubeconfig file at `path`: no $KUBECONFIG, no ~/.kube/config, never the in-cluster service account (the CLI's render and diff). */
export function loadKubeConfigFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** The in-cluster configuration (service-account token, CA, KUBERNETES_SERVICE_HOST/PORT); `root` prefixes the files. */
export function loadInCluster(root = ""): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromCluster(root);
  return kc;
}
