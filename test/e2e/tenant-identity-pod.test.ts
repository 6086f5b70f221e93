// Issue 14 with the operator run exactly as in a pod (the chart applied, its ServiceAccount's token mounted, the
// chart's RBAC only): the kube-apiserver's audiences are learned from what a pod has (its token file, the OIDC
// issuer), so a tenant's ServiceAccount token goes to the tenant's server for audience "vault" and an apiserver
// audience is refused; a SecretStore asking for the operator's own token is refused. A recording server on
// loopback plays the tenant's Vault.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { freshNamespace } from "../helpers/bench.ts";
import { installChart, mountServiceAccount, startLikePod, type PodProcess } from "../helpers/in-cluster.ts";
import { kube, sleep, waitFor } from "../helpers/operator.ts";
import { audOf, jwtPayloadIn, leaked, startRecordingServer, type RecordingServer } from "../helpers/recording-server.ts";
import { ambientRefused, apiServerIssuer, storeReady } from "../helpers/tenants.ts";

describe("in a pod under the chart's RBAC: tenant tokens and the operator's own", () => {
  const k = kube();
  const system = `sb-tenant-${randomBytes(3).toString("hex")}`;
  const root = mkdtempSync(join(tmpdir(), "sb-pod-"));
  let pod: PodProcess;
  let app: string;
  let server: RecordingServer;
  let podToken: string;
  const vaultStore = (auth: unknown) => ({ provider: { vault: { server: server.url, path: "secret", auth } } });

  before(async () => {
    const deployment = await installChart("tenant", system, ["leaderElection.enabled=false", "metrics.auth=none"]);
    await mountServiceAccount(root, system, "tenant-secrets-bridge");
    podToken = readFileSync(join(root, "var/run/secrets/kubernetes.io/serviceaccount/token"), "utf8");
    server = await startRecordingServer();
    app = await freshNamespace("tenant-pod-app");
    await k.core.createNamespacedServiceAccount({ namespace: app, body: { metadata: { name: "app" } } });
    pod = await startLikePod(deployment, root, [`--namespace=${app}`]);
  });
  after(async () => {
    if (pod?.child.exitCode === null) pod.child.kill("SIGKILL");
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("a tenant ServiceAccount's token reaches the tenant's server for audience vault only", async () => {
    await k.create("SecretStore", app, "tenant-sa", vaultStore({ kubernetes: { role: "r", serviceAccountRef: { name: "app" } } }));
    const [login] = await waitFor("a login at the tenant's server", async () => {
      const seen = server.requests.filter((req) => req.url === "/v1/auth/kubernetes/login");
      return seen.length > 0 ? seen : undefined;
    });
    const payload = jwtPayloadIn(login!.body);
    assert.equal(payload?.sub, `system:serviceaccount:${app}:app`);
    assert.deepEqual(audOf(payload), ["vault"]);
  });

  it("the apiserver's audience is refused: learned in the pod from its token and the issuer", async () => {
    const before = server.requests.length;
    await k.create("SecretStore", app, "apiserver-aud", vaultStore({ kubernetes: { role: "r", mountPath: "evil", serviceAccountRef: { name: "app", audiences: [apiServerIssuer()] } } }));
    const condition = await storeReady("SecretStore", app, "apiserver-aud", "False", "InvalidProviderConfig");
    assert.match(condition.message ?? "", new RegExp(`^TokenRequest for service account ${app}/app: audience ".+" is refused: the kube-apiserver accepts it`));
    await sleep(500);
    assert.deepEqual(server.requests.slice(before).filter((req) => req.url.includes("/evil/")), []);
  });

  it("a SecretStore asking for the operator's own token is refused; the token never leaves", async () => {
    await k.create("SecretStore", app, "own-token", vaultStore({ kubernetes: { role: "r", mountPath: "own" } }));
    const condition = await storeReady("SecretStore", app, "own-token", "False", "InvalidProviderConfig");
    assert.match(condition.message ?? "", ambientRefused(/auth\.kubernetes without serviceAccountRef or secretRef logs in with the operator's ServiceAccount token/));
    await sleep(500);
    assert.deepEqual(leaked(server.requests, { podToken }), []);
    assert.ok(!pod.output().includes(podToken), "the pod's token appears in its log");
  });
});
