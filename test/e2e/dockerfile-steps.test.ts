// The Dockerfile's build, performed step by step in a temporary directory (no container engine here): it
// installs production dependencies only, and its entrypoint starts and answers /healthz.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performDockerfile } from "../helpers/dockerfile.ts";
import { REPO } from "../helpers/deploy.ts";
import { freePort } from "../helpers/in-cluster.ts";
import { loadBench } from "../helpers/bench.ts";
import { waitFor } from "../helpers/operator.ts";

describe("Dockerfile", () => {
  it("builds a production-only tree whose entrypoint serves /healthz", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "sb-image-"));
    try {
      const image = performDockerfile(join(REPO, "Dockerfile"), REPO, scratch);
      assert.equal(image.user, "65532:65532", "runs as non-root");
      assert.equal(image.env.NODE_ENV, "production");
      assert.ok(existsSync(join(image.dir, "dist/src/cli.js")), "compiled CLI present");
      assert.ok(!existsSync(join(image.dir, "node_modules/typescript")), "dev dependencies pruned");
      assert.ok(!existsSync(join(image.dir, "node_modules/node")), "no Node binary from the dev dependency");
      assert.ok(!existsSync(join(image.dir, "src")), "no TypeScript sources in the image");
      assert.ok(existsSync(join(image.dir, "node_modules/@kubernetes/client-node")), "production dependencies present");
      const port = await freePort();
      const child = spawn(process.execPath, [...image.cmd, "--kubeconfig", loadBench().kubeconfigPath, "--http-address", `127.0.0.1:${port}`, "--leader-elect=false", "--namespace", "default"], {
        cwd: image.dir,
        env: { PATH: process.env.PATH, ...image.env },
        stdio: "ignore",
      });
      try {
        await waitFor("/healthz", async () => ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200 ? true : undefined), 60_000);
      } finally {
        child.kill("SIGTERM");
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
