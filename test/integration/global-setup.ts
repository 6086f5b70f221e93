// node --test global setup: starts one etcd + kube-apiserver bench for the whole run and records it
// in .bench/state-<runner pid>.json, where test files (child processes) and globalTeardown find it.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { KubeConfig } from "../../src/kube/http/index.ts";
import { startKubeBench, stopKubeBench } from "../bench/kube-bench.ts";
import { BENCH_STATE_DIR, benchStatePath, peerStatePath, readBench, saveBench } from "../helpers/bench.ts";
import { ensureCrds } from "../helpers/operator.ts";
import { loadPeers } from "../bench/peers.ts";
import { mkdirSync, writeFileSync } from "node:fs";

const DIR_PREFIX = "secrets-bridge-bench-";

const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

export async function globalSetup(): Promise<void> {
  await stopOrphans();
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  const started = Date.now();
  log(`node ${process.version} (${process.execPath})`);
  // Node does not run globalTeardown when globalSetup throws; startKubeBench cleans up after itself.
  // The CRDs go in before the controller-manager starts, so its garbage collector knows our kinds at
  // once (it re-reads discovery every 30 s) and the tests' cascades take a second, not up to a minute.
  const bench = await startKubeBench({ dir, log, onApiserverReady: async (b) => {
    const crdsStarted = Date.now();
    const kc = new KubeConfig();
    kc.loadFromFile(b.kubeconfigPath);
    await ensureCrds(kc);
    log(`CRDs installed in ${((Date.now() - crdsStarted) / 1000).toFixed(1)}s`);
  } });
  saveBench(benchStatePath(process.pid), bench);
  try {
    for (const peer of await loadPeers()) {
      const peerStarted = Date.now();
      const peerDir = join(dir, peer.name);
      mkdirSync(peerDir, { recursive: true });
      const state = await peer.start({ dir: peerDir, kube: bench, log: (msg) => log(`${peer.name}: ${msg}`) });
      writeFileSync(peerStatePath(process.pid, peer.name), `${JSON.stringify(state, null, 2)}\n`);
      log(`${peer.name} up in ${((Date.now() - peerStarted) / 1000).toFixed(1)}s`);
    }
  } catch (err) {
    // No teardown runs after a failed setup: stop what did start.
    await stopPeers(process.pid);
    await stopAndForget(benchStatePath(process.pid), true);
    throw err;
  }
  log(`bench up in ${((Date.now() - started) / 1000).toFixed(1)}s (logs in ${dir})`);
}

/** Stops the peers a runner started (their state files name them), in reverse order. */
async function stopPeers(runnerPid: number): Promise<void> {
  for (const peer of (await loadPeers()).reverse()) {
    const path = peerStatePath(runnerPid, peer.name);
    if (!existsSync(path)) continue;
    try {
      await peer.stop(JSON.parse(readFileSync(path, "utf8")));
    } catch (err) {
      log(`stopping ${peer.name} failed: ${(err as Error).message}`);
    }
    rmSync(path, { force: true });
  }
}

export async function globalTeardown(): Promise<void> {
  // The runner has set exitCode = 1 by now when a test failed (also after Ctrl-C or SIGTERM, which
  // still run teardown): keep the logs for that case.
  const keep = process.exitCode === 1 || Boolean(process.env["SECRETS_BRIDGE_KEEP_BENCH"]);
  await stopPeers(process.pid);
  await stopAndForget(benchStatePath(process.pid), keep);
}

/**
 * A runner killed before its teardown (kill -9, a CI timeout) leaves its record behind. Stop the
 * benches of runners that are gone; a live runner's bench belongs to a concurrent run: leave it.
 */
async function stopOrphans(): Promise<void> {
  let names: string[] = [];
  try {
    names = readdirSync(BENCH_STATE_DIR);
  } catch {
    return;
  }
  for (const name of names) {
    const owner = /^state-(\d+)\.json$/.exec(name)?.[1];
    if (owner === undefined || isTestRunner(Number(owner))) continue;
    log(`stopping the bench of an interrupted run (${name})`);
    await stopPeers(Number(owner));
    await stopAndForget(join(BENCH_STATE_DIR, name), false);
  }
}

function isTestRunner(pid: number): boolean {
  if (!existsSync("/proc/self")) {
    try {
      process.kill(pid, 0); // no procfs (macOS): any live pid counts
      return true;
    } catch {
      return false;
    }
  }
  try {
    // A test runner, or `npm run faults` (test/faults/main.ts calls this setup itself): both own a live bench.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes("--test") || cmdline.includes("test/faults/main.ts");
  } catch {
    return false;
  }
}

async function stopAndForget(statePath: string, keepDir: boolean): Promise<void> {
  let bench;
  try {
    bench = readBench(statePath);
  } catch (err) {
    log(`no usable bench record at ${statePath}: ${(err as Error).message}`);
    rmSync(statePath, { force: true });
    return;
  }
  await stopKubeBench(bench);
  rmSync(statePath, { force: true });
  // Only ever delete a directory this file created, whatever the record says.
  if (!basename(bench.dir).startsWith(DIR_PREFIX)) return;
  if (keepDir) {
    // Logs, PKI and kubeconfig are what a failure needs; etcd's preallocated WAL is 62 MB of nothing.
    rmSync(join(bench.dir, "etcd-data"), { recursive: true, force: true });
    log(`bench logs kept in ${bench.dir}`);
  } else {
    rmSync(bench.dir, { recursive: true, force: true });
  }
}
