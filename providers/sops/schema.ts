// spec.provider.sops: our read-only store over SOPS-encrypted files (age recipients) kept in Git, a ConfigMap or
// a Secret (shared/docs/design.md, "The SOPS provider"). No .default(): defaults (ref, path, intervals) live in code.
import { z } from "zod";

const namespaceField = (what: string) =>
  z
    .string()
    .max(63)
    .optional()
    .describe(
      `Namespace of the ${what}. A SecretStore may only name its own namespace; a ClusterSecretStore ref without it resolves in the ExternalSecret's namespace.`,
    );

const exactlyOne = (fields: string[], message: string) => ({
  "x-kubernetes-validations": [{ rule: `${fields.map((field) => `(has(self.${field}) ? 1 : 0)`).join(" + ")} == 1`, message }],
});

export const SopsGitRef = z
  .object({
    branch: z.string().min(1).optional().describe("Branch to follow; its tip is re-fetched on the store's refresh interval."),
    tag: z.string().min(1).optional().describe("Tag to read (fetched once per session; a moved tag is seen at the next refresh)."),
    commit: z
      .string()
      .regex(/^[0-9a-f]{40}$/, "must be a full 40-character commit SHA")
      .optional()
      .describe("Full commit SHA to read (fetched once; never changes)."),
  })
  .describe("Which revision to read: exactly one of branch, tag or commit (default: the remote's default branch).")
  .meta({ "x-kubernetes-validations": [{ rule: "(has(self.branch) ? 1 : 0) + (has(self.tag) ? 1 : 0) + (has(self.commit) ? 1 : 0) <= 1", message: "set at most one of branch, tag or commit" }] });
export type SopsGitRef = z.infer<typeof SopsGitRef>;

export const SopsGitAuth = z
  .object({
    secretRef: z
      .object({
        name: z.string().min(1).max(253).describe("Name of the Secret."),
        namespace: namespaceField("Secret"),
      })
      .describe("Secret with `username` and `password` (HTTP basic auth) or `bearerToken` (Authorization: Bearer), Flux's keys."),
  })
  .describe("Credentials for the Git server.");
export type SopsGitAuth = z.infer<typeof SopsGitAuth>;

export const SopsGitSource = z
  .object({
    url: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL")
      .describe("HTTPS URL of the repository (smart HTTP). http:// is accepted for in-cluster or loopback servers."),
    ref: SopsGitRef.optional(),
    path: z.string().optional().describe("Directory inside the repository that is the store's root; remoteRef.key is relative to it and cannot leave it (default: the repository root)."),
    auth: SopsGitAuth.optional(),
  })
  .describe("A Git repository read over HTTPS with a pure-JS client: shallow fetch of the ref, cached per commit.");
export type SopsGitSource = z.infer<typeof SopsGitSource>;

const objectRef = (kind: string) =>
  z
    .object({
      name: z.string().min(1).max(253).describe(`Name of the ${kind}.`),
      namespace: namespaceField(kind),
    })
    .describe(`A ${kind} whose every data key is one encrypted file (the key is the file name).`);

export const SopsSource = z
  .object({
    git: SopsGitSource.optional(),
    configMap: objectRef("ConfigMap").optional(),
    secret: objectRef("Secret").optional(),
  })
  .describe("Where the encrypted files live: exactly one of git, configMap or secret.")
  .meta(exactlyOne(["git", "configMap", "secret"], "set exactly one of source.git, source.configMap or source.secret"));
export type SopsSource = z.infer<typeof SopsSource>;

export const SopsDecryption = z
  .object({
    ageKeySecretRef: z
      .object({
        name: z.string().min(1).max(253).describe("Name of the Secret."),
        namespace: namespaceField("Secret (for a ClusterSecretStore, typically the operator's namespace)"),
      })
      .describe("Secret whose entries ending in .agekey hold age identities (AGE-SECRET-KEY-1...), Flux's convention."),
  })
  .describe("How the files are decrypted.");
export type SopsDecryption = z.infer<typeof SopsDecryption>;

export const SopsProviderSpec = z
  .object({
    source: SopsSource,
    decryption: SopsDecryption,
  })
  .describe("SOPS-encrypted files (YAML, JSON, dotenv, INI, binary; age recipients) from Git, a ConfigMap or a Secret. The MAC is always verified.");
export type SopsProviderSpec = z.infer<typeof SopsProviderSpec>;
