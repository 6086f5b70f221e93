// kube-controller-manager for the bench: the garbage collector (ownerReference cascades, foreground
// and background), the namespace controller (deleted namespaces really go away) and the workload
// controllers whose rollouts tests drive. Started by kube-bench.ts once the apiserver is ready.
import { join } from "node:path";
import { httpsOk } from "./https-probe.ts";
import { writeAdminKubeconfig } from "./kubeconfig.ts";
import { pkiPaths } from "./pki.ts";
import { startDetached, stopProcess, waitUntil } from "./proc.ts";

/**
 * Only what the tests need. Not serviceaccount / serviceaccount-token: the bench disables the
 * ServiceAccount admission plugin on purpose and tests mint tokens with TokenRequest; fewer
 * controllers also means fewer informers and requests counted by the apiserver.
 */
export const BENCH_CONTROLLERS = ["garbagecollector", "namespace", "deployment", "replicaset", "statefulset", "daemonset"];

const kubeconfigPath = (dir: string): string => join(dir, "controller-manager.kubeconfig");

/** argv[1..] for a controller-manager of the bench in `dir` serving /healthz on 127.0.0.1:`port`. */
export function controllerManagerArgs(dir: string, port: number): string[] {
  const pki = pkiPaths(dir);
  return [
    // Its own kubeconfig with the admin cert (system:masters): no RBAC bootstrap for its identity.
    `--kubeconfig=${kubeconfigPath(dir)}`,
    `--controllers=${BENCH_CONTROLLERS.join(",")}`,
    // One instance: no election, and no Lease renewed every 2 s in the apiserver's write counters.
    "--leader-elect=false",
    // Per-controller ServiceAccounts would need the token controller that is off (see above).
    "--use-service-account-credentials=false",
    // /healthz on loopback only, with the apiserver's serving cert (IP:127.0.0.1) so the probe
    // trusts the bench CA. /healthz is in --authorization-always-allow-paths by default, so no
    // --authentication/authorization-kubeconfig (which would add TokenReviews and a ConfigMap watch).
    "--bind-address=127.0.0.1", `--secure-port=${port}`,
    `--tls-cert-file=${pki.servingCertPath}`, `--tls-private-key-file=${pki.servingKeyPath}`,
  ];
}

/**
 * Writes the controller-manager's kubeconfig for `server`, starts it with `args` (from
 * controllerManagerArgs) and resolves with its pid once /healthz answers 200 (its controllers have
 * started; the garbage collector's caches sync about a second later and it then handles what
 * happened meanwhile). Stops it and throws, naming the log, when it exits or is not healthy in time.
 */
export async function startControllerManager(opts: {
  dir: string; server: string; port: number; args: string[]; bin: string; timeoutMs: number;
}): Promise<number> {
  await writeAdminKubeconfig(kubeconfigPath(opts.dir), opts.server, opts.dir);
  const logPath = join(opts.dir, "controller-manager.log");
  const { child, pid } = startDetached(opts.bin, opts.args, logPath);
  const healthz = `https://127.0.0.1:${opts.port}/healthz`;
  try {
    await waitUntil({ what: "kube-controller-manager", probe: () => httpsOk(healthz, { caPath: pkiPaths(opts.dir).caCertPath }),
      child, logPath, timeoutMs: opts.timeoutMs });
  } catch (err) {
    await stopProcess(pid, opts.args);
    throw err;
  }
  return pid;
}
