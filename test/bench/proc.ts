// Process plumbing for the bench: start peers detached (so they outlive the test worker that
// started them) and stop exactly the recorded pids, never anything matched by name.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Starts `bin args` in its own session with stdout and stderr appended to `logPath`. The caller
 * does not wait on it: it survives the caller's exit and a Ctrl-C aimed at the caller's group.
 */
export function spawnDetached(bin: string, args: string[], logPath: string): ChildProcess {
  const fd = openSync(logPath, "a");
  try {
    const child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd] });
    child.unref();
    // Swallow spawn errors here; callers see them as an early exit (see waitUntil's `exited`).
    child.on("error", () => {});
    return child;
  } finally {
    closeSync(fd);
  }
}

/** spawnDetached, plus the pid the caller records to stop it later; throws when there is none. */
export function startDetached(bin: string, args: string[], logPath: string): { child: ChildProcess; pid: number } {
  const child = spawnDetached(bin, args, logPath);
  if (child.pid === undefined) throw new Error(`could not start ${bin}; see ${logPath}`);
  return { child, pid: child.pid };
}

const HAVE_PROC = existsSync("/proc/self/cmdline");

/**
 * True while `pid` is a live process running exactly `args` (argv[1..]). Checking the command line
 * keeps a stale state file from killing an unrelated process that reused the pid; a zombie has an
 * empty command line, so it counts as gone. Without /proc (not Linux) it falls back to kill(0).
 */
export function isRunning(pid: number, args: string[]): boolean {
  if (!HAVE_PROC) return signalable(pid);
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return false;
  }
  const argv = cmdline.split("\0").slice(1, -1);
  return argv.length === args.length && argv.every((a, i) => a === args[i]);
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops `pid` if it still runs `args`: SIGTERM, then SIGKILL after `graceMs`; resolves once it is
 * gone. A pid that no longer matches is left alone.
 */
export async function stopProcess(pid: number, args: string[], graceMs = 15_000): Promise<void> {
  if (!isRunning(pid, args)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isRunning(pid, args)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      while (isRunning(pid, args)) await sleep(20);
      return;
    }
    await sleep(20);
  }
}

/** Last `n` lines of a log file, for error messages; empty when unreadable. */
export function tail(path: string, n = 15): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}

/**
 * Polls `probe` until it returns true. Rejects when `child` exits first or `timeoutMs` passes,
 * with `what` and the log's last lines so the failure points at the right file.
 */
export async function waitUntil(opts: {
  what: string;
  probe: () => Promise<boolean>;
  child: ChildProcess;
  logPath: string;
  timeoutMs: number;
}): Promise<void> {
  let exited: string | undefined;
  const onExit = (code: number | null, signal: string | null): void => {
    exited = signal ? `signal ${signal}` : `code ${code}`;
  };
  const onError = (err: Error): void => {
    exited = err.message;
  };
  opts.child.once("exit", onExit);
  opts.child.once("error", onError);
  try {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      if (exited !== undefined) {
        throw new Error(`${opts.what} exited (${exited}) before it was ready; see ${opts.logPath}:\n${tail(opts.logPath)}`);
      }
      if (await opts.probe().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new Error(`${opts.what} not ready after ${opts.timeoutMs / 1000}s; see ${opts.logPath}:\n${tail(opts.logPath)}`);
      }
      await sleep(100);
    }
  } finally {
    opts.child.off("exit", onExit);
    opts.child.off("error", onError);
  }
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it; a peer binds it a moment later). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
