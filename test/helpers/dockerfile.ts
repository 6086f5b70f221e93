// Performs a Dockerfile's steps without a container engine (none runs on these machines): each stage gets a
// directory, WORKDIR/COPY/RUN/ENV are carried out there, and the final stage's ENTRYPOINT and CMD are returned
// to be started with the local Node 24 standing in for the image's node binary. Multi-line RUN and JSON-form
// ENTRYPOINT/CMD are supported; FROM images, USER and EXPOSE are recorded, not emulated.
import { execSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface BuiltImage {
  /** The final stage's root (its WORKDIR). */
  dir: string;
  /** ENTRYPOINT; its first element is the image's node binary (the local Node 24 stands in for it). */
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  user: string | undefined;
  steps: string[];
}

function instructions(text: string): Array<[string, string]> {
  const joined = text.replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const space = line.indexOf(" ");
      return [line.slice(0, space).toUpperCase(), line.slice(space + 1).trim()] as [string, string];
    });
}

/** The last ENTRYPOINT of a Dockerfile (JSON form), without building anything. */
export function dockerfileEntrypoint(dockerfile: string): string[] {
  const found = instructions(readFileSync(dockerfile, "utf8")).filter(([op]) => op === "ENTRYPOINT").pop();
  return found ? (JSON.parse(found[1]) as string[]) : [];
}

export function performDockerfile(dockerfile: string, context: string, scratch: string, log: (line: string) => void = () => {}): BuiltImage {
  const stages = new Map<string, string>();
  const workdirs = new Map<string, string>();
  let stage = "";
  let dir = "";
  let env: Record<string, string> = {};
  let cmd: string[] = [];
  let entrypoint: string[] = [];
  let user: string | undefined;
  const steps: string[] = [];
  for (const [op, arg] of instructions(readFileSync(dockerfile, "utf8"))) {
    steps.push(`${op} ${arg}`);
    if (op === "FROM") {
      const name = /\s+AS\s+(\S+)$/i.exec(arg)?.[1] ?? `stage${stages.size}`;
      dir = join(scratch, name);
      mkdirSync(dir, { recursive: true });
      stages.set(name, dir);
      stage = name;
      env = {};
    } else if (op === "WORKDIR") {
      // A stage's directory stands for its WORKDIR; absolute paths under it map into the directory.
      workdirs.set(stage, arg.replace(/\/$/, ""));
    } else if (op === "ENV") {
      const [key, ...rest] = arg.split("=");
      env[key!] = rest.join("=");
    } else if (op === "COPY") {
      const parts = arg.split(/\s+/);
      const from = parts.find((p) => p.startsWith("--from="))?.slice("--from=".length);
      const paths = parts.filter((p) => !p.startsWith("--"));
      const target = paths.pop()!;
      const source = from ? stages.get(from)! : context;
      const inStage = (path: string) => (from && path.startsWith(`${workdirs.get(from)}/`) ? path.slice(workdirs.get(from)!.length + 1) : path);
      for (const path of paths.map(inStage)) {
        const base = path.split("/").pop()!;
        const destination = target.endsWith("/") || paths.length > 1 ? join(target, base) : target;
        cpSync(join(source, path), join(dir, destination), { recursive: true });
      }
    } else if (op === "RUN") {
      log(`RUN ${arg}`);
      try {
        execSync(arg, { cwd: dir, stdio: "pipe", env: { ...process.env, ...env }, shell: "/bin/bash" });
      } catch (err) {
        const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`RUN ${arg} failed:\n${String(stdout ?? "").slice(-3000)}\n${String(stderr ?? "").slice(-2000)}`);
      }
    } else if (op === "CMD") {
      cmd = JSON.parse(arg) as string[];
    } else if (op === "ENTRYPOINT") {
      entrypoint = JSON.parse(arg) as string[];
    } else if (op === "USER") {
      user = arg;
    }
  }
  return { dir, entrypoint, cmd, env, user, steps };
}

/** The node flags of the image's ENTRYPOINT (between the node binary and the script), so a test or the bench runs what ships. */
export function imageNodeFlags(repo: string): string[] {
  return dockerfileEntrypoint(`${repo.replace(/\/$/, "")}/Dockerfile`)
    .slice(1)
    .filter((arg) => arg.startsWith("--"));
}
