// The bounds on what a tenant-named peer or file may make us hold or compute, in one place. Stores and
// ExternalSecrets are untrusted: every response body, fetched file and parsed document has a ceiling, and going
// past it is an error (never truncation, never an unbounded buffer).

const MiB = 1024 * 1024;

export const Limits = {
  /**
   * One response of a secret store's API (Vault/OpenBao, AWS, Secret Manager over gRPC). A secret becomes (part
   * of) a Kubernetes Secret, which the apiserver caps at 1 MiB; AWS caps values at 64 KiB (Secrets Manager) and
   * 8 KiB (Parameter Store), a BatchGetSecretValue page at 20 of them; Google at 64 KiB; a LIST of a large Vault
   * folder or a JSON-escaped document is a few MiB at most. 16 MiB leaves a wide margin and still stops a hostile or broken server long before it matters
   * to the pod's memory.
   */
  providerResponseBytes: 16 * MiB,
  /**
   * One smart-HTTP response from a Git server (ref advertisement or pack). A shallow fetch of one ref of a repo
   * of encrypted config files is kilobytes to a few MiB; 64 MiB admits a repo with some unrelated binaries.
   */
  gitResponseBytes: 64 * MiB,
  /** Everything one refresh of a Git source downloads (a fetch can take two round trips and a fallback fetch). */
  gitFetchBytes: 64 * MiB,
  /**
   * Inflated size of one object of a fetched pack, and of all of them together: a pack within gitFetchBytes can
   * still hold a compression bomb, which isomorphic-git would inflate whole in memory. One object may be as
   * large as the whole download allows; together they may take 4x that (CPU of one inflate pass, a few seconds).
   */
  gitObjectBytes: 64 * MiB,
  gitInflatedBytes: 256 * MiB,
  /** Objects in one pack (each costs an index entry and a hash). A config repo has hundreds to a few thousand. */
  gitPackObjects: 200_000,
  /** OAuth/STS token answers and AWS error bodies we read ourselves: a few KiB when honest. */
  tokenResponseBytes: 1 * MiB,
  /**
   * One SOPS file, checked before parsing. Its plaintext is meant for a Secret (1 MiB); encryption adds about a
   * third (base64) plus ~80 bytes per value, so 2 MiB admits any file whose content can fit in a Secret. Files
   * from ConfigMaps/Secrets are below 1 MiB anyway; this bounds files from Git.
   */
  sopsFileBytes: 2 * MiB,
  /** Nesting of a SOPS document (YAML/JSON). Real files nest a handful of levels; the parsers recurse per level. */
  sopsDepth: 64,
  /** Nodes a SOPS document may hold, aliases expanded: a 2 MiB file has at most ~100k encrypted values. */
  sopsNodes: 1_000_000,
  /**
   * Nodes that YAML aliases may add on top of what the file spells out. sops writes no aliases (it expands them
   * when encrypting), so only hand-edited plain parts have any; "billion laughs" fails here within milliseconds.
   */
  sopsAliasNodes: 100_000,
} as const;

/**
 * The default request budget of a store session (a store's spec.rateLimit wins; `--store-requests-per-second 0`
 * turns it off): enough for a burst of new ExternalSecrets reading distinct keys, low enough that a
 * `refreshInterval: 1ms` or a runaway find cannot hammer a store other tenants share. The burst was 40 until
 * issue 22's bench showed it to be most of a burst's time to Ready: 1,000 new ExternalSecrets over 100 keys waited
 * up to 3 s for the last 60 first reads (W1 5.2 s, 3.3 s without a budget, floor 2.7 s). 200 first reads at once
 * cover a team onboarding its keys; the sustained 20/s, what protects a shared store, is unchanged.
 */
export const DEFAULT_STORE_RATE_LIMIT = { requestsPerSecond: 20, burst: 200 } as const;

/** Bytes as people read them in messages: "16 MiB", "512 KiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
