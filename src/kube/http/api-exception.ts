// The error of a refused Kubernetes API request, shaped like client-node's ApiException (`code`, `body`,
// `headers`) so kube/errors.ts classifies both alike. The message names the request, never the body: a Status
// message can quote values taken from secret data (a 422 on a Secret quotes the offending label).

export class ApiException extends Error {
  override readonly name = "ApiException";
  /** The HTTP status. */
  readonly code: number;
  /** The response body: the apiserver's Status object when it was JSON, else its text. */
  readonly body: unknown;
  readonly headers: Record<string, string | string[] | undefined>;

  constructor(code: number, method: string, path: string, body: unknown, headers: Record<string, string | string[] | undefined> = {}) {
    super(`HTTP ${code} on ${method} ${path}`);
    this.code = code;
    this.body = body;
    this.headers = headers;
  }
}

/** A response body as JSON when it parses, else as text ("" stays ""). */
export function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
