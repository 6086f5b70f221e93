// The AWS clients read every response within Limits.providerResponseBytes before the SDK's deserializer: a huge
// answer fails once (no SDK retry) as ResponseTooLargeError, the connection is cut; ordinary answers and the XML
// error bodies kept for mapAwsError still work. Against a loopback stand-in server.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { awsCall, countRequests } from "../../../../providers/aws/calls.ts";
import { PermissionDeniedError, ResponseTooLargeError } from "../../../../src/provider/errors.ts";
import { pour, startHostileServer, type HostileServer } from "../../../helpers/hostile-http.ts";

describe("AWS responses: bounded before the SDK reads them", () => {
  let server: HostileServer;
  const bodyOf = async (req: IncomingMessage) => {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    return JSON.parse(text) as { SecretId: string };
  };

  before(async () => {
    server = await startHostileServer((req, res) => {
      // The huge answer is chosen by a header (pour answers at once); the others by the SecretId in the body.
      if (req.headers["x-test-route"] === "huge") return pour(req, res, 300 * 1024 * 1024, "application/x-amz-json-1.1");
      void bodyOf(req).then(({ SecretId }) => {
        if (SecretId === "denied") {
          res.writeHead(403, { "content-type": "text/xml" });
          res.end("<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>");
          return;
        }
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ Name: SecretId, SecretString: "small", VersionId: "v1" }));
      });
      return undefined;
    });
  });
  after(() => server.close());

  const client = (route?: string) => {
    const sdk = countRequests(new SecretsManagerClient({ region: "us-east-1", endpoint: server.url, credentials: { accessKeyId: "a", secretAccessKey: "b" }, maxAttempts: 3 }));
    if (route) sdk.middlewareStack.add((next) => (args) => {
      (args as { request: { headers: Record<string, string> } }).request.headers["x-test-route"] = route;
      return next(args);
    }, { step: "build", name: "testRoute" });
    return sdk;
  };
  const get = (sdk: SecretsManagerClient, id: string) => awsCall(`GetSecretValue ${id}`, () => sdk.send(new GetSecretValueCommand({ SecretId: id })));

  it("a 300 MiB answer fails as ResponseTooLargeError, once, and the connection is cut", async () => {
    const sdk = client("huge");
    await assert.rejects(get(sdk, "app"), (err: unknown) => {
      assert.ok(err instanceof ResponseTooLargeError, String(err));
      assert.equal(err.message, "GetSecretValue: the response: larger than the 16 MiB limit");
      return true;
    });
    await Promise.all(server.pours.map((p) => p.done));
    assert.equal(server.pours.length, 1, "not retried by the SDK");
    assert.equal(server.pours[0]!.clientClosed, true);
    sdk.destroy();
  });

  it("ordinary answers are deserialized from the bounded copy", async () => {
    const sdk = client();
    const out = await get(sdk, "app");
    assert.equal(out.SecretString, "small");
    sdk.destroy();
  });

  it("a non-JSON error body is still read for AWS's error code", async () => {
    const sdk = client();
    await assert.rejects(get(sdk, "denied"), (err: unknown) => err instanceof PermissionDeniedError && /AccessDenied/.test(err.message));
    sdk.destroy();
  });
});
