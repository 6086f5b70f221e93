// A hostile (or stand-in) peer that keeps every request it receives, headers and body, so a test can prove what
// the operator sent there and, above all, what it did not: its own ServiceAccount token, AWS signatures and key
// ids, Google credentials. Built on hostile-http.ts's loopback server.
import type { IncomingMessage, ServerResponse } from "node:http";
import { startHostileServer } from "./hostile-http.ts";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** What the server answers to one request (after its body arrived). */
export type Answer = (req: RecordedRequest) => { status: number; body: unknown; contentType?: string };

/** The default answer: a refusal, so clients fail fast instead of retrying. */
export const refuseAll: Answer = () => ({ status: 403, body: { errors: ["permission denied"] } });

export async function startRecordingServer(answer: Answer = refuseAll): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = await startHostileServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      const { status, body, contentType } = answer(recorded);
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { "content-type": contentType ?? "application/json", "content-length": Buffer.byteLength(text) }).end(text);
    });
    return undefined;
  });
  return { url: server.url, requests, close: () => server.close() };
}

/** Everything a request carried, as one text to search. */
export const requestText = (req: RecordedRequest) => `${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${req.body}`;

/** The markers of `needles` found in any recorded request (empty: none leaked). */
export function leaked(requests: RecordedRequest[], needles: Record<string, string>): string[] {
  const texts = requests.map(requestText);
  return Object.entries(needles)
    .filter(([, needle]) => needle !== "" && texts.some((text) => text.includes(needle)))
    .map(([name]) => name);
}

/** The signs of an AWS identity: a SigV4 signature, a credential scope, an access key id or session token. */
export const awsSignatureMarkers = { sigv4: "AWS4-HMAC-SHA256", credentialScope: "Credential=", securityToken: "x-amz-security-token" };

/** The decoded payload of a JWT found in a text (e.g. a login body), undefined when there is none. */
export function jwtPayloadIn(text: string): { aud?: string | string[]; sub?: string } | undefined {
  const match = /eyJ[\w-]+\.(eyJ[\w-]+)\.[\w-]+/.exec(text);
  if (!match) return undefined;
  return JSON.parse(Buffer.from(match[1]!, "base64url").toString("utf8")) as { aud?: string | string[]; sub?: string };
}

/** The `aud` claim as a list. */
export const audOf = (payload: { aud?: string | string[] } | undefined) => (payload?.aud === undefined ? [] : [payload.aud].flat());
