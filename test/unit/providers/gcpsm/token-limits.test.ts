// Google STS answers are read within Limits.tokenResponseBytes: a huge answer fails as ResponseTooLargeError and
// the connection is cut; an ordinary one still yields its token. Against a loopback stand-in ($GCP_STS_ENDPOINT).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { STS_ENDPOINT_ENV, stsExchange } from "../../../../providers/gcpsm/auth-workload-identity.ts";
import { ResponseTooLargeError } from "../../../../src/provider/errors.ts";
import { pour, startHostileServer, type HostileServer } from "../../../helpers/hostile-http.ts";

describe("gcpsm token endpoints: bounded answers", () => {
  let server: HostileServer;
  const saved = process.env[STS_ENDPOINT_ENV];

  before(async () => {
    server = await startHostileServer((req, res) => {
      if (req.url === "/huge/token") return pour(req, res, 300 * 1024 * 1024);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ access_token: "federated", expires_in: 60 }));
      return undefined;
    });
  });
  after(async () => {
    if (saved === undefined) delete process.env[STS_ENDPOINT_ENV];
    else process.env[STS_ENDPOINT_ENV] = saved;
    await server.close();
  });

  it("a 300 MiB answer fails at 1 MiB and the connection is cut", async () => {
    process.env[STS_ENDPOINT_ENV] = `${server.url}/huge/token`;
    await assert.rejects(stsExchange("aud", "jwt"), (err: unknown) => err instanceof ResponseTooLargeError && err.message === "STSExchange: the response: larger than the 1 MiB limit");
    await server.pours[0]!.done;
    assert.equal(server.pours[0]!.clientClosed, true);
  });

  it("an ordinary answer yields the token", async () => {
    process.env[STS_ENDPOINT_ENV] = `${server.url}/token`;
    assert.equal((await stsExchange("aud", "jwt")).token, "federated");
  });
});
