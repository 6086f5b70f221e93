// Tests only: a client-node KubeConfig whose requests share one connection (the operator itself uses src/kube/http, issue 22).
//
// Why by hand: @kubernetes/client-node 2.0.1 builds a new undici Agent inside
// KubeConfig.applySecurityAuthentication for EVERY API request, so every request pays a TCP connect,
// a TLS handshake (createSecureContext parses the CA each time) and a new HTTP/2 session. Profiled on the
// bench at 2,000 ExternalSecrets this was over half of the operator's CPU. No option turns it off, so
// we keep one Agent per TLS identity and hand it to every request.
import { createHash } from "node:crypto";
import { KubeConfig, bufferFromFileOrString } from "@kubernetes/client-node";

type RequestContext = Parameters<KubeConfig["applySecurityAuthentication"]>[0];
type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

/**
 * Contract: behaves exactly like KubeConfig (headers, tokens and exec plugins are still applied per
 * request) except that requests with the same TLS identity (server, proxy, CA, client certificate and
 * key, server name, verification flag) reuse one Agent. Certificates are re-read per request as
 * upstream does, so a rotated client certificate or CA yields a new identity: new requests get a new
 * Agent and the old one is closed once its in-flight requests (including watches) finish.
 */
export class PooledKubeConfig extends KubeConfig {
  #pooled: { identity: string; dispatcher: Dispatcher } | undefined;
  // With inline certificates (no *File fields) the identity is hashed once per set of field values, not on
  // every request (comparing the strings is cheap). Files are re-read per request so a rotation is seen.
  #inline: { fields: unknown[]; identity: string } | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (!fresh) return; // plain http without TLS options: undici's global dispatcher already pools
    const identity = this.tlsIdentity();
    const pooled = this.#pooled;
    if (pooled?.identity === identity) {
      context.setDispatcher(pooled.dispatcher);
      return; // `fresh` never connected: it holds no socket and is garbage now
    }
    this.#pooled = { identity, dispatcher: fresh };
    pooled?.dispatcher.close().catch(() => {});
  }

  /** Closes the shared connection (tests and shutdown); later requests open a new one. */
  async closeConnections(): Promise<void> {
    const pooled = this.#pooled;
    this.#pooled = undefined;
    await pooled?.dispatcher.close().catch(() => {});
  }

  private tlsIdentity(): string {
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    if (cluster?.caFile || user?.certFile || user?.keyFile) return this.hashIdentity(cluster, user);
    const fields = [cluster?.server, cluster?.proxyUrl, cluster?.skipTLSVerify, cluster?.tlsServerName, cluster?.caData, user?.certData, user?.keyData];
    const inline = this.#inline;
    if (inline && fields.every((field, i) => field === inline.fields[i])) return inline.identity;
    const identity = this.hashIdentity(cluster, user);
    this.#inline = { fields, identity };
    return identity;
  }

  private hashIdentity(cluster: ReturnType<KubeConfig["getCurrentCluster"]>, user: ReturnType<KubeConfig["getCurrentUser"]>): string {
    const hash = createHash("sha256");
    for (const part of [
      cluster?.server,
      cluster?.proxyUrl,
      String(cluster?.skipTLSVerify ?? false),
      cluster?.tlsServerName,
      bufferFromFileOrString(cluster?.caFile, cluster?.caData),
      bufferFromFileOrString(user?.certFile, user?.certData),
      bufferFromFileOrString(user?.keyFile, user?.keyData),
    ]) {
      hash.update(part ?? "-").update("\0");
    }
    return hash.digest("hex");
  }
}
