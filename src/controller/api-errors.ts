// The HTTP status of a failed Kubernetes API call (client-node's ApiException carries it as `code`), without reading
// anything else of the error: the controller machinery only branches on 404 and 409.
export function statusCode(err: unknown): number | undefined {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === "number" ? code : undefined;
}
