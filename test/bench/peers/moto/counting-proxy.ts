// A counting HTTP proxy in front of moto, run as its own process by peer.ts: tests count the requests the
// operator really sends (moto keeps no request log), see which access key signed them and which
// ServiceAccount a web identity token named, and can make the next N calls of an operation fail (throttling,
// 5xx) to exercise retries. It records names, ids and key ids only, never a value.
// Usage: node counting-proxy.ts <listen-port> <moto-url>
import { createServer, request } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";

/** One request the proxy forwarded. */
export interface ProxiedRequest {
  /** `<service>.<Operation>`, e.g. secretsmanager.GetSecretValue, ssm.GetParameters, sts.AssumeRole. */
  op: string;
  /** Secret ids / parameter names the request named (BatchGetSecretValue and GetParameters: all of them). */
  ids: string[];
  accessKeyId?: string;
  roleArn?: string;
  /** For AssumeRole: the ExternalId and the session tag keys it carried. */
  externalId?: string;
  tagKeys?: string[];
  /** For AssumeRoleWithWebIdentity: the token's `sub` and `aud` claims. */
  sub?: string;
  aud?: string[];
  /** When the proxy received it (ms since the epoch), for grouping requests into refresh rounds. */
  at?: number;
  /** Set when the proxy answered with an injected fault instead of forwarding. */
  fault?: string;
  status?: number;
}

/** An injected failure: the next `times` requests of `op` (naming `id`) get `status` with AWS error code `code`. */
export interface Fault {
  op: string;
  /** Only requests naming this secret id / parameter name (any when unset). */
  id?: string;
  status: number;
  code: string;
  times: number;
  retryAfterSeconds?: number;
}

const SERVICE_BY_TARGET: Record<string, string> = { secretsmanager: "secretsmanager", AmazonSSM: "ssm" };

function describe(req: IncomingMessage, body: Buffer): ProxiedRequest {
  const auth = String(req.headers["authorization"] ?? "");
  const scope = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth);
  const accessKeyId = scope?.[1];
  const target = String(req.headers["x-amz-target"] ?? "");
  if (target) {
    const [prefix, operation] = target.split(".");
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
    } catch {}
    const ids = [json["SecretId"], json["Name"], ...((json["SecretIdList"] as unknown[]) ?? []), ...((json["Names"] as unknown[]) ?? [])].filter((x): x is string => typeof x === "string");
    return { op: `${SERVICE_BY_TARGET[prefix ?? ""] ?? prefix}.${operation}`, ids, ...(accessKeyId ? { accessKeyId } : {}) };
  }
  // Query protocol (STS, IAM): form-encoded body with Action=...
  const form = new URLSearchParams(body.toString("utf8"));
  const out: ProxiedRequest = { op: `${scope?.[2] ?? "sts"}.${form.get("Action") ?? "Unknown"}`, ids: [], ...(accessKeyId ? { accessKeyId } : {}) };
  const roleArn = form.get("RoleArn");
  if (roleArn) out.roleArn = roleArn;
  const externalId = form.get("ExternalId");
  if (externalId) out.externalId = externalId;
  const tagKeys = [...form.entries()].filter(([key]) => /^Tags\.member\.\d+\.Key$/.test(key)).map(([, value]) => value);
  if (tagKeys.length > 0) out.tagKeys = tagKeys;
  const token = form.get("WebIdentityToken");
  if (token) {
    try {
      const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { sub?: string; aud?: string | string[] };
      if (claims.sub) out.sub = claims.sub;
      if (claims.aud) out.aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    } catch {}
  }
  return out;
}

export function startCountingProxy(port: number, moto: URL): void {
  let log: ProxiedRequest[] = [];
  let faults: Fault[] = [];
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? "/";
      if (path.startsWith("/__bench/")) {
        if (path === "/__bench/requests" && req.method === "GET") return json(res, 200, log);
        if (path === "/__bench/reset" && req.method === "POST") {
          log = [];
          faults = [];
          return json(res, 200, { status: "ok" });
        }
        if (path === "/__bench/faults" && req.method === "POST") {
          faults = JSON.parse(body.toString("utf8") || "[]") as Fault[];
          return json(res, 200, { status: "ok" });
        }
        return json(res, 404, { error: "unknown bench path" });
      }
      const record = { ...describe(req, body), at: Date.now() };
      if (log.length < 100_000) log.push(record);
      const fault = faults.find((f) => f.op === record.op && f.times > 0 && (f.id === undefined || record.ids.includes(f.id)));
      if (fault) {
        fault.times--;
        record.fault = fault.code;
        record.status = fault.status;
        res.writeHead(fault.status, {
          "content-type": "application/x-amz-json-1.1",
          "x-amzn-errortype": fault.code,
          ...(fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {}),
        });
        return res.end(JSON.stringify({ __type: fault.code, message: `injected by the bench proxy` }));
      }
      const upstream = request(
        { host: moto.hostname, port: moto.port, method: req.method, path, headers: req.headers },
        (answer) => {
          record.status = answer.statusCode ?? 0;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => json(res, 502, { __type: "BenchProxyError", message: "moto did not answer" }));
      upstream.end(body);
    });
  }).listen(port, "127.0.0.1");
}

if (import.meta.main) {
  const [port, target] = process.argv.slice(2);
  if (!port || !target) {
    process.stderr.write("usage: counting-proxy.ts <listen-port> <moto-url>\n");
    process.exit(2);
  }
  startCountingProxy(Number(port), new URL(target));
  process.stdout.write(`counting proxy on 127.0.0.1:${port} -> ${target}\n`);
}
