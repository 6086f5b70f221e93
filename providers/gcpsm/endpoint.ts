// Where the Secret Manager client connects: Google's global or regional endpoint, or an override (our store
// field `endpoint`, else $GCP_SECRETMANAGER_ENDPOINT) for emulators and private endpoints. Plaintext is allowed
// only to loopback addresses, so a typo can never send credentials unencrypted across a network.
import { ConfigError } from "../../src/provider/errors.ts";
import { endpointRefusal, isLoopbackHost } from "../../src/provider/tenant-policy.ts";

export const ENDPOINT_ENV = "GCP_SECRETMANAGER_ENDPOINT";

export interface Endpoint {
  /** gRPC (Google's default) or REST (HTTP/1.1 JSON, what the emulator speaks). */
  transport: "grpc" | "rest";
  host: string;
  port: number;
  /** TLS; false only for loopback hosts. */
  secure: boolean;
  /** Set when the endpoint was overridden (then an empty `auth` means no credentials, as with emulators). */
  overridden: boolean;
}

function parseOverride(raw: string, field: string): Endpoint {
  const text = raw.trim();
  if (/^https?:\/\//i.test(text)) {
    const refused = endpointRefusal(field, text);
    if (refused) throw new ConfigError(refused);
    const url = new URL(text);
    const secure = url.protocol === "https:";
    const host = url.hostname.replace(/^\[|\]$/g, "");
    return { transport: "rest", host, port: url.port ? Number(url.port) : secure ? 443 : 80, secure, overridden: true };
  }
  const match = /^(\[[0-9a-fA-F:]+\]|[^:/\s]+)(?::([0-9]{1,5}))?$/.exec(text);
  if (!match) throw new ConfigError(`endpoint ${text} is neither host:port (gRPC) nor an http(s) URL (REST)`);
  const host = match[1]!.replace(/^\[|\]$/g, "");
  const port = match[2] ? Number(match[2]) : 443;
  if (port < 1 || port > 65535) throw new ConfigError(`endpoint ${text} has an invalid port`);
  // Emulators speak plaintext gRPC; Google's endpoints (and any non-loopback host) always get TLS.
  return { transport: "grpc", host, port, secure: !isLoopbackHost(host), overridden: true };
}

/** The endpoint for a store: the store field wins over the environment, which wins over Google's default. */
export function resolveEndpoint(spec: { endpoint?: string | undefined; location?: string | undefined }, env: Record<string, string | undefined> = process.env): Endpoint {
  if (spec.endpoint) return parseOverride(spec.endpoint, "spec.provider.gcpsm.endpoint");
  const override = env[ENDPOINT_ENV];
  if (override) return parseOverride(override, `$${ENDPOINT_ENV}`);
  if (spec.location !== undefined && !/^[a-z0-9-]+$/.test(spec.location)) throw new ConfigError(`location ${spec.location} is not a valid Google Cloud location`);
  const host = spec.location ? `secretmanager.${spec.location}.rep.googleapis.com` : "secretmanager.googleapis.com";
  return { transport: "grpc", host, port: 443, secure: true, overridden: false };
}
