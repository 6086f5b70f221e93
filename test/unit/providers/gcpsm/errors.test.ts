import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { callStatus, Code, mapGcpError } from "../../../../providers/gcpsm/errors.ts";
import { ConfigError, NoSecretError, PermissionDeniedError, ProviderError, ProviderUnavailableError } from "../../../../src/provider/errors.ts";

const grpcError = (code: number, message = "server text") => Object.assign(new Error(message), { code });

describe("gcpsm error mapping", () => {
  const table = [
    { name: "NOT_FOUND is NoSecretError (deletionPolicy applies)", given: grpcError(Code.NOT_FOUND), want: NoSecretError, status: "not_found" },
    { name: "PERMISSION_DENIED", given: grpcError(Code.PERMISSION_DENIED), want: PermissionDeniedError, status: "denied" },
    { name: "UNAUTHENTICATED", given: grpcError(Code.UNAUTHENTICATED), want: PermissionDeniedError, status: "denied" },
    { name: "UNAVAILABLE backs off", given: grpcError(Code.UNAVAILABLE), want: ProviderUnavailableError, status: "error" },
    { name: "RESOURCE_EXHAUSTED (quota) backs off", given: grpcError(Code.RESOURCE_EXHAUSTED), want: ProviderUnavailableError, status: "throttled" },
    { name: "DEADLINE_EXCEEDED backs off", given: grpcError(Code.DEADLINE_EXCEEDED), want: ProviderUnavailableError, status: "error" },
    { name: "INVALID_ARGUMENT is a spec error", given: grpcError(Code.INVALID_ARGUMENT), want: ConfigError, status: "error" },
    { name: "no code (socket error) backs off", given: new TypeError("fetch failed"), want: ProviderUnavailableError, status: "error" },
  ];
  for (const { name, given, want, status } of table) {
    it(name, () => {
      const mapped = mapGcpError(given, "AccessSecretVersion", "secret db version latest");
      assert.ok(mapped instanceof want, `${mapped.constructor.name} is not ${want.name}`);
      assert.ok(!mapped.message.includes("server text"), "the server's message must not pass through");
      assert.equal(callStatus(given), status);
    });
  }

  it("a disabled version names the version and its state, and is not NoSecretError", () => {
    const mapped = mapGcpError(grpcError(Code.FAILED_PRECONDITION, "Secret Version [projects/p/secrets/db/versions/2] is in DISABLED state."), "AccessSecretVersion", "secret db version 2");
    assert.ok(mapped instanceof ProviderError && !(mapped instanceof NoSecretError));
    assert.equal(mapped.message, "secret db version 2 is DISABLED");
    assert.equal((mapped as ProviderError).reason, "SecretVersionNotEnabled");
  });

  it("a destroyed version", () => {
    assert.equal(mapGcpError(grpcError(Code.FAILED_PRECONDITION, "... DESTROYED state"), "AccessSecretVersion", "secret db version 1").message, "secret db version 1 is DESTROYED");
  });

  it("keeps only the permission name from a denial", () => {
    const mapped = mapGcpError(grpcError(Code.PERMISSION_DENIED, "Permission 'secretmanager.versions.access' denied for resource 'projects/p/secrets/s'"), "AccessSecretVersion", "secret s version latest");
    assert.equal(mapped.message, "AccessSecretVersion on secret s version latest: permission denied (secretmanager.versions.access)");
  });

  it("passes our own typed errors through", () => {
    const own = new PermissionDeniedError("STSExchange refused: HTTP 400");
    assert.equal(mapGcpError(own, "x", "y"), own);
  });

  it("success is counted as success", () => assert.equal(callStatus(undefined), "success"));
});
