// Opens a Vault / OpenBao session: TLS, headers, the auth method's token source. Loaded on first use.
import type { ConnectContext, SecretsClient } from "../../src/provider/types.ts";
import { vaultClient } from "./client.ts";
import { tokenSource } from "./auth.ts";
import { VaultHttp } from "./http.ts";
import type { VaultProviderSpec } from "./schema.ts";
import { VaultSession } from "./session.ts";
import { sessionTls } from "./tls.ts";

/** The headers every request of a session carries: the spec's own, the Vault namespace, forwarding. */
export function sessionHeaders(spec: VaultProviderSpec): Record<string, string> {
  const headers: Record<string, string> = { ...(spec.headers ?? {}) };
  if (spec.namespace) headers["X-Vault-Namespace"] = spec.namespace;
  if (spec.forwardInconsistent) headers["X-Vault-Inconsistent"] = "forward-active-node";
  return headers;
}

export async function connectVault({ spec, kube, log }: ConnectContext<VaultProviderSpec>): Promise<SecretsClient> {
  const http = new VaultHttp({ server: spec.server, tls: await sessionTls(spec, kube), headers: sessionHeaders(spec), readYourWrites: spec.readYourWrites ?? false });
  try {
    const session = new VaultSession({ http, source: tokenSource(spec, kube, http, Date.now), log });
    return vaultClient(spec, session);
  } catch (err) {
    http.close();
    throw err;
  }
}
