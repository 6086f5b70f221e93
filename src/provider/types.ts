// The provider contract: what an adapter in providers/<name> implements and what the reconcilers call.
import type { z } from "zod";
import type { Logger } from "pino";
import type { RemoteRef } from "../api/external-secret.ts";
import type { StoreIdentity } from "./store-identity.ts";
import type { KubeAccess } from "../kube/access.ts";
import type { Generator } from "../generators/types.ts";

/** A fetched value: raw bytes, because providers hold binary secrets too. */
export type SecretValue = Uint8Array;

export interface FindRequest {
  path?: string | undefined;
  nameRegexp?: string | undefined;
  tags?: Record<string, string> | undefined;
}

/** Where one PushSecret entry goes (ESO's PushSecretRemoteRef): a remote secret, or one property of it. */
export interface PushRemoteRef {
  remoteKey: string;
  /** A property merged into the remote secret's JSON object (absent: the whole remote secret). */
  property?: string | undefined;
}

/** One PushSecret entry to write, as ESO hands it to a provider (the Secret's data plus the entry). */
export interface PushRequest {
  remoteRef: PushRemoteRef;
  /**
   * The source key whose value is pushed; "" or absent: the whole Secret, as one JSON object of strings
   * (each provider serialises it as ESO's does).
   */
  secretKey?: string | undefined;
  /** The source Secret's data (after the entry's conversionStrategy); values are bytes. */
  data: Record<string, SecretValue>;
  /** The entry's `metadata` (ESO's PushSecretMetadata, provider-specific); the adapter validates it (ConfigError). */
  metadata?: unknown;
}

/**
 * What a push did. "unchanged": the remote value already equals what would be written, and nothing was written
 * (a read or a version check only): the zero-writes-at-rest rule.
 */
export type PushOutcome = "created" | "updated" | "unchanged";

/** What a delete did. "not-owned": the remote secret lacks our ownership mark, and was left as it is. */
export type DeleteOutcome = "deleted" | "absent" | "not-owned";

/**
 * The write half of a session (PushSecret), for providers whose capabilities include writing. Ownership is marked
 * as ESO marks it (`managed-by: external-secrets` as a tag, label or custom metadata): pushSecret throws
 * NotOwnedError rather than touch a remote secret without the mark, and deleteSecret leaves such a secret alone.
 * Same error classes as reads, plus WriteConflictError (a check-and-set lost).
 */
export interface PushClient {
  /** Creates or updates the remote secret (or property) when it differs; compares before writing. */
  pushSecret(request: PushRequest): Promise<PushOutcome>;
  /** Removes what was pushed: the property (the secret when it was the last one), or the whole secret. */
  deleteSecret(ref: PushRemoteRef): Promise<DeleteOutcome>;
  /** Whether the remote secret (or, with a property, that property) exists: updatePolicy IfNotExists. */
  secretExists(ref: PushRemoteRef): Promise<boolean>;
}

/**
 * A connected session to one store with one set of credentials, shared by every ExternalSecret using it.
 * Methods throw NoSecretError only when the provider itself says the whole key (or version) does not exist,
 * PropertyNotFoundError when the key exists without the requested property, PermissionDeniedError when access
 * is refused, ProviderUnavailableError on transient failures and on answers that cannot be read (unparsable,
 * wrong shape: never "not found", never empty data), and ConfigError on a bad request; anything else is
 * treated as transient by the caller. findSecrets returns {} only when the provider answered "no matches".
 */
export interface SecretsClient {
  /** One value; `ref.property` picks a field out of a structured value. */
  getSecret(ref: RemoteRef): Promise<SecretValue>;
  /** A structured value exploded into keys (dataFrom.extract). */
  getSecretMap(ref: RemoteRef): Promise<Record<string, SecretValue>>;
  /** Every secret matching the request, by name (dataFrom.find). */
  findSecrets(request: FindRequest): Promise<Record<string, SecretValue>>;
  /** Checks the store is usable (credentials, reachability); called by the store reconciler. */
  validate(): Promise<void>;
  /** Releases the session (revoke tokens, close sockets). Called when the store changes or on shutdown. */
  close(): Promise<void>;
  /**
   * For sessions that poll a source (SOPS from Git): the source changed (a RefreshReceiver call, issue 20), so
   * the next read fetches it again instead of reusing a copy younger than the interval. Sends nothing itself
   * (the next read does, under the store's budget); never throws. Absent: reads always reach the provider.
   */
  refreshSource?(): void;
  /** Present when the provider can write (capabilities ReadWrite or WriteOnly): PushSecret. */
  push?: PushClient | undefined;
}

/** What a provider gets to open a session. */
export interface ConnectContext<Spec> {
  spec: Spec;
  store: StoreIdentity;
  /** Namespace in which auth references without a namespace resolve (see kube/access.ts). */
  kube: KubeAccess;
  log: Logger;
  /** The store's spec.refreshInterval as written (seconds or a Go duration), raised to the operator's floor, for providers that poll a source. */
  refreshInterval?: number | string | undefined;
}

/** One provider adapter. `satisfies Provider<...>` on each adapter object. */
export interface Provider<Spec = unknown> {
  /** The key under spec.provider, as ESO spells it. */
  readonly name: string;
  /** The provider's slice of SecretStore.spec.provider; also becomes part of the CRD. */
  readonly schema: z.ZodType<Spec>;
  readonly capabilities: "ReadOnly" | "WriteOnly" | "ReadWrite";
  /**
   * Whether a session depends on the namespace of the ExternalSecret (ClusterSecretStore auth refs without
   * a namespace resolve there); when true, sessions are keyed by that namespace too.
   */
  referentAuth?(spec: Spec): boolean;
  /**
   * True when a session for this spec reads nothing but what ConnectContext.kube hands it: no network, no
   * ambient credentials (the fake store, SOPS from a ConfigMap or Secret). The CLI's render and diff run on
   * manifests from untrusted pull requests and open only such stores unless --allow-live-stores is given;
   * an adapter without this method counts as live.
   */
  offline?(spec: Spec): boolean;
  /**
   * When the spec would authenticate as the operator itself (its ServiceAccount token, a cloud SDK's default
   * credentials): a short description of that identity for the refusal message, else undefined. The session
   * layer refuses it for SecretStores (tenant-policy.ts) before connect is called. Pure; may throw ConfigError.
   */
  operatorIdentity(spec: Spec): string | undefined;
  /**
   * For stores backed by a Git repository: the remote keys a push changed, from the repository-relative paths of
   * the pushed commits' added/modified/removed files (files outside the store's root dropped). Undefined when the
   * spec is not backed by Git (a push says nothing about it). Pure.
   */
  keysForChangedFiles?(spec: Spec, files: readonly string[]): string[] | undefined;
  /** Opens a session. Throws ConfigError for a spec that cannot work, ProviderUnavailableError when unreachable. */
  connect(ctx: ConnectContext<Spec>): Promise<SecretsClient>;
  /**
   * The generator kinds built on this provider's auth and transport (vault: VaultDynamicSecret). A member of the
   * provider rather than a second list in providers/index.ts: a provider-backed generator cannot exist without
   * its provider, so registering the provider is what serves it (one folder, no second line to forget), and the
   * operator and the CLI pick them up from the same registry (src/generators/registry.ts servedGenerators).
   */
  readonly generators?: ReadonlyArray<Generator<any>>;
}
