// The write calls over gRPC (Google's transport; the emulator speaks only REST): what reaches the server is the
// request Google documents (secret id and parent, labels, annotations, topics, replication oneof, regional CMEK,
// update mask, etag, payload CRC32C). A small in-process gRPC server records the requests (unit tier).
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
import { PermissionDeniedError } from "../../../../src/provider/errors.ts";

const protos = join(dirname(fileURLToPath(import.meta.resolve("@google-cloud/secret-manager"))), "..", "protos");
type Unary = (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => void;

describe("gcpsm push over gRPC", () => {
  const server = new grpc.Server();
  const seen: Array<{ method: string; request: Record<string, unknown> }> = [];
  const secrets = new Map<string, { labels: Record<string, string>; annotations: Record<string, string>; etag: string; data?: Buffer }>();
  let port = 0;

  before(async () => {
    const pkg = new GrpcClient().loadProto(protos, "google/cloud/secretmanager/v1/service.proto") as unknown as {
      google: { cloud: { secretmanager: { v1: { SecretManagerService: { service: grpc.ServiceDefinition } } } } };
    };
    const handler = (method: string, answer: (request: Record<string, unknown>) => { error?: grpc.ServiceError | Partial<grpc.StatusObject>; value?: unknown }): Unary => (call, callback) => {
      seen.push({ method, request: call.request });
      const { error, value } = answer(call.request);
      callback((error as grpc.ServiceError) ?? null, value ?? {});
    };
    const notFound = { code: grpc.status.NOT_FOUND, details: "not found" };
    server.addService(pkg.google.cloud.secretmanager.v1.SecretManagerService.service, {
      getSecret: handler("GetSecret", (r) => {
        const secret = secrets.get(r["name"] as string);
        return secret ? { value: { name: r["name"], labels: secret.labels, annotations: secret.annotations, etag: secret.etag } } : { error: notFound };
      }),
      createSecret: handler("CreateSecret", (r) => {
        const secret = r["secret"] as { labels: Record<string, string>; annotations: Record<string, string> };
        secrets.set(`${r["parent"]}/secrets/${r["secretId"]}`, { labels: secret.labels, annotations: secret.annotations, etag: '"1"' });
        return { value: secret };
      }),
      addSecretVersion: handler("AddSecretVersion", (r) => {
        const secret = secrets.get(r["parent"] as string);
        if (!secret) return { error: notFound };
        secret.data = (r["payload"] as { data: Buffer }).data;
        return { value: { name: `${r["parent"]}/versions/1`, state: "ENABLED" } };
      }),
      accessSecretVersion: handler("AccessSecretVersion", (r) => {
        const secret = secrets.get((r["name"] as string).replace(/\/versions\/.*$/, ""));
        return secret?.data ? { value: { name: r["name"], payload: { data: secret.data, dataCrc32c: crc32c(secret.data) } } } : { error: notFound };
      }),
      updateSecret: handler("UpdateSecret", () => ({ value: {} })),
      deleteSecret: handler("DeleteSecret", (r) => (r["name"] === "projects/p/secrets/locked" ? { error: { code: grpc.status.PERMISSION_DENIED, details: "Permission 'secretmanager.secrets.delete' denied" } } : { value: {} })),
    });
    port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))));
  });
  after(() => server.forceShutdown());

  const session = (location?: string) => {
    const auth = new PassThroughClient();
    const api = sdkApi(resolveEndpoint({ endpoint: `127.0.0.1:${port}` }, {}), auth);
    return gcpsmClient({ api, writes: api, auth, scope: { project: "p", location }, fallbackToEnabled: false, log: pino({ level: "silent" }) });
  };
  const meta = (spec: unknown) => ({ apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata", spec });
  const last = (method: string) => seen.filter((s) => s.method === method).at(-1)!.request;

  it("CreateSecret carries labels, annotations, topics and the replication oneof; AddSecretVersion the CRC32C", async () => {
    const client = session();
    const spec = { labels: { team: "a" }, annotations: { owner: "x" }, topics: ["projects/p/topics/t"], replicationLocations: ["europe-west1"], cmekKeyName: "k" };
    assert.equal(await client.push!.pushSecret({ remoteRef: { remoteKey: "db" }, secretKey: "v", data: { v: Buffer.from("grpc-pushed") }, metadata: meta(spec) }), "created");
    const create = last("CreateSecret") as { parent: string; secretId: string; secret: Record<string, unknown> };
    assert.equal(create.parent, "projects/p");
    assert.equal(create.secretId, "db");
    assert.deepEqual(create.secret["labels"], { team: "a", "managed-by": "external-secrets" });
    assert.deepEqual(create.secret["annotations"], { owner: "x" });
    assert.deepEqual(create.secret["topics"], [{ name: "projects/p/topics/t" }]);
    // `replication: "userManaged"` is the server-side proto loader naming the oneof member that was set.
    assert.deepEqual(create.secret["replication"], { replication: "userManaged", userManaged: { replicas: [{ location: "europe-west1", customerManagedEncryption: { kmsKeyName: "k" } }] } });
    const add = last("AddSecretVersion") as { parent: string; payload: { data: Buffer; dataCrc32c: unknown } };
    assert.equal(add.parent, "projects/p/secrets/db");
    assert.equal(add.payload.data.toString(), "grpc-pushed");
    assert.equal(String(add.payload.dataCrc32c), String(crc32c(Buffer.from("grpc-pushed"))));
    // At rest: reads only.
    const before = seen.length;
    assert.equal(await client.push!.pushSecret({ remoteRef: { remoteKey: "db" }, secretKey: "v", data: { v: Buffer.from("grpc-pushed") }, metadata: meta(spec) }), "unchanged");
    assert.deepEqual(seen.slice(before).map((s) => s.method), ["GetSecret", "AccessSecretVersion"]);
    await client.close();
  });

  it("UpdateSecret sends the labels,annotations mask and the etag read", async () => {
    const client = session();
    assert.equal(await client.push!.pushSecret({ remoteRef: { remoteKey: "db" }, secretKey: "v", data: { v: Buffer.from("grpc-pushed") }, metadata: meta({ labels: { team: "b" } }) }), "updated");
    const update = last("UpdateSecret") as { secret: { name: string; labels: Record<string, string>; annotations: Record<string, string>; etag: string }; updateMask: { paths: string[] } };
    assert.deepEqual(update.updateMask.paths, ["labels", "annotations"]);
    assert.equal(update.secret.name, "projects/p/secrets/db");
    assert.equal(update.secret.etag, '"1"');
    assert.deepEqual(update.secret.labels, { team: "b", "managed-by": "external-secrets" });
    assert.deepEqual(update.secret.annotations, {});
    await client.close();
  });

  it("a regional secret: no replication, the CMEK key on the secret", async () => {
    const client = session("europe-west1");
    await client.push!.pushSecret({ remoteRef: { remoteKey: "regional" }, secretKey: "v", data: { v: Buffer.from("x") }, metadata: meta({ cmekKeyName: "k" }) });
    const create = last("CreateSecret") as { parent: string; secret: Record<string, unknown> };
    assert.equal(create.parent, "projects/p/locations/europe-west1");
    assert.equal(create.secret["replication"], null);
    assert.deepEqual(create.secret["customerManagedEncryption"], { kmsKeyName: "k" });
    await client.close();
  });

  it("DeleteSecret sends the etag; PERMISSION_DENIED maps to PermissionDeniedError", async () => {
    const client = session();
    assert.equal(await client.push!.deleteSecret({ remoteKey: "db" }), "deleted");
    assert.deepEqual(last("DeleteSecret"), { name: "projects/p/secrets/db", etag: '"1"' });
    secrets.set("projects/p/secrets/locked", { labels: { "managed-by": "external-secrets" }, annotations: {}, etag: '"3"' });
    await assert.rejects(client.push!.deleteSecret({ remoteKey: "locked" }), PermissionDeniedError);
    await client.close();
  });
});
