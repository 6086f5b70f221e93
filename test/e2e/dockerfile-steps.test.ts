// The Dockerfile's build, performed step by step in a temporary directory (no container engine here): it
// installs production dependencies only, and its entrypoint, given the Deployment's args the way Kubernetes
// does (args replace CMD, ENTRYPOINT stays), starts and answers /healthz.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performDockerfile } from "../helpers/dockerfile.ts";
import type { V1Deployment } from "@kubernetes/client-node";
import { REPO, helmTemplate } from "../helpers/deploy.ts";
import { freePort } from "../helpers/in-cluster.ts";
import { loadBench } from "../helpers/bench.ts";
import { waitFor } from "../helpers/operator.ts";

describe("Dockerfile", () => {
  it("builds a production-only tree whose entrypoint, with the chart's args, serves /healthz", async () => {
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
      assert.match(image.entrypoint.join(" "), /node .*dist\/src\/cli\.js$/, "the entrypoint is the program, so Kubernetes args are its arguments");
      assert.deepEqual(image.cmd, ["run"]);
      const deployment = helmTemplate("secrets-bridge").find((obj) => obj.kind === "Deployment") as V1Deployment;
      const chartArgs = deployment.spec!.template.spec!.containers[0]!.args!;
      assert.equal(chartArgs[0], "run", "the chart's args start with the subcommand");
      const port = await freePort();
      // Later flags win with commander: point the chart's arguments at the bench instead of a pod's environment.
      const args = [...chartArgs, "--kubeconfig", loadBench().kubeconfigPath, "--http-address", `127.0.0.1:${port}`, "--leader-elect=false", "--namespace", "default"];
      const child = spawn(process.execPath, [...image.entrypoint.slice(1), ...args], {
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
