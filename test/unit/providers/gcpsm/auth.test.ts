import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { JWT, PassThroughClient } from "google-auth-library";
import { authClientFor } from "../../../../providers/gcpsm/auth.ts";
import type { AuthContext } from "../../../../providers/gcpsm/auth.ts";
import { resolveEndpoint } from "../../../../providers/gcpsm/endpoint.ts";
import type { GcpsmProviderSpec } from "../../../../providers/gcpsm/schema.ts";
import type { KubeAccess } from "../../../../src/kube/access.ts";
import { ConfigError, ProviderUnavailableError } from "../../../../src/provider/errors.ts";

// Nothing here may reach a network: no metadata server, no token endpoint.
process.env["METADATA_SERVER_DETECTION"] = "none";
delete process.env["GOOGLE_APPLICATION_CREDENTIALS"];

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const key = { type: "service_account", project_id: "key-project", client_email: "sa@key-project.iam.gserviceaccount.com", private_key_id: "kid", private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };

// In-memory KubeAccess (unit tier).
const kube = { readSecretKey: async () => Buffer.from(JSON.stringify(key)) } as unknown as KubeAccess;
const ctx = (spec: GcpsmProviderSpec, env: Record<string, string> = {}): AuthContext => ({ spec, kube, log: pino({ level: "silent" }), endpoint: resolveEndpoint(spec, env) });

describe("gcpsm auth selection", () => {
  const dir = mkdtempSync(join(tmpdir(), "gcpsm-auth-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a service-account key signs requests locally and names its project", async () => {
    const auth = await authClientFor(ctx({ auth: { secretRef: { secretAccessKeySecretRef: { name: "s", key: "k" } } } }));
    assert.equal(auth.projectId, "key-project");
    const header = (await auth.client.getRequestHeaders()).get("authorization") ?? "";
    const [head, body, signature] = header.replace(/^Bearer /, "").split(".");
    assert.ok(verify("RSA-SHA256", Buffer.from(`${head}.${body}`), publicKey, Buffer.from(signature!, "base64url")));
    assert.equal(JSON.parse(Buffer.from(body!, "base64url").toString()).iss, key.client_email);
  });

  it("an overridden endpoint with empty auth sends no credentials", async () => {
    const auth = await authClientFor(ctx({ endpoint: "http://127.0.0.1:1" }));
    assert.ok(auth.client instanceof PassThroughClient);
    assert.equal([...(await auth.client.getRequestHeaders()).keys()].length, 0);
  });

  it("empty auth uses GOOGLE_APPLICATION_CREDENTIALS when set", async () => {
    const file = join(dir, "adc.json");
    writeFileSync(file, JSON.stringify(key));
    process.env["GOOGLE_APPLICATION_CREDENTIALS"] = file;
    try {
      const auth = await authClientFor(ctx({ projectID: "p" }));
      assert.ok(auth.client instanceof JWT);
      assert.equal((auth.client as JWT).email, key.client_email);
    } finally {
      delete process.env["GOOGLE_APPLICATION_CREDENTIALS"];
    }
  });

  it("empty auth without default credentials is transient, naming what to set", async () => {
    await assert.rejects(authClientFor(ctx({ projectID: "p" })), (err: Error) => err instanceof ProviderUnavailableError && /set spec.provider.gcpsm.auth/.test(err.message));
  });

  const invalid: Array<{ name: string; given: GcpsmProviderSpec }> = [
    {
      name: "two auth methods",
      given: { auth: { secretRef: { secretAccessKeySecretRef: { name: "s", key: "k" } }, workloadIdentity: { serviceAccountRef: { name: "a" }, clusterLocation: "l", clusterName: "c" } } },
    },
    { name: "workload identity without cluster details", given: { projectID: "p", auth: { workloadIdentity: { serviceAccountRef: { name: "a" } } } } },
    { name: "federation without audience", given: { auth: { workloadIdentityFederation: { serviceAccountRef: { name: "a" } } } } },
    { name: "federation from a credConfig (not yet)", given: { auth: { workloadIdentityFederation: { credConfig: { name: "cm", key: "c.json" } } } } },
  ];
  for (const { name, given } of invalid) it(`${name} is a ConfigError`, async () => assert.rejects(authClientFor(ctx(given)), ConfigError));
});
