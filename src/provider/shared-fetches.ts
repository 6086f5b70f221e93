// Wraps a session so reads are shared: identical concurrent requests join one provider call (single-flight),
// and a read answered within the cache window is served again without a call.
import type { RemoteRef } from "../api/external-secret.ts";
import type { FindRequest, PushClient, SecretsClient, SecretValue } from "./types.ts";
import { SingleFlight } from "./single-flight.ts";
import { recordFetch } from "./call-metrics.ts";
import type { FetchCache } from "./fetch-cache.ts";

function refKey(op: string, ref: RemoteRef | FindRequest): string {
  return `${op}:${JSON.stringify(ref, Object.keys(ref).sort())}`;
}

const record = (shared: boolean) => recordFetch(shared ? "shared" : "sent");

/**
 * A shared session. `maxAge(ms)` is a view that accepts cached reads no older than `ms` (0: always ask the
 * provider; single-flight still applies): a periodic refresh tolerates a read a moment old, a force-sync none.
 */
export type SharedSession = SecretsClient & { maxAge(ms: number): SecretsClient };

export function sharedFetches(client: SecretsClient, cache?: FetchCache, sessionKey = ""): SharedSession {
  const flights = new SingleFlight<SecretValue | Record<string, SecretValue>>();
  const reader = (maxAgeMs: number) => <T extends SecretValue | Record<string, SecretValue>>(key: string, fetch: () => Promise<T>): Promise<T> => {
    const cacheKey = `${sessionKey}\u0000${key}`;
    const hit = maxAgeMs > 0 ? cache?.get<T>(cacheKey, maxAgeMs) : undefined;
    if (hit !== undefined) {
      recordFetch("cached");
      return Promise.resolve(hit);
    }
    return flights.do(
      key,
      async () => {
        const value = await fetch();
        cache?.set(cacheKey, value);
        return value;
      },
      record,
    ) as Promise<T>;
  };
  // Writes are never shared or cached; one that changed the store drops the session's cached reads, so an
  // ExternalSecret reading what a PushSecret just wrote does not get the value from before the write.
  const dropCached = () => cache?.dropPrefix(`${sessionKey}\u0000`);
  const push: PushClient | undefined = client.push && {
    pushSecret: async (request) => {
      const outcome = await client.push!.pushSecret(request);
      if (outcome !== "unchanged") dropCached();
      return outcome;
    },
    deleteSecret: async (ref) => {
      const outcome = await client.push!.deleteSecret(ref);
      if (outcome === "deleted") dropCached();
      return outcome;
    },
    secretExists: (ref) => client.push!.secretExists(ref),
  };
  const view = (read: ReturnType<typeof reader>): SecretsClient => ({
    getSecret: (ref) => read(refKey("get", ref), () => client.getSecret(ref)),
    getSecretMap: (ref) => read(refKey("map", ref), () => client.getSecretMap(ref)),
    findSecrets: (request) => read(refKey("find", request), () => client.findSecrets(request)),
    validate: () => client.validate(),
    close: async () => {
      cache?.dropPrefix(`${sessionKey}\u0000`);
      await client.close();
    },
    ...(client.refreshSource ? { refreshSource: () => client.refreshSource!() } : {}),
    ...(push ? { push } : {}),
  });
  return { ...view(reader(Infinity)), maxAge: (ms) => view(reader(ms)) };
}
