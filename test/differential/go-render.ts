// Runs template cases through the Go reference renderer (go-render: Go's text/template + Sprig, as ESO
// configures them) and through our engine, and compares: byte-identical output, or both failing.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchCacheDir, SETUP_COMMAND } from "../bench/binaries.ts";
import { renderBytes, stringData } from "../../src/template/engine.ts";

export interface Case {
  name: string;
  template: string;
  data?: Record<string, string>;
}

export interface Outcome {
  ok: boolean;
  /** Output bytes, base64. */
  out?: string;
  err?: string;
}

const SRC = fileURLToPath(new URL("./go-render/", import.meta.url));
/** The files the binary's cache key covers, in this order (test/bench/peers/go-template/install.sh hashes the same). */
const GO_RENDER_SOURCES = ["main.go", "sprig/eso.go", "sprig/pem.go", "sprig/pkcs12.go", "go.mod", "go.sum"];

/** Path of the cached go-render binary; builds it (once, ~10 s) if the bench set-up has not. */
export function goRenderBinary(): string {
  const hash = createHash("sha256")
    .update(Buffer.concat(GO_RENDER_SOURCES.map((f) => readFileSync(join(SRC, f)))))
    .digest("hex")
    .slice(0, 12);
  const bin = join(benchCacheDir(), "bin", `go-render-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(join(benchCacheDir(), "bin"), { recursive: true });
  const built = spawnSync("go", ["build", "-trimpath", "-o", `${bin}.tmp`, "."], {
    cwd: SRC,
    env: { ...process.env, GOTOOLCHAIN: "local", CGO_ENABLED: "0", GOFLAGS: "-buildvcs=false" },
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`building go-render failed (run ${SETUP_COMMAND}): ${built.stderr}`);
  renameSync(`${bin}.tmp`, bin);
  return bin;
}

export function runGo(cases: Case[]): Outcome[] {
  const res = spawnSync(goRenderBinary(), [], { input: JSON.stringify(cases.map((c) => ({ name: "t", template: c.template, data: c.data ?? {} }))), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`go-render failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as Outcome[];
}

export function runOurs(c: Case): Outcome {
  const data = Object.fromEntries(Object.entries(c.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "utf8")]));
  try {
    return { ok: true, out: Buffer.from(renderBytes("t", c.template, stringData(data))).toString("base64") };
  } catch (err) {
    return { ok: false, err: err instanceof Error ? err.message : String(err) };
  }
}

export interface Mismatch {
  case: Case;
  go: Outcome;
  ours: Outcome;
}

/** Every case whose outcome differs (different bytes, or one side failing). */
export function compare(cases: Case[]): Mismatch[] {
  const go = runGo(cases);
  const out: Mismatch[] = [];
  cases.forEach((c, i) => {
    const g = go[i]!;
    const o = runOurs(c);
    const same = g.ok === o.ok && (!g.ok || (g.out ?? "") === (o.out ?? ""));
    if (!same) out.push({ case: c, go: g, ours: o });
  });
  return out;
}

export const show = (m: Mismatch): string => {
  const txt = (o: Outcome) => (o.ok ? JSON.stringify(Buffer.from(o.out ?? "", "base64").toString("utf8")) : `ERROR ${o.err}`);
  return `${m.case.name}: ${JSON.stringify(m.case.template)}\n  go:   ${txt(m.go)}\n  ours: ${txt(m.ours)}`;
};
