// Reads a receiver's token from its Secret (key `token`, the receiver's own namespace only) with a live GET: the
// operator watches only the Secrets it manages, and a receiver's Secret is not one of them. The answer is a token
// or the reason there is none; the reason never carries the Secret's content.
import type { KubeClients } from "../../kube/clients.ts";
import { isForbidden, isNotFound, kubeErrorSummary } from "../../kube/errors.ts";

/** Shorter tokens are refused: a webhook token is a password anyone on the network can try. */
export const MIN_TOKEN_BYTES = 16;

export type TokenRead = { token: Uint8Array } | { problem: string; reason: "SecretNotFound" | "TokenInvalid" | "SecretUnreadable" };

export async function readReceiverToken(clients: KubeClients, namespace: string, name: string): Promise<TokenRead> {
  let data: Record<string, string> | undefined;
  try {
    data = (await clients.core.readNamespacedSecret({ name, namespace })).data;
  } catch (err) {
    if (isNotFound(err)) return { problem: `Secret ${name} not found`, reason: "SecretNotFound" };
    if (isForbidden(err)) return { problem: `Secret ${name} cannot be read: the operator may not get it`, reason: "SecretUnreadable" };
    throw new Error(`reading Secret ${namespace}/${name}: ${kubeErrorSummary(err)}`);
  }
  const encoded = data?.["token"];
  if (encoded === undefined) return { problem: `Secret ${name} has no key token`, reason: "TokenInvalid" };
  // Surrounding whitespace is what `echo token > file` leaves, never part of a token a sender is configured with.
  const token = Buffer.from(Buffer.from(encoded, "base64").toString("utf8").trim(), "utf8");
  if (token.byteLength < MIN_TOKEN_BYTES) return { problem: `the token in Secret ${name} is shorter than ${MIN_TOKEN_BYTES} bytes`, reason: "TokenInvalid" };
  return { token };
}
