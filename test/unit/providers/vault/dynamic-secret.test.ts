// VaultDynamicSecret's pure parts: which request ESO's generator sends for a method, how an answer becomes keys
// (esutils.GetByteValue per value), and the spec checks. The run itself is tested on OpenBao
// (test/integration/generators-vault.test.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { answerOf, dynamicRequest, shapeAnswer, stateOf, valueBytes } from "../../../../providers/vault/dynamic-secret.ts";
import { revocations } from "../../../../providers/vault/dynamic-secret-cleanup.ts";
import { vaultDynamicSecret, type VaultDynamicSecretSpec } from "../../../../providers/vault/generator-dynamic-secret.ts";
import { vaultProvider } from "../../../../providers/vault/index.ts";
import { GeneratorError } from "../../../../src/generators/types.ts";
import { ProviderUnavailableError } from "../../../../src/provider/errors.ts";

const base: VaultDynamicSecretSpec = { path: "/pki/issue/web/", provider: { server: "https://vault.example:8200", auth: { tokenSecretRef: { name: "t", key: "token" } } } };
const text = (out: Record<string, Uint8Array> | undefined) => out && Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Buffer.from(v).toString()]));

describe("VaultDynamicSecret", () => {
  it("sends ESO's request for each method (exact spelling: anything else writes)", () => {
    const table: Array<{ method: string | undefined; want: [string, string] }> = [
      { method: undefined, want: ["GET", "read"] },
      { method: "", want: ["GET", "read"] },
      { method: "GET", want: ["GET", "read"] },
      { method: "LIST", want: ["LIST", "list"] },
      { method: "DELETE", want: ["DELETE", "write"] },
      { method: "POST", want: ["POST", "write"] },
      { method: "PUT", want: ["POST", "write"] },
      { method: "get", want: ["POST", "write"] },
    ];
    for (const { method, want } of table) {
      const req = dynamicRequest({ ...base, method, parameters: { common_name: "a" }, getParameters: { format: ["pem"] } });
      assert.deepEqual([req.method, req.op], want, String(method));
      assert.equal(req.path, "pki/issue/web", "slashes trimmed");
      if (req.method === "GET") assert.deepEqual(req.query, { format: ["pem"] });
      if (req.method === "POST") assert.deepEqual([req.body, req.withheld], [{ common_name: "a" }, ["a"]]);
    }
  });

  it("values as ESO's GetByteValue writes them", () => {
    const table: Array<{ value: unknown; want: string }> = [
      { value: "text", want: "text" },
      { value: 3600, want: "3600" },
      { value: 0.5, want: "0.5" },
      { value: 1e21, want: "1000000000000000000000" },
      { value: true, want: "true" },
      { value: null, want: "" },
      { value: ["b", "a<"], want: '["b","a\\u003c"]' },
      { value: { z: 1, a: "x" }, want: '{"a":"x","z":1}' },
    ];
    for (const { value, want } of table) assert.equal(Buffer.from(valueBytes(value)).toString(), want, JSON.stringify(value));
  });

  it("shapes the data, auth or whole answer; no answer is undefined, a null section is no keys", () => {
    const body = { request_id: "r", lease_duration: 0, data: { certificate: "c" }, auth: { client_token: "t", policies: ["default"] } };
    assert.deepEqual(text(shapeAnswer(base, body)), { certificate: "c" });
    assert.deepEqual(text(shapeAnswer({ ...base, resultType: "Auth" }, body)), { client_token: "t", policies: '["default"]' });
    assert.deepEqual(Object.keys(shapeAnswer({ ...base, resultType: "Raw" }, body)!), ["request_id", "lease_duration", "data", "auth"]);
    assert.equal(shapeAnswer(base, undefined), undefined);
    assert.deepEqual(shapeAnswer({ ...base, resultType: "Auth" }, { auth: null }), {});
    assert.throws(() => shapeAnswer(base, { data: "not an object" }), ProviderUnavailableError);
  });

  it("which answers are no answer, as the vault client ESO uses reads them", () => {
    const vault = (status: number, body: Record<string, unknown> = {}) => ({ status, body, fromVault: true });
    const table: Array<{ name: string; method: "GET" | "LIST" | "DELETE" | "POST"; res: { status: number; body: Record<string, unknown>; fromVault: boolean }; want: unknown }> = [
      { name: "a 200", method: "POST", res: vault(200, { data: { a: 1 } }), want: { data: { a: 1 } } },
      { name: "a 204", method: "DELETE", res: vault(204), want: undefined },
      { name: "a read's 404 with errors", method: "GET", res: vault(404, { errors: [] }), want: undefined },
      { name: "a read's 404 with data", method: "GET", res: vault(404, { data: { a: 1 } }), want: { data: { a: 1 } } },
      { name: "a list's 404 with warnings", method: "LIST", res: vault(404, { warnings: ["w"] }), want: { warnings: ["w"] } },
      { name: "a write's 404", method: "POST", res: vault(404, { errors: ["no handler"] }), want: "failed" },
      { name: "a proxy's 404 (not Vault's JSON)", method: "GET", res: { status: 404, body: {}, fromVault: false }, want: "failed" },
      { name: "a 403", method: "GET", res: vault(403, { errors: ["permission denied"] }), want: "failed" },
      { name: "a 200 that is not Vault's JSON", method: "GET", res: { status: 200, body: {}, fromVault: false }, want: "failed" },
    ];
    for (const c of table) assert.deepEqual(answerOf({ method: c.method }, c.res), c.want, c.name);
  });

  it("refuses specs it cannot run, and names the operator's identity and the endpoint for the tenant rules", async () => {
    assert.match(vaultDynamicSecret.problem({ ...base, retrySettings: { retryInterval: "soon" } })!, /not a duration/);
    assert.match(vaultDynamicSecret.problem({ ...base, retrySettings: { retryInterval: "5m" } })!, /longer than 30s/);
    assert.match(vaultDynamicSecret.problem({ ...base, path: "//" })!, /path is empty/);
    assert.equal(vaultDynamicSecret.problem({ ...base, retrySettings: { maxRetries: 3, retryInterval: "2s" } }), undefined);
    assert.equal(vaultDynamicSecret.operatorIdentity!(base), undefined);
    assert.match(vaultDynamicSecret.operatorIdentity!({ ...base, provider: { ...base.provider, auth: { kubernetes: { role: "r" } } } })!, /operator's ServiceAccount token/);
    assert.deepEqual(vaultDynamicSecret.endpoints!(base), { "provider.server": "https://vault.example:8200" });
    await assert.rejects(vaultDynamicSecret.generate(base), (err: Error) => err instanceof GeneratorError && /not generated offline/.test(err.message));
    assert.equal(vaultDynamicSecret.spec.safeParse({ path: "x" }).success, false, "provider is required");
    assert.equal(vaultDynamicSecret.spec.safeParse({ ...base, retrySettings: { maxRetries: 1000 } }).success, false, "retries are bounded");
  });

  it("comes with the vault provider", () => {
    assert.deepEqual(vaultProvider.generators.map((generator) => generator.kind), ["VaultDynamicSecret"]);
  });

  it("keeps for cleanup the lease id and a made token's accessor, never the token; nothing when Vault gave neither", () => {
    assert.deepEqual(stateOf({ lease_id: "database/creds/app/abc", data: { password: "p" } }), { leaseId: "database/creds/app/abc" });
    assert.deepEqual(stateOf({ lease_id: "", auth: { client_token: "hvs.secret", accessor: "acc-1" } }), { accessor: "acc-1" });
    assert.deepEqual(stateOf({ lease_id: "", data: { certificate: "c" } }), {});
    assert.deepEqual(stateOf(undefined), {});
    assert.deepEqual(stateOf({ lease_id: 42, auth: { accessor: null } }), {}, "odd types are not kept");
  });

  it("cleanup revokes a lease by sys/leases/revoke and a token by auth/token/revoke-accessor, ids in the body", () => {
    assert.deepEqual(
      revocations({ leaseId: "pki/issue/web/x", accessor: "acc-1" }).map((r) => [r.method, r.path, r.body]),
      [
        ["POST", "sys/leases/revoke", { lease_id: "pki/issue/web/x" }],
        ["POST", "auth/token/revoke-accessor", { accessor: "acc-1" }],
      ],
    );
    assert.deepEqual(revocations({}), []);
    assert.deepEqual(revocations({ other: "x" }), []);
  });
});
