// Root-token HTTP calls to the bench's OpenBao, for the peer's provisioning and the tests' set-up.
// Kept apart from the provider's own client on purpose: tests must not share code with what they test.
import { request } from "node:https";

/** Where an OpenBao dev server listens and how to reach it as root. */
export interface BaoEndpoint {
  /** https://127.0.0.1:PORT */
  addr: string;
  /** PEM of the dev-TLS CA that signed the listener's certificate. */
  caPem: string;
  rootToken: string;
}

/**
 * Sends one root request (inside OpenBao namespace `namespace` when given); resolves with the JSON body,
 * rejects on any status >= 300 (with Vault's errors).
 */
export async function baoApi(bao: BaoEndpoint, method: string, path: string, body?: unknown, namespace?: string): Promise<Record<string, unknown>> {
  const url = new URL(`/v1/${path}`, bao.addr);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method, ca: bao.caPem, headers: { "X-Vault-Token": bao.rootToken, ...(namespace ? { "X-Vault-Namespace": namespace } : {}), ...(payload ? { "Content-Type": "application/json" } : {}) }, timeout: 10_000 }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (data += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: data }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
  if (status >= 300) throw new Error(`openbao ${method} ${path}: HTTP ${status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Retries `fn` for a while: a fresh KV v2 mount answers 400 ("upgrading") for a moment after creation. */
export async function retrying<T>(fn: () => Promise<T>, attempts = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Mounts a KV engine at `path` (idempotent for the bench: an existing mount is left as is). */
export async function mountKv(bao: BaoEndpoint, path: string, version: "1" | "2"): Promise<void> {
  const mounts = (await baoApi(bao, "GET", "sys/mounts")) as Record<string, unknown>;
  if (mounts[`${path}/`] === undefined) await baoApi(bao, "POST", `sys/mounts/${path}`, { type: "kv", options: { version } });
}

/** Writes a KV secret (v2: a new version, with optional custom metadata). */
export async function writeKv(bao: BaoEndpoint, mount: string, key: string, data: Record<string, unknown>, opts: { v1?: boolean; customMetadata?: Record<string, string> } = {}): Promise<void> {
  if (opts.v1) {
    await retrying(() => baoApi(bao, "POST", `${mount}/${key}`, data));
    return;
  }
  await retrying(() => baoApi(bao, "POST", `${mount}/data/${key}`, { data }));
  if (opts.customMetadata) await baoApi(bao, "POST", `${mount}/metadata/${key}`, { custom_metadata: opts.customMetadata });
}

/** Enables an auth method at `path` unless something is mounted there already. */
export async function enableAuth(bao: BaoEndpoint, type: string, path: string = type): Promise<void> {
  const auths = (await baoApi(bao, "GET", "sys/auth")) as Record<string, unknown>;
  if (auths[`${path}/`] === undefined) await baoApi(bao, "POST", `sys/auth/${path}`, { type });
}

export async function writePolicy(bao: BaoEndpoint, name: string, policy: string): Promise<void> {
  await baoApi(bao, "PUT", `sys/policies/acl/${name}`, { policy });
}
