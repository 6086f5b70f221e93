// Each finished apiserver request (verb, resource, HTTP code, seconds), for the client-go style
// rest_client_request_duration_seconds / rest_client_requests_total metrics: where a burst's time goes is read
// from them (issue 22). src/metrics.ts subscribes. Labels carry resource names, never object names.

export interface KubeRequestRecord {
  verb: string;
  /** The path's resource ("secrets", "externalsecrets", "leases", ...; "status" subresources as "externalsecrets/status"). */
  resource: string;
  /** HTTP status, or 0 when no answer came (connection refused, timeout). */
  code: number;
  seconds: number;
}

type Listener = (record: KubeRequestRecord) => void;

const listeners = new Set<Listener>();

export function recordKubeRequest(record: KubeRequestRecord): void {
  for (const listener of listeners) listener(record);
}

export function onKubeRequest(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The resource a path addresses: /api/v1/namespaces/a/secrets/b -> secrets, /apis/g/v1/namespaces/a/things/t/status
 * -> things/status, /api/v1/namespaces/a -> namespaces; anything else (discovery, /version) -> its first segment.
 */
export function resourceOfPath(path: string): string {
  const parts = path.split("?")[0]!.split("/").filter(Boolean);
  const rest = parts[0] === "api" ? parts.slice(2) : parts[0] === "apis" ? parts.slice(3) : undefined;
  if (!rest || rest.length === 0) return parts[0] ?? "";
  const scoped = rest[0] === "namespaces" && rest.length > 2 ? rest.slice(2) : rest;
  return scoped.length >= 3 ? `${scoped[0]}/${scoped[2]}` : scoped[0]!;
}
