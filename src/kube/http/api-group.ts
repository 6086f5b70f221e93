// What every API group client shares: building paths and query strings the way client-node's generated methods
// do (so call sites keep their parameter objects), and sending through the transport.
import type { KubeRequest, KubeTransport, Query, RequestOptions } from "./transport.ts";

/** Parameters that are path segments or the body, never query parameters. */
const NOT_QUERY = new Set(["name", "namespace", "body", "group", "version", "plural"]);

/** The query string of a client-node style parameter object (`_continue` is the wire's `continue`). */
export function queryOf(params: object): Query {
  const query: Query = {};
  for (const [key, value] of Object.entries(params)) {
    if (NOT_QUERY.has(key) || value === undefined || value === null) continue;
    query[key === "_continue" ? "continue" : key] = value as string | number | boolean;
  }
  return query;
}

export const segment = encodeURIComponent;

/** `/api/v1` or `/apis/<group>/<version>`, then `/namespaces/<ns>` when namespaced, then the resource and name. */
export function resourcePath(prefix: string, namespace: string | undefined, resource: string, name?: string, sub?: string): string {
  let path = prefix;
  if (namespace !== undefined) path += `/namespaces/${segment(namespace)}`;
  path += `/${resource}`;
  if (name !== undefined) path += `/${segment(name)}`;
  if (sub !== undefined) path += `/${sub}`;
  return path;
}

/** Base of the typed clients: one method per verb, the generated methods' defaults. */
export class ApiGroup {
  protected readonly transport: KubeTransport;

  constructor(transport: KubeTransport) {
    this.transport = transport;
  }

  protected get<T>(path: string, params: object = {}): Promise<T> {
    return this.send({ method: "GET", path, query: queryOf(params) });
  }

  protected post<T>(path: string, params: { body: unknown }): Promise<T> {
    return this.send({ method: "POST", path, query: queryOf(params), body: params.body });
  }

  protected put<T>(path: string, params: { body: unknown }): Promise<T> {
    return this.send({ method: "PUT", path, query: queryOf(params), body: params.body });
  }

  /** client-node's generated patch methods send JSON Patch unless told otherwise (setHeaderOptions). */
  protected patch<T>(path: string, params: { body: unknown }, options?: RequestOptions): Promise<T> {
    return this.send({ method: "PATCH", path, query: queryOf(params), body: params.body, contentType: "application/json-patch+json", headers: options?.headers });
  }

  protected delete<T>(path: string, params: { body?: unknown } = {}): Promise<T> {
    return this.send({ method: "DELETE", path, query: queryOf(params), body: params.body });
  }

  protected send<T>(request: KubeRequest): Promise<T> {
    if (request.headers) {
      // A Content-Type given per request (a patch strategy) replaces the default, whatever its case.
      const contentType = Object.entries(request.headers).find(([key]) => key.toLowerCase() === "content-type")?.[1];
      if (contentType) request = { ...request, contentType, headers: Object.fromEntries(Object.entries(request.headers).filter(([key]) => key.toLowerCase() !== "content-type")) };
    }
    return this.transport.request<T>(request);
  }
}
