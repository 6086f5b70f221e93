// The timestamp form Kubernetes writes in status and spec time fields: RFC 3339 in UTC, whole seconds.
export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
