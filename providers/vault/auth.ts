// Picks the store's auth method and turns it into a TokenSource: a function that logs in (or reads the
// static token) and reports the lease. Credentials are read from Kubernetes at every login, never cached,
// so a rotated credentials Secret is picked up by the next login.
import type { KubeAccess } from "../../src/kube/access.ts";
import { ownServiceAccountTokenPath, readTokenFile } from "../../src/kube/own-token.ts";
import { ConfigError } from "../../src/provider/errors.ts";
import { bytesToString } from "../../src/provider/json-value.ts";
import { audiencesOr } from "../../src/provider/tenant-policy.ts";
import type { VaultHttp } from "./http.ts";
import type { VaultProviderSpec } from "./schema.ts";
import type { HeldToken } from "./token.ts";

/** How a session gets its token. `obtain` throws PermissionDeniedError when Vault rejects the credentials. */
export interface TokenSource {
  /** Auth method and mount, for logs: "kubernetes@kubernetes". */
  label: string;
  obtain(): Promise<HeldToken>;
}

/**
 * The audience of tokens minted for Vault when the spec names none (ESO's default for JWT auth). ESO mints
 * Kubernetes-auth tokens with no audience, i.e. the apiserver's: we never do (issue 14), so a Vault role used
 * with serviceAccountRef needs `audience=vault` (or the spec's serviceAccountRef.audiences).
 */
export const VAULT_AUDIENCE = "vault";

const trimSlashes = (path: string) => path.replace(/^\/+|\/+$/g, "");

async function login(http: VaultHttp, mount: string, suffix: string, body: Record<string, unknown>, namespace: string | undefined, now: () => number): Promise<HeldToken> {
  const path = `auth/${trimSlashes(mount)}/login${suffix}`;
  // The lease starts when Vault receives the login: take the time before sending, never after.
  const sent = now();
  const answer = await http.expectOk({ method: "POST", path, op: "login", call: "Login", body, namespace });
  const auth = answer["auth"] as { client_token?: unknown; lease_duration?: unknown; renewable?: unknown } | null | undefined;
  if (!auth || typeof auth.client_token !== "string") throw new ConfigError(`vault login ${path}: the answer carries no token`);
  return { token: auth.client_token, ttlMs: Number(auth.lease_duration ?? 0) * 1000, since: sent, renewable: auth.renewable === true, owned: true };
}

const text = async (kube: KubeAccess, ref: Parameters<KubeAccess["readSecretKey"]>[0]) => bytesToString(await kube.readSecretKey(ref)).trim();

export function tokenSource(spec: VaultProviderSpec, kube: KubeAccess, http: VaultHttp, now: () => number): TokenSource {
  const auth = spec.auth ?? {};
  const namespace = auth.namespace ?? spec.namespace;
  const methods = (["tokenSecretRef", "kubernetes", "appRole", "jwt", "cert", "userPass"] as const).filter((m) => auth[m] !== undefined);
  if (methods.length !== 1) {
    throw new ConfigError(`spec.provider.vault.auth needs exactly one method (tokenSecretRef, kubernetes, appRole, jwt, cert, userPass); found ${methods.length}`);
  }
  if (auth.tokenSecretRef) {
    const ref = auth.tokenSecretRef;
    return { label: "token", obtain: async () => ({ token: await text(kube, ref), ttlMs: 0, since: now(), renewable: false, owned: false }) };
  }
  if (auth.kubernetes) {
    const k8s = auth.kubernetes;
    const mount = k8s.mountPath ?? "kubernetes";
    return {
      label: `kubernetes@${mount}`,
      async obtain() {
        const jwt = k8s.serviceAccountRef
          ? await kube.serviceAccountToken({ ...k8s.serviceAccountRef, audiences: audiencesOr(k8s.serviceAccountRef.audiences, [VAULT_AUDIENCE]) })
          : k8s.secretRef
            ? await text(kube, k8s.secretRef)
            : await readOwnToken();
        return login(http, mount, "", { role: k8s.role, jwt }, namespace, now);
      },
    };
  }
  if (auth.appRole) {
    const approle = auth.appRole;
    const mount = approle.path ?? "approle";
    if (!approle.roleId && !approle.roleRef) throw new ConfigError("auth.appRole needs roleId or roleRef");
    return {
      label: `approle@${mount}`,
      async obtain() {
        const roleId = approle.roleId ?? (await text(kube, approle.roleRef!));
        return login(http, mount, "", { role_id: roleId, secret_id: await text(kube, approle.secretRef) }, namespace, now);
      },
    };
  }
  if (auth.jwt) {
    const jwtAuth = auth.jwt;
    const mount = jwtAuth.path ?? "jwt";
    const minted = jwtAuth.kubernetesServiceAccountToken;
    if (!minted && !jwtAuth.secretRef) throw new ConfigError("auth.jwt needs secretRef or kubernetesServiceAccountToken");
    return {
      label: `jwt@${mount}`,
      async obtain() {
        let jwt: string;
        if (minted) {
          // As ESO: the ref's audiences plus the token's own `audiences`, which default to "vault".
          const audiences = audiencesOr([...(minted.serviceAccountRef.audiences ?? []), ...(minted.audiences ?? [VAULT_AUDIENCE])], [VAULT_AUDIENCE]);
          jwt = await kube.serviceAccountToken({ ...minted.serviceAccountRef, audiences }, minted.expirationSeconds ?? 600);
        } else {
          jwt = await text(kube, jwtAuth.secretRef!);
        }
        return login(http, mount, "", { ...(jwtAuth.role ? { role: jwtAuth.role } : {}), jwt }, namespace, now);
      },
    };
  }
  if (auth.cert) {
    const cert = auth.cert;
    const mount = cert.path ?? "cert";
    // The certificate itself travels in the TLS handshake (see tls.ts); the body only names the role.
    return { label: `cert@${mount}`, obtain: () => login(http, mount, "", cert.vaultRole ? { name: cert.vaultRole } : {}, namespace, now) };
  }
  const userPass = auth.userPass!;
  const mount = userPass.path ?? "userpass";
  if (!userPass.secretRef) throw new ConfigError("auth.userPass needs secretRef (the password)");
  return {
    label: `userpass@${mount}`,
    async obtain() {
      const password = await text(kube, userPass.secretRef!);
      return login(http, mount, `/${userPass.username}`, { password }, namespace, now);
    },
  };
}

/** Reached only where the session layer allowed the operator's own identity (tenant-policy.ts). */
async function readOwnToken(): Promise<string> {
  const path = ownServiceAccountTokenPath();
  try {
    return await readTokenFile(path);
  } catch {
    throw new ConfigError(`auth.kubernetes without serviceAccountRef or secretRef uses the operator's own token, but ${path} is not readable`);
  }
}
