// Starts a real etcd + kube-apiserver + kube-controller-manager on 127.0.0.1 for integration tests,
// the demo and the benchmark: envtest's apiserver flags, plus the controller-manager so ownerReference
// cascades and namespace deletions complete as in a cluster. No scheduler or kubelet: pods stay Pending.
// No test-framework imports: src/ uses this too.
import { mkdir } from "node:fs/promises";
import { request as httpGet } from "node:http";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { binaryPath } from "./binaries.ts";
import { controllerManagerArgs, startControllerManager } from "./controller-manager.ts";
import { httpsOk } from "./https-probe.ts";
import { writeAdminKubeconfig } from "./kubeconfig.ts";
import { generatePki, pkiPaths } from "./pki.ts";
import { startDetached, stopProcess, waitUntil } from "./proc.ts";

/** A running bench. Plain data (JSON-serialisable) so another process can stop or restart it. */
export type KubeBench = {
  dir: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** Admin kubeconfig (system:masters) with the CA and client cert embedded. */
  kubeconfigPath: string;
  caCertPath: string;
  saKeyPath: string;
  saPubPath: string;
  /** Service-account token issuer (equals `server`). */
  issuer: string;
  etcdPid: number;
  apiserverPid: number;
  /** 0 when started with `controllerManager: false` (records from before it existed lack both fields). */
  controllerManagerPid?: number;
  /** argv[1..] of each process; also how stop/restart recognise the pids as theirs. */
  apiserverArgs: string[];
  etcdArgs: string[];
  controllerManagerArgs?: string[];
};

export type KubeBenchOptions = {
  /** Working directory (created if missing): PKI, etcd data, logs and the kubeconfig go here. */
  dir: string;
  /** Ports default to free ones picked at run time. */
  etcdPort?: number;
  etcdPeerPort?: number;
  apiPort?: number;
  /** Extra kube-apiserver flags appended after the defaults (a later flag wins), e.g. feature gates. */
  extraApiserverArgs?: string[];
  /**
   * Start kube-controller-manager (garbage collector, namespace and workload controllers; see
   * controller-manager.ts). Default true; false gives the bare apiserver, where nothing cascades.
   */
  controllerManager?: boolean;
  /**
   * Runs once the apiserver is ready, before the controller-manager starts. Install CRDs here: its
   * garbage collector then knows their kinds from its first discovery, instead of at its next one
   * (every 30 s), which holds up cascades from owners of a kind installed after it started.
   */
  onApiserverReady?: (bench: KubeBench) => Promise<void>;
  /** Progress messages; silent by default. */
  log?: (msg: string) => void;
  /** How long to wait for etcd health, apiserver /readyz and controller-manager /healthz each; default 120 s (a start takes ~3.5 s on 2 cores). */
  readyTimeoutMs?: number;
};

const DEFAULT_READY_TIMEOUT_MS = 120_000;

/**
 * Starts etcd, kube-apiserver and (unless `controllerManager: false`) kube-controller-manager, and
 * resolves once the apiserver's /readyz and the controller-manager's /healthz answer 200. Throws
 * BenchBinaryMissingError when a binary is missing, or an error naming the log file when a peer
 * exits or is not ready in time; whatever it started is stopped before it throws.
 */
export async function startKubeBench(opts: KubeBenchOptions): Promise<KubeBench> {
  const log = opts.log ?? ((): void => {});
  const timeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const dir = resolve(opts.dir);
  const withControllerManager = opts.controllerManager ?? true;
  const etcdBin = binaryPath("etcd");
  const apiserverBin = binaryPath("kube-apiserver");
  const controllerManagerBin = withControllerManager ? binaryPath("kube-controller-manager") : "";
  await mkdir(dir, { recursive: true });

  log(`generating PKI in ${dir}/pki`);
  const pki = await generatePki(dir);
  const [etcdPort, etcdPeerPort, apiPort, controllerManagerPort] =
    await freePorts(opts.etcdPort, opts.etcdPeerPort, opts.apiPort, undefined);
  const server = `https://127.0.0.1:${apiPort}`;
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;

  const etcdArgs = [
    "--name", "bench", "--data-dir", join(dir, "etcd-data"),
    "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
    "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
    "--initial-cluster", `bench=${peerUrl}`,
    // Test data is disposable; skipping fsync makes every write several times faster.
    "--unsafe-no-fsync", "--logger=zap",
  ];
  // Flags as controller-runtime's envtest passes them, minus what needs other components.
  const apiserverArgs = [
    `--etcd-servers=${etcdUrl}`, "--etcd-prefix=/registry",
    "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", `--secure-port=${apiPort}`,
    `--cert-dir=${pki.dir}`, `--tls-cert-file=${pki.servingCertPath}`,
    `--tls-private-key-file=${pki.servingKeyPath}`, `--client-ca-file=${pki.caCertPath}`,
    `--service-account-issuer=${server}`, `--service-account-key-file=${pki.saPubPath}`,
    `--service-account-signing-key-file=${pki.saKeyPath}`,
    "--service-cluster-ip-range=10.0.0.0/24", "--authorization-mode=RBAC", "--allow-privileged=true",
    // The bench runs no ServiceAccount controllers (see controller-manager.ts), so no namespace gets
    // a `default` ServiceAccount and this plugin would reject every pod.
    "--disable-admission-plugins=ServiceAccount",
    // The default reconciler retries every 10 s to publish 127.0.0.1 as the `kubernetes` Service's
    // endpoint, which is rejected (loopback): it only adds error logs and requests to the counters.
    "--endpoint-reconciler-type=none",
    // On SIGTERM, answer 429 + Retry-After until in-flight requests drain, then give open watches
    // 2 s. Without it the HTTP server waits up to --request-timeout (60 s) for the controller-manager's
    // HTTP/2 watch streams: restartApiserver took 17 s (15 s grace, then SIGKILL) instead of ~4.5.
    "--shutdown-send-retry-after=true",
    ...(opts.extraApiserverArgs ?? []),
  ];

  const bench: KubeBench = {
    dir, server, kubeconfigPath: join(dir, "kubeconfig"), caCertPath: pki.caCertPath,
    saKeyPath: pki.saKeyPath, saPubPath: pki.saPubPath, issuer: server,
    etcdPid: 0, apiserverPid: 0, controllerManagerPid: 0, apiserverArgs, etcdArgs,
    controllerManagerArgs: withControllerManager ? controllerManagerArgs(dir, controllerManagerPort!) : [],
  };
  try {
    log(`starting etcd on ${etcdUrl} (${etcdBin})`);
    const etcd = startDetached(etcdBin, etcdArgs, join(dir, "etcd.log"));
    bench.etcdPid = etcd.pid;
    await waitUntil({ what: "etcd", probe: () => etcdHealthy(etcdUrl), child: etcd.child,
      logPath: join(dir, "etcd.log"), timeoutMs });

    log(`starting kube-apiserver on ${server} (${apiserverBin})`);
    bench.apiserverPid = await startApiserver(bench, apiserverBin, timeoutMs);
    await writeAdminKubeconfig(bench.kubeconfigPath, server, dir);
    await opts.onApiserverReady?.(bench);

    if (withControllerManager) {
      log(`starting kube-controller-manager, /healthz on 127.0.0.1:${controllerManagerPort} (${controllerManagerBin})`);
      bench.controllerManagerPid = await startControllerManager({ dir, server, port: controllerManagerPort!,
        args: bench.controllerManagerArgs!, bin: controllerManagerBin, timeoutMs });
    }
    log(`bench ready: ${server}, kubeconfig ${bench.kubeconfigPath}`);
    return bench;
  } catch (err) {
    await stopKubeBench(bench);
    throw err;
  }
}

/**
 * Stops exactly the recorded pids and waits until they are gone: the controller-manager first (so it
 * does not spend the apiserver's shutdown retrying), then the apiserver, then etcd.
 */
export async function stopKubeBench(b: KubeBench): Promise<void> {
  if (b.controllerManagerPid) await stopProcess(b.controllerManagerPid, b.controllerManagerArgs ?? []);
  if (b.apiserverPid) await stopProcess(b.apiserverPid, b.apiserverArgs);
  if (b.etcdPid) await stopProcess(b.etcdPid, b.etcdArgs);
}

/**
 * Stops the apiserver only and starts it again with the same args (same port, same etcd, so the
 * data survives). The controller-manager keeps running and reconnects, as in a cluster. Resolves
 * with the record carrying the new pid; the caller persists it.
 */
export async function restartApiserver(b: KubeBench, readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<KubeBench> {
  await stopProcess(b.apiserverPid, b.apiserverArgs);
  const next = { ...b, apiserverPid: 0 };
  next.apiserverPid = await startApiserver(next, binaryPath("kube-apiserver"), readyTimeoutMs);
  return next;
}

/**
 * Stops etcd only, waits `downMs`, and starts it again with the same args (same data dir: nothing is lost). The apiserver stays up,
 * fails its storage calls meanwhile and reconnects, as in a cluster whose etcd member restarts.
 */
export async function restartEtcd(b: KubeBench, downMs = 0, readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<KubeBench> {
  await stopProcess(b.etcdPid, b.etcdArgs);
  await new Promise((resolve) => setTimeout(resolve, downMs));
  const url = b.etcdArgs[b.etcdArgs.indexOf("--listen-client-urls") + 1]!;
  const etcd = startDetached(binaryPath("etcd"), b.etcdArgs, join(b.dir, "etcd.log"));
  await waitUntil({ what: "etcd", probe: () => etcdHealthy(url), child: etcd.child, logPath: join(b.dir, "etcd.log"), timeoutMs: readyTimeoutMs });
  return { ...b, etcdPid: etcd.pid };
}

async function startApiserver(b: KubeBench, bin: string, timeoutMs: number): Promise<number> {
  const logPath = join(b.dir, "apiserver.log");
  const { child, pid } = startDetached(bin, b.apiserverArgs, logPath);
  const pki = pkiPaths(b.dir);
  const readyz = (): Promise<boolean> =>
    httpsOk(`${b.server}/readyz`, { caPath: pki.caCertPath, certPath: pki.adminCertPath, keyPath: pki.adminKeyPath });
  try {
    await waitUntil({ what: "kube-apiserver", probe: readyz, child, logPath, timeoutMs });
  } catch (err) {
    await stopProcess(pid, b.apiserverArgs);
    throw err;
  }
  return pid;
}

/** Picks free 127.0.0.1 ports for the unset entries, holding all listeners open so they differ. */
async function freePorts(...wanted: (number | undefined)[]): Promise<number[]> {
  const servers = await Promise.all(wanted.map((w) => w !== undefined ? undefined : new Promise<ReturnType<typeof createServer>>((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => ok(s));
  })));
  const ports = servers.map((s, i) => {
    const addr = s?.address();
    return addr && typeof addr === "object" ? addr.port : (wanted[i] as number);
  });
  await Promise.all(servers.map((s) => s && new Promise((ok) => s.close(ok))));
  return ports;
}

function etcdHealthy(url: string): Promise<boolean> {
  return new Promise((ok) => {
    const req = httpGet(`${url}/health`, { timeout: 2000 }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => ok(res.statusCode === 200 && body.includes('"true"')));
    });
    req.on("error", () => ok(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}
