// The gRPC transport (Google's default) as sdkApi configures it for a loopback endpoint: plaintext, the right
// port, CRC32C as protobuf sends it, gRPC status codes. A small in-process gRPC server stands in (unit tier);
// the integration tests run against the REST emulator.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { GrpcClient, grpc } from "google-gax";
import { PassThroughClient } from "google-auth-library";
import { sdkApi } from "../../../../providers/gcpsm/api.ts";
import { resolveEndpoint } from "../../../../providers/gcpsm/endpoint.ts";
import { gcpsmClient } from "../../../../providers/gcpsm/client.ts";
import { crc32c } from "../../../../providers/gcpsm/crc32c.ts";
import { NoSecretError, ProviderUnavailableError, ResponseTooLargeError } from "../../../../src/provider/errors.ts";

const protos = join(dirname(fileURLToPath(import.meta.resolve("@google-cloud/secret-manager"))), "..", "protos");

describe("gcpsm over gRPC (plaintext to loopback)", () => {
  const server = new grpc.Server();
  const seen: string[] = [];
  let corrupt = false;
  let port = 0;

  before(async () => {
    const pkg = new GrpcClient().loadProto(protos, "google/cloud/secretmanager/v1/service.proto") as unknown as {
      google: { cloud: { secretmanager: { v1: { SecretManagerService: { service: grpc.ServiceDefinition } } } } };
    };
    server.addService(pkg.google.cloud.secretmanager.v1.SecretManagerService.service, {
      accessSecretVersion(call: grpc.ServerUnaryCall<{ name: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
        seen.push(call.request.name);
        if (call.request.name.includes("/missing/")) return callback({ code: grpc.status.NOT_FOUND, details: "Secret not found" });
        if (call.request.name.includes("/huge/")) return callback(null, { name: call.request.name, payload: { data: Buffer.alloc(2 * 1024 * 1024) } });
        const data = Buffer.from("grpc-value");
        callback(null, { name: call.request.name.replace(/latest$/, "3"), payload: { data, dataCrc32c: corrupt ? crc32c(data) + 1 : crc32c(data) } });
      },
    });
    port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))));
  });
  after(() => server.forceShutdown());

  const session = (maxResponseBytes?: number) => {
    const endpoint = resolveEndpoint({ endpoint: `127.0.0.1:${port}` }, {});
    assert.equal(endpoint.transport, "grpc");
    assert.equal(endpoint.secure, false);
    const auth = new PassThroughClient();
    return gcpsmClient({ api: sdkApi(endpoint, auth, maxResponseBytes), auth, scope: { project: "p" }, fallbackToEnabled: false, log: pino({ level: "silent" }) });
  };

  it("reads a value and verifies its CRC32C", async () => {
    const client = session();
    assert.equal(Buffer.from(await client.getSecret({ key: "db" })).toString(), "grpc-value");
    assert.deepEqual(seen.slice(-1), ["projects/p/secrets/db/versions/latest"]);
    await client.close();
  });

  it("rejects a wrong CRC32C", async () => {
    corrupt = true;
    const client = session();
    await assert.rejects(client.getSecret({ key: "db", version: "2" }), ProviderUnavailableError);
    corrupt = false;
    await client.close();
  });

  it("an answer past the response cap fails as ResponseTooLargeError, not as quota or not-found", async () => {
    const client = session(1024 * 1024);
    await assert.rejects(client.getSecret({ key: "huge" }), (err: unknown) => err instanceof ResponseTooLargeError && /^AccessSecretVersion on .*huge.*: the response: larger than the 1 MiB limit$/.test(err.message));
    await client.close();
  });

  it("maps NOT_FOUND to NoSecretError", async () => {
    const client = session();
    await assert.rejects(client.getSecret({ key: "missing" }), NoSecretError);
    await client.close();
  });
});
