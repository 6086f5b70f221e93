// The README's first command, minus the set-up: `secrets-bridge demo` boots its own control plane, runs the
// examples to Ready and shows the Secrets with masked values only.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const REPO = new URL("../../", import.meta.url).pathname;

describe("secrets-bridge demo", () => {
  it("brings every example ExternalSecret to Ready and masks every value", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sb-demo-"));
    try {
      const child = spawn(process.execPath, ["src/cli.ts", "demo", "--dir", dir, "--exit-when-ready"], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const timer = setTimeout(() => child.kill("SIGINT"), 120_000);
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      clearTimeout(timer);
      assert.equal(code, 0, output);
      for (const name of ["payments-db", "payments-db-all", "feature-flags", "smtp", "orders-db", "deploy-key"]) assert.match(output, new RegExp(`ExternalSecret demo/${name} +Ready=True`));
      // The ClusterExternalSecret example fans the shared SMTP credentials out to both team=payments namespaces.
      assert.match(output, /ClusterExternalSecret smtp-shared +Ready=True \(Provisioned\) +namespaces demo, demo-2/);
      for (const namespace of ["demo", "demo-2"]) assert.match(output, new RegExp(`ExternalSecret ${namespace}/smtp-shared +Ready=True`));
      assert.match(output, /password = \*{8} \(28 bytes\)/);
      // The generators example: a 32-character password and an SSH key pair, masked like fetched values.
      assert.match(output, /db-password = \*{8} \(32 bytes\)/);
      assert.match(output, /privateKey = \*{8} \(\d+ bytes\)/);
      // Every value of the example stores, planted in the manifests, stays hidden.
      const manifests = readFileSync(join(REPO, "examples/demo/10-fake-store.yaml"), "utf8") + readFileSync(join(REPO, "examples/demo/20-cluster-store.yaml"), "utf8");
      for (const value of ["correct-horse-battery-staple", "tok-1234567890", "smtp-pass-42"]) {
        assert.ok(manifests.includes(value), `fixture ${value} missing from the examples`);
        assert.ok(!output.includes(value), `the demo printed ${value}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
