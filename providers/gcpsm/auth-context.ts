// What every gcpsm auth path gets: its own module so auth.ts (which picks the path) and auth-workload-identity.ts
// (two of the paths) do not import each other.
import type { Logger } from "pino";
import type { KubeAccess } from "../../src/kube/access.ts";
import type { Endpoint } from "./endpoint.ts";
import type { GcpsmProviderSpec } from "./schema.ts";

export interface AuthContext {
  spec: GcpsmProviderSpec;
  kube: KubeAccess;
  log: Logger;
  endpoint: Endpoint;
}
