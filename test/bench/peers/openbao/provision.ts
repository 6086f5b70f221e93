// What the bench's OpenBao holds after start (and after a restart: dev mode keeps everything in memory):
// KV v1 at kv1/ (secret/ is KV v2 already), auth methods at their default paths wired to the bench
// apiserver (Kubernetes auth via real TokenReview, JWT with the apiserver's service-account key), and the
// demo's user, policy and secrets.
import { readFileSync } from "node:fs";
import { baoApi, enableAuth, mountKv, writeKv, writePolicy } from "./admin.ts";
import type { BaoEndpoint } from "./admin.ts";

/** The bench apiserver as OpenBao's Kubernetes and JWT auth need it. */
export interface KubeTrust {
  server: string;
  caCertPath: string;
  saPubPath: string;
  issuer: string;
}

export const DEMO_USER = "demo";
/** A bench-only password for the demo user; it protects nothing outside this throwaway dev server. */
export const DEMO_PASSWORD = "demo-password-not-secret";

/** Points the Kubernetes auth mount at `path` to the bench apiserver (TokenReview with the client's own JWT). */
export async function configureKubernetesAuth(bao: BaoEndpoint, kube: KubeTrust, path = "kubernetes"): Promise<void> {
  await enableAuth(bao, "kubernetes", path);
  await baoApi(bao, "POST", `auth/${path}/config`, {
    kubernetes_host: kube.server,
    kubernetes_ca_cert: readFileSync(kube.caCertPath, "utf8"),
    disable_local_ca_jwt: true,
  });
}

/** Makes the JWT auth mount at `path` trust the apiserver's service-account signing key and issuer. */
export async function configureJwtAuth(bao: BaoEndpoint, kube: KubeTrust, path = "jwt"): Promise<void> {
  await enableAuth(bao, "jwt", path);
  await baoApi(bao, "POST", `auth/${path}/config`, { jwt_validation_pubkeys: [readFileSync(kube.saPubPath, "utf8")], bound_issuer: kube.issuer });
}

export async function provision(bao: BaoEndpoint, kube: KubeTrust): Promise<void> {
  await mountKv(bao, "kv1", "1");
  await configureKubernetesAuth(bao, kube);
  await configureJwtAuth(bao, kube);
  for (const type of ["approle", "userpass", "cert"]) await enableAuth(bao, type);
  // The demo: a user that may read secret/demo/* and two secrets there.
  await writePolicy(bao, "demo-read", 'path "secret/data/demo/*" { capabilities = ["read"] }\npath "secret/metadata/demo/*" { capabilities = ["read", "list"] }');
  await baoApi(bao, "POST", `auth/userpass/users/${DEMO_USER}`, { password: DEMO_PASSWORD, token_policies: ["demo-read"], token_ttl: "1h" });
  await writeKv(bao, "secret", "demo/database", { username: "app", password: "demo-db-password", config: { host: "db.demo.svc", port: 5432 } });
  await writeKv(bao, "secret", "demo/api", { token: "demo-api-token", endpoint: "https://api.demo.example" });
}
