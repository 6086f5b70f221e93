import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { resolveEndpoint } from "../../../../providers/gcpsm/endpoint.ts";
import { ConfigError } from "../../../../src/provider/errors.ts";

describe("gcpsm endpoint", () => {
  const table = [
    { name: "Google's global endpoint by default", given: { spec: {}, env: {} }, want: { transport: "grpc", host: "secretmanager.googleapis.com", port: 443, secure: true, overridden: false } },
    { name: "regional endpoint for a location", given: { spec: { location: "europe-west1" }, env: {} }, want: { transport: "grpc", host: "secretmanager.europe-west1.rep.googleapis.com", port: 443, secure: true, overridden: false } },
    { name: "env override host:port on loopback is plaintext gRPC", given: { spec: {}, env: { GCP_SECRETMANAGER_ENDPOINT: "127.0.0.1:29090" } }, want: { transport: "grpc", host: "127.0.0.1", port: 29090, secure: false, overridden: true } },
    { name: "a non-loopback host:port keeps TLS", given: { spec: {}, env: { GCP_SECRETMANAGER_ENDPOINT: "sm.internal:8443" } }, want: { transport: "grpc", host: "sm.internal", port: 8443, secure: true, overridden: true } },
    { name: "the store field wins over the env", given: { spec: { endpoint: "http://127.0.0.1:5000" }, env: { GCP_SECRETMANAGER_ENDPOINT: "127.0.0.1:1" } }, want: { transport: "rest", host: "127.0.0.1", port: 5000, secure: false, overridden: true } },
    { name: "https REST anywhere", given: { spec: { endpoint: "https://private.example:9443" }, env: {} }, want: { transport: "rest", host: "private.example", port: 9443, secure: true, overridden: true } },
    { name: "IPv6 loopback", given: { spec: { endpoint: "[::1]:7000" }, env: {} }, want: { transport: "grpc", host: "::1", port: 7000, secure: false, overridden: true } },
  ];
  for (const { name, given, want } of table) it(name, () => assert.deepEqual(resolveEndpoint(given.spec, given.env), want));

  it("refuses plaintext http to a non-loopback address", () => assert.throws(() => resolveEndpoint({ endpoint: "http://10.0.0.1:80" }, {}), ConfigError));
  it("refuses an invalid location", () => assert.throws(() => resolveEndpoint({ location: "eu/../x" }, {}), ConfigError));
});
