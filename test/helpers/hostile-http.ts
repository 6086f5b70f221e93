// A hostile peer for tests: a node:http server on 127.0.0.1 whose routes can pour an arbitrarily large body,
// generated chunk by chunk with backpressure (never held in memory here either), until the client hangs up.
// It records what each huge answer cost it, so tests can assert the client stopped reading early.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One huge answer: bytes handed to the socket before the client went away (or all of them), and whether it did. */
export interface Pour {
  path: string;
  written: number;
  clientClosed: boolean;
  done: Promise<void>;
}

export interface HostileServer {
  url: string;
  /** Every huge answer so far, in order. */
  pours: Pour[];
  /** TCP connections accepted so far: a client that must not call at all (HTTP/1, HTTP/2 or gRPC) opens none. */
  connections(): number;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** Writes `total` bytes of "a" to `res` (chunked, no Content-Length), stopping when the client closes. */
export function pour(req: IncomingMessage, res: ServerResponse, total: number, contentType = "application/json"): Pour {
  const record: Pour = { path: req.url ?? "", written: 0, clientClosed: false, done: Promise.resolve() };
  record.done = new Promise<void>((resolve) => {
    res.writeHead(200, { "content-type": contentType });
    res.on("close", () => {
      record.clientClosed = !res.writableFinished;
      resolve();
    });
    const next = () => {
      while (!res.destroyed && record.written < total) {
        const size = Math.min(CHUNK.length, total - record.written);
        record.written += size;
        if (!res.write(size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size))) return void res.once("drain", next);
      }
      if (!res.destroyed) res.end();
    };
    next();
  });
  return record;
}

/**
 * Starts the server; `route` answers each request and returns a Pour when it poured (use `pour`), or
 * undefined when it answered otherwise.
 */
export async function startHostileServer(route: (req: IncomingMessage, res: ServerResponse) => Pour | undefined): Promise<HostileServer> {
  const pours: Pour[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const poured = route(req, res);
    if (poured) pours.push(poured);
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pours,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
