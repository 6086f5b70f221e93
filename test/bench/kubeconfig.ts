// Writes kubeconfig files for the bench's admin client cert (CN=admin, O=system:masters): one for
// tests and people, one of its own for kube-controller-manager.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { stringify } from "yaml";
import { pkiPaths } from "./pki.ts";

/** A kubeconfig at `path` for `server` with the CA and the admin client cert of `benchDir`'s PKI embedded. */
export async function writeAdminKubeconfig(path: string, server: string, benchDir: string): Promise<void> {
  const pki = pkiPaths(benchDir);
  const b64 = (file: string): string => readFileSync(file).toString("base64");
  const config = {
    apiVersion: "v1", kind: "Config", "current-context": "bench",
    clusters: [{ name: "bench", cluster: { server, "certificate-authority-data": b64(pki.caCertPath) } }],
    users: [{ name: "admin", user: {
      "client-certificate-data": b64(pki.adminCertPath), "client-key-data": b64(pki.adminKeyPath),
    } }],
    contexts: [{ name: "bench", context: { cluster: "bench", user: "admin", namespace: "default" } }],
  };
  await writeFile(path, stringify(config), { mode: 0o600 });
}
