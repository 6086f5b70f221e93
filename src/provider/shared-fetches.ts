// Wraps a session so identical concurrent requests share one provider call (single-flight per request).
import type { RemoteRef } from "../api/external-secret.ts";
import type { FindRequest, SecretsClient, SecretValue } from "./types.ts";
import { SingleFlight } from "./single-flight.ts";
import { recordFetch } from "./call-metrics.ts";

function refKey(op: string, ref: RemoteRef | FindRequest): string {
  return `${op}:${JSON.stringify(ref, Object.keys(ref).sort())}`;
}

const record = (shared: boolean) => recordFetch(shared ? "shared" : "sent");

export function sharedFetches(client: SecretsClient): SecretsClient {
  const values = new SingleFlight<SecretValue>();
  const maps = new SingleFlight<Record<string, SecretValue>>();
  return {
    getSecret: (ref) => values.do(refKey("get", ref), () => client.getSecret(ref), record),
    getSecretMap: (ref) => maps.do(refKey("map", ref), () => client.getSecretMap(ref), record),
    findSecrets: (request) => maps.do(refKey("find", request), () => client.findSecrets(request), record),
    validate: () => client.validate(),
    close: () => client.close(),
  };
}
