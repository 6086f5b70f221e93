// GeneratorStates live in tenant namespaces, where the app team may create and edit them, and their finalizer makes
// the operator revoke what they name with the generator's credentials. A ClusterGenerator's credentials are the
// platform's: a forged state naming another tenant's lease would let one tenant revoke it. So the operator signs
// what it creates (HMAC-SHA256 over the namespace, the owner and the resource and state) and cleans up only what
// verifies. The key is 32 random bytes in a Secret of the operator's namespace, made by the first replica that needs
// it; its id (a hash prefix) in the annotation tells this installation's states from another installation's.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { KubeClients } from "../../kube/clients.ts";
import { isConflict, isNotFound } from "../../kube/errors.ts";
import type { GeneratorState } from "../../api/generator-state.ts";
import { OWNER_KEY_LABEL, SIGNATURE_ANNOTATION } from "../../api/generator-state.ts";

export const STATE_KEY_SECRET = "secrets-bridge-generator-state-key";
const KEY_FIELD = "key";
const VERSION = "v1";

/**
 * JSON with object keys sorted at every level (the apiserver re-encodes what it stores, sorting keys) and members
 * that are undefined or null left out (whether a stored null survives is the apiserver's business, not the MAC's).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

type Signed = Pick<GeneratorState, "metadata" | "spec">;

function signedText(state: Signed): string {
  const owner = state.metadata.ownerReferences?.[0];
  return canonicalJson([state.metadata.namespace ?? "", state.metadata.labels?.[OWNER_KEY_LABEL] ?? "", owner ? `${owner.kind}/${owner.name}/${owner.uid}` : "", state.spec.resource, state.spec.state]);
}

export const keyIdOf = (key: Buffer): string => createHash("sha256").update(key).digest("hex").slice(0, 16);

export function sign(key: Buffer, state: Signed): string {
  return `${VERSION}:${keyIdOf(key)}:${createHmac("sha256", key).update(signedText(state)).digest("hex")}`;
}

/**
 * "valid": this key signed exactly this. "other-key": another installation's (left to it). "invalid": no signature,
 * a malformed one, or this key's id over altered content (a tenant's edit or forgery).
 */
export function verify(key: Buffer, state: Signed): "valid" | "other-key" | "invalid" {
  const text = state.metadata.annotations?.[SIGNATURE_ANNOTATION];
  const parts = text?.split(":");
  if (!parts || parts.length !== 3 || parts[0] !== VERSION || !/^[0-9a-f]{16}$/.test(parts[1]!) || !/^[0-9a-f]{64}$/.test(parts[2]!)) return "invalid";
  if (parts[1] !== keyIdOf(key)) return "other-key";
  const expected = Buffer.from(sign(key, state).split(":")[2]!, "hex");
  return timingSafeEqual(expected, Buffer.from(parts[2]!, "hex")) ? "valid" : "invalid";
}

/** The signing key, read or made once per process (a Secret in the operator's namespace). */
export class StateKey {
  readonly #clients: KubeClients;
  readonly #namespace: string;
  #key: Promise<Buffer> | undefined;

  constructor(clients: KubeClients, namespace: string) {
    this.#clients = clients;
    this.#namespace = namespace;
  }

  /** This installation's name on the states it makes: where its key lives. */
  get installation(): string {
    return `${this.#namespace}/${STATE_KEY_SECRET}`;
  }

  get(): Promise<Buffer> {
    this.#key ??= this.#load().catch((err: unknown) => {
      this.#key = undefined;
      throw err;
    });
    return this.#key;
  }

  async #read(): Promise<Buffer | undefined> {
    try {
      const secret = await this.#clients.core.readNamespacedSecret({ name: STATE_KEY_SECRET, namespace: this.#namespace });
      const key = secret.data?.[KEY_FIELD];
      return key ? Buffer.from(key, "base64") : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async #load(): Promise<Buffer> {
    const found = await this.#read();
    if (found && found.length >= 32) return found;
    if (found) throw new Error(`Secret ${this.#namespace}/${STATE_KEY_SECRET}: key is shorter than 32 bytes`);
    const key = randomBytes(32);
    try {
      await this.#clients.core.createNamespacedSecret({
        namespace: this.#namespace,
        body: { metadata: { name: STATE_KEY_SECRET, labels: { "app.kubernetes.io/managed-by": "secrets-bridge" } }, type: "Opaque", data: { [KEY_FIELD]: key.toString("base64") } },
      });
      return key;
    } catch (err) {
      // Another replica made it first: theirs is the key.
      if (!isConflict(err)) throw err;
      const theirs = await this.#read();
      if (!theirs) throw err;
      return theirs;
    }
  }
}
