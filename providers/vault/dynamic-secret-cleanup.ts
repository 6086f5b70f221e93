// Cleanup of a VaultDynamicSecret run (beyond ESO, whose Cleanup is a no-op): the lease of the replaced secret is
// revoked (sys/leases/revoke) and so is the token a call made (auth/token/revoke-accessor), with the generator's
// own auth, so a replaced credential stops working after the grace period instead of living out its TTL.
// The generator's role needs `update` on those two paths (providers/vault/README.md).
import type { GenerateContext } from "../../src/generators/types.ts";
import { tokenSource } from "./auth.ts";
import { sessionHeaders } from "./connect.ts";
import { VaultHttp, type VaultRequest } from "./http.ts";
import { VaultSession } from "./session.ts";
import { sessionTls } from "./tls.ts";
import type { VaultDynamicSecretSpec } from "./generator-dynamic-secret.ts";

/** The revocations a kept state asks for, in the order they are sent. */
export function revocations(state: Record<string, string>): Array<Omit<VaultRequest, "token">> {
  const out: Array<Omit<VaultRequest, "token">> = [];
  // Vault's revoke endpoints answer 204 for leases and accessors already gone; ids travel in the body, not the path.
  if (state["leaseId"]) out.push({ method: "POST", path: "sys/leases/revoke", op: "write", call: "RevokeLease", body: { lease_id: state["leaseId"] } });
  if (state["accessor"]) out.push({ method: "POST", path: "auth/token/revoke-accessor", op: "write", call: "RevokeAccessor", body: { accessor: state["accessor"] } });
  return out;
}

/** Errors that mean "already gone": Vault's texts for an unknown lease or accessor (expired meanwhile). */
const ALREADY_GONE = /invalid lease|lease not found|invalid accessor|token not found|no token found/i;

export async function cleanupDynamicSecret(spec: VaultDynamicSecretSpec, state: Record<string, string>, ctx: GenerateContext): Promise<void> {
  const requests = revocations(state);
  if (requests.length === 0) return;
  const provider = spec.provider;
  const http = new VaultHttp({ server: provider.server, tls: await sessionTls(provider, ctx.kube), headers: sessionHeaders(provider), readYourWrites: provider.readYourWrites ?? false });
  // This session made nothing: its login token is revoked on close like a store's.
  const session = new VaultSession({ http, source: tokenSource(provider, ctx.kube, http, Date.now), log: ctx.log });
  try {
    for (const req of requests) {
      const res = await session.request(req);
      if (res.status < 300 && res.fromVault) continue;
      if (res.status === 400 && res.fromVault && res.errors.some((e) => ALREADY_GONE.test(e))) continue;
      throw http.failure(req, res);
    }
    ctx.log.debug({ generator: "VaultDynamicSecret", revoked: requests.map((r) => r.call) }, "vault dynamic secret revoked");
  } finally {
    await session.close();
  }
}
