// VaultHttp reads answers within a byte cap: an endless body (or a declared one past the cap) fails as
// ResponseTooLargeError naming the request, the connection is closed rather than drained, and small answers work.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { VaultHttp } from "../../../../providers/vault/http.ts";
import { ResponseTooLargeError } from "../../../../src/provider/errors.ts";
import { pour, startHostileServer, type HostileServer } from "../../../helpers/hostile-http.ts";

const CAP = 64 * 1024;

describe("VaultHttp: response size cap", () => {
  let server: HostileServer;

  before(async () => {
    server = await startHostileServer((req, res) => {
      if (req.url?.startsWith("/v1/endless")) return pour(req, res, 1024 ** 3);
      if (req.url?.startsWith("/v1/declared")) {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(1024 ** 3) });
        res.write("{");
        return undefined;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { ok: true } }));
      return undefined;
    });
  });
  after(() => server.close());

  const client = () => new VaultHttp({ server: server.url, tls: {}, headers: {}, readYourWrites: false, maxResponseBytes: CAP });

  it("stops an endless body at the cap and closes the connection", async () => {
    const http = client();
    await assert.rejects(http.send({ method: "GET", path: "endless/app", op: "read", call: "ReadSecret" }), (err: unknown) => {
      assert.ok(err instanceof ResponseTooLargeError);
      assert.equal(err.message, "vault read endless/app: the response: larger than the 64 KiB limit");
      return true;
    });
    await server.pours[0]!.done;
    assert.equal(server.pours[0]!.clientClosed, true, "the server saw the connection close");
    // What the server pushed into socket buffers before the close: bounded, nowhere near the GiB it offered.
    assert.ok(server.pours[0]!.written < 16 * 1024 * 1024, `server wrote ${server.pours[0]!.written} bytes`);
    http.close();
  });

  it("rejects a declared Content-Length past the cap without reading it", async () => {
    const http = client();
    await assert.rejects(http.send({ method: "GET", path: "declared/app", op: "read", call: "ReadSecret" }), ResponseTooLargeError);
    http.close();
  });

  it("small answers are read as before", async () => {
    const http = client();
    const res = await http.send({ method: "GET", path: "small/app", op: "read", call: "ReadSecret" });
    assert.deepEqual(res.body, { data: { ok: true } });
    http.close();
  });
});
