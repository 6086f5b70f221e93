// The slim Kubernetes client (issue 22): what the operator uses instead of @kubernetes/client-node at runtime.
// Model types still come from client-node, as `import type` (erased, nothing loaded).
export { ApiException } from "./api-exception.ts";
export { AppsV1Api } from "./apis/apps-v1.ts";
export { CoordinationV1Api } from "./apis/coordination-v1.ts";
export { CoreV1Api } from "./apis/core-v1.ts";
export { CustomObjectsApi } from "./apis/custom-objects.ts";
export { ObjectApi } from "./apis/objects.ts";
export type { ObjectReference } from "./apis/objects.ts";
export { ApiextensionsV1Api, AuthenticationV1Api, AuthorizationV1Api, WellKnownApi } from "./apis/reviews.ts";
export { KubeConfig } from "./kube-config.ts";
export type { Cluster, Context, User } from "./kube-config.ts";
export { KubeTransport, PatchStrategy, setHeaderOptions } from "./transport.ts";
export type { KubeRequest, RequestOptions } from "./transport.ts";
export { MicroTime } from "./micro-time.ts";
