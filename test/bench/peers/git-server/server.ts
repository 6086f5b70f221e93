// The bench's Git server: `git http-backend` (CGI, smart HTTP) behind a small Node HTTP server on 127.0.0.1 with
// basic or bearer auth, serving the bare repositories of one directory. Run as a separate process by peer.ts:
//   node server.ts <config.json>   (config: { port, reposDir, username, password, token })
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

interface Config {
  port: number;
  reposDir: string;
  username: string;
  password: string;
  token: string;
}

const config = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Config;
const basic = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString("base64")}`;
const bearer = `Bearer ${config.token}`;

function authorized(req: IncomingMessage): boolean {
  const header = req.headers.authorization ?? "";
  return header === basic || header === bearer;
}

/** Runs git http-backend for one request and relays its CGI response (Status + headers, blank line, body). */
function serveGit(req: IncomingMessage, res: ServerResponse, url: URL): void {
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: config.reposDir,
    GIT_PROJECT_ROOT: config.reposDir,
    GIT_HTTP_EXPORT_ALL: "1",
    GIT_CONFIG_NOSYSTEM: "1",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? "GET",
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    REMOTE_USER: "bench",
  };
  if (req.headers["git-protocol"]) env["HTTP_GIT_PROTOCOL"] = String(req.headers["git-protocol"]);
  if (req.headers["content-encoding"]) env["HTTP_CONTENT_ENCODING"] = String(req.headers["content-encoding"]);
  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "inherit"] });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headerDone = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headerDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n") >= 0 ? head.indexOf("\r\n\r\n") : head.indexOf("\n\n");
    if (end < 0) return;
    const sep = head[end] === 13 ? 4 : 2;
    let status = 200;
    for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]) || 200;
      else res.setHeader(name, value);
    }
    res.statusCode = status;
    headerDone = true;
    res.write(head.subarray(end + sep));
  });
  child.on("close", (code) => {
    if (!headerDone) {
      res.statusCode = 500;
      res.end(`git http-backend exited with ${code}\n`);
    } else res.end();
  });
  child.on("error", () => {
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/_health") {
    res.end("ok\n");
    return;
  }
  if (!authorized(req)) {
    res.writeHead(401, { "WWW-Authenticate": 'Basic realm="bench git"' });
    res.end("authentication required\n");
    return;
  }
  serveGit(req, res, url);
});
server.listen(config.port, "127.0.0.1", () => process.stdout.write(`git server listening on 127.0.0.1:${config.port}\n`));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
