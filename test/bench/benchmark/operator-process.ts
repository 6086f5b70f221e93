// The operator under test as a separate process: ours by default (`node dist/src/cli.js run`, built as the image is), or any other
// executable (`--operator-cmd`), e.g. another implementation with its own CRDs, against the same bench.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { freePort } from "../proc.ts";
import { imageNodeFlags } from "../../helpers/dockerfile.ts";

export interface OperatorProcess {
  pid: number;
  metricsUrl: string | undefined;
  /** Base URL of the RefreshReceiver listener (ours only; W11). */
  receiverUrl?: string | undefined;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}


/**
 * Compiles the operator as the image ships it (tsconfig.build.json into dist/) and returns its entry point,
 * relative to the repo. Measured that way because running the TypeScript sources costs memory the image does not
 * spend: Node's type stripper and the larger sources took 24 MiB more RSS at import (145 vs 121 MiB).
 */
export function buildOperator(repo: string): string {
  execFileSync(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: repo, stdio: "inherit" });
  return "dist/src/cli.js";
}

/**
 * `receivers: false` leaves the RefreshReceiver listener off. `entry`: the CLI script to run, relative to the
 * repo (buildOperator's, or the TypeScript sources by default).
 */
export async function startOperatorProcess(opts: { kubeconfig: string; logFile: string; command?: string; repo: string; extraArgs?: string[]; nodeFlags?: string[]; receivers?: boolean; entry?: string }): Promise<OperatorProcess> {
  const port = await freePort();
  let child: ChildProcess;
  let metricsUrl: string | undefined = `http://127.0.0.1:${port}/metrics`;
  const receiverPort = opts.command || opts.receivers === false ? undefined : await freePort();
  const log = createWriteStream(opts.logFile, { flags: "a" });
  if (opts.command) {
    // Another operator: it gets KUBECONFIG and METRICS_ADDR and must expose Prometheus metrics there to be measured.
    child = spawn("bash", ["-c", opts.command], { env: { ...process.env, KUBECONFIG: opts.kubeconfig, METRICS_ADDR: `127.0.0.1:${port}` }, stdio: ["ignore", "pipe", "pipe"] });
  } else {
    const args = [...imageNodeFlags(opts.repo), ...(opts.nodeFlags ?? []), opts.entry ?? "src/cli.ts", "run", "--kubeconfig", opts.kubeconfig, "--http-address", `127.0.0.1:${port}`, "--leader-elect=false", "--log-level", "warn", ...(receiverPort === undefined ? [] : ["--receiver-bind-address", `127.0.0.1:${receiverPort}`]), ...(opts.extraArgs ?? [])];
    child = spawn(process.execPath, args, { cwd: opts.repo, stdio: ["ignore", "pipe", "pipe"] });
  }
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Ready when /readyz (ours) or /metrics answers.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await fetch(metricsUrl.replace("/metrics", opts.command ? "/metrics" : "/readyz")).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`operator exited with ${child.exitCode}; see ${opts.logFile}`);
    if (Date.now() > deadline) {
      metricsUrl = undefined;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    pid: child.pid!,
    metricsUrl,
    receiverUrl: receiverPort === undefined ? undefined : `http://127.0.0.1:${receiverPort}`,
    metrics: async () => (metricsUrl ? fetch(metricsUrl).then((r) => r.text(), () => "") : ""),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
