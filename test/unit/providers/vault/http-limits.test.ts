// VaultHttp reads answers within a byte cap: an endless body (or a declared one past the cap) fails as
// ResponseTooLargeError naming the request, the connection is closed rather than drained, and small answers work.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { VaultHttp } from "../../../../providers/vault/http.ts";
import { ResponseTooLargeError } from "../../../../src/provider/errors.ts";

const CAP = 64 * 1024;

/** Writes 16 KiB chunks until the client goes away; records how much went out and whether the socket closed. */
function endless(res: ServerResponse, seen: { written: number; closed: boolean }) {
  const chunk = Buffer.alloc(16 * 1024, 0x61);
  res.writeHead(200, { "content-type": "application/json" });
  res.on("close", () => (seen.closed = true));
  const pump = () => {
    while (!res.destroyed) {
      seen.written += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
  };
  pump();
}

describe("VaultHttp: response size cap", () => {
  let server: Server;
  let base: string;
  const seen = { written: 0, closed: false };

  before(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith("/v1/endless")) return endless(res, seen);
      if (req.url?.startsWith("/v1/declared")) {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(1024 ** 3) });
        return void res.write("{");
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { ok: true } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const client = () => new VaultHttp({ server: base, tls: {}, headers: {}, readYourWrites: false, maxResponseBytes: CAP });

  it("stops an endless body at the cap and closes the connection", async () => {
    const http = client();
    await assert.rejects(http.send({ method: "GET", path: "endless/app", op: "read", call: "ReadSecret" }), (err: unknown) => {
      assert.ok(err instanceof ResponseTooLargeError);
      assert.equal(err.message, "vault read endless/app: the response: larger than the 64 KiB limit");
      return true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(seen.closed, true, "the server saw the connection close");
    // What the server managed to push into socket buffers before the close: bounded, nowhere near endless.
    assert.ok(seen.written < 16 * 1024 * 1024, `server wrote ${seen.written} bytes`);
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
