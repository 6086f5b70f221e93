// ExternalSecret (external-secrets.io/v1, short name es): which remote secret to fetch and how to write it.
// Field names and meaning follow External Secrets Operator; defaults live in code (see `defaults.ts`),
// never in the CRD, so GitOps tools see no drift.
import { z } from "zod";
import { Condition, Duration, SecretDataKey, StoreRef } from "./common.ts";
import type { ObjectMeta } from "./common.ts";
import { GeneratorKind } from "./generators.ts";

export const RefreshPolicy = z.enum(["Periodic", "OnChange", "CreatedOnce"]);
export const CreationPolicy = z.enum(["Owner", "Orphan", "Merge", "CreateOrMerge", "None"]);
export const DeletionPolicy = z.enum(["Retain", "Delete", "Merge"]);
export const DecodingStrategy = z.enum(["None", "Base64", "Base64URL", "Auto"]);
export const ConversionStrategy = z.enum(["Default", "Unicode"]);
export const MetadataPolicy = z.enum(["None", "Fetch"]);
export const NullBytePolicy = z.enum(["Ignore", "Fail"]);

const remoteRefFields = {
  key: z.string().min(1).describe("Key of the secret in the provider: a name, path or ARN."),
  property: z.string().optional().describe("Field to pick out of a structured (JSON) value; path syntax depends on the provider."),
  version: z.string().optional().describe("Provider version of the secret (AWSCURRENT, a Vault KV version, a GCP version number...)."),
  decodingStrategy: DecodingStrategy.optional().describe("How the fetched value is decoded: None (default), Base64, Base64URL or Auto."),
  conversionStrategy: ConversionStrategy.optional().describe("How invalid key characters are converted: Default or Unicode."),
  metadataPolicy: MetadataPolicy.optional().describe("Fetch returns the secret's provider metadata (tags, labels) instead of its value."),
  nullBytePolicy: NullBytePolicy.optional().describe("Ignore (default) or Fail when a value contains a NUL byte."),
};

export const RemoteRef = z.object(remoteRefFields).describe("Where the value lives in the provider.");
export type RemoteRef = z.infer<typeof RemoteRef>;

export const GeneratorRef = z
  .object({
    apiVersion: z.string().optional().describe("API version of the generator resource (generators.external-secrets.io/v1alpha1)."),
    kind: GeneratorKind.describe("Kind of the generator resource: Password, UUID, SSHKey, Fake or ClusterGenerator run here; ESO's other kinds are accepted and fail at sync."),
    name: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a DNS subdomain name")
      .describe("Name of the generator resource (in the ExternalSecret's namespace; a ClusterGenerator is cluster-wide)."),
  })
  .describe("Reference to a generator: its values are generated on each refresh (once with refreshPolicy CreatedOnce).");
export type GeneratorRef = z.infer<typeof GeneratorRef>;

export const SourceRef = z
  .object({
    storeRef: StoreRef.optional().describe("Store to use for this entry instead of spec.secretStoreRef."),
    generatorRef: GeneratorRef.optional(),
  })
  .describe("Per-entry source override.");

export const DataItem = z
  .object({
    secretKey: SecretDataKey.describe("Key to write in the target Secret."),
    remoteRef: RemoteRef,
    sourceRef: SourceRef.optional(),
  })
  .describe("One key of the target Secret and where its value comes from.");
export type DataItem = z.infer<typeof DataItem>;

export const FindRef = z
  .object({
    path: z.string().optional().describe("Only secrets under this path (prefix) are considered."),
    name: z.object({ regexp: z.string().describe("Regular expression the secret name must match.") }).optional().describe("Name filter."),
    tags: z.record(z.string(), z.string()).optional().describe("Tags (labels, custom metadata) the secret must carry."),
    conversionStrategy: ConversionStrategy.optional().describe("How invalid key characters are converted."),
    decodingStrategy: DecodingStrategy.optional().describe("How fetched values are decoded."),
  })
  .describe("Fetches every secret matching the filters; each becomes one key.");

// ESO's rewrite.merge (2.9), served as ESO does (src/reconcilers/external-secret/rewrite-merge.ts).
export const RewriteMerge = z
  .object({
    into: z.string().optional().describe("Target key of the merge; required when strategy is JSON."),
    priority: z.array(z.string()).optional().describe("Keys in priority order for conflict resolution."),
    priorityPolicy: z.enum(["IgnoreNotFound", "Strict"]).optional().describe("Strict (default) or IgnoreNotFound when a priority key is absent."),
    conflictPolicy: z.enum(["Ignore", "Error"]).optional().describe("Error (default) or Ignore when keys conflict."),
    strategy: z.enum(["Extract", "JSON"]).optional().describe("Extract (default) or JSON."),
  })
  .describe("Merge the fetched values, each a JSON object, into one set of keys (Extract) or into one JSON key (JSON).");

export const Rewrite = z
  .object({
    merge: RewriteMerge.optional(),
    regexp: z
      .object({
        source: z.string().describe("Regular expression matched against each key."),
        target: z.string().describe("Replacement; $1 etc. refer to groups."),
      })
      .optional()
      .describe("Rewrite keys by regular expression."),
    transform: z.object({ template: z.string().describe("Template with .value as the key.") }).optional().describe("Rewrite keys by template."),
  })
  .describe("A key rewrite, applied in order.")
  .meta({
    "x-kubernetes-validations": [
      { rule: "(has(self.merge) ? 1 : 0) + (has(self.regexp) ? 1 : 0) + (has(self.transform) ? 1 : 0) == 1", message: "a rewrite sets exactly one of merge, regexp or transform" },
    ],
  });

export const DataFromItem = z
  .object({
    extract: RemoteRef.optional().describe("Fetch one secret and explode its JSON into keys."),
    find: FindRef.optional(),
    rewrite: z.array(Rewrite).optional().describe("Key rewrites applied in order."),
    sourceRef: SourceRef.optional(),
  })
  .describe("Many keys from one remote secret (extract) or from a search (find).")
  .meta({
    "x-kubernetes-validations": [
      { rule: "!(has(self.extract) && has(self.find))", message: "a dataFrom entry sets only one of extract or find" },
      {
        rule: "has(self.extract) || has(self.find) || (has(self.sourceRef) && has(self.sourceRef.generatorRef))",
        message: "a dataFrom entry needs extract, find or sourceRef.generatorRef",
      },
    ],
  });
export type DataFromItem = z.infer<typeof DataFromItem>;

const TemplateRefItem = z.object({
  key: z.string().describe("Key of the ConfigMap or Secret holding the template."),
  templateAs: z.enum(["Values", "KeysAndValues"]).optional().describe("Values (default) renders the value; KeysAndValues renders both."),
});
const TemplateRef = z.object({
  name: z.string().describe("Name of the ConfigMap or Secret."),
  items: z.array(TemplateRefItem).describe("Keys to use as templates."),
});

export const TemplateFrom = z
  .object({
    configMap: TemplateRef.optional().describe("Templates from a ConfigMap."),
    secret: TemplateRef.optional().describe("Templates from a Secret."),
    literal: z.string().optional().describe("A literal template rendering whole key: value YAML."),
    // Any string, as ESO's CRD: Data, Annotations and Labels are matched case-insensitively at render time
    // (ESO's strings.ToLower switch), and any other target is refused for a Secret (ESO's webhook rule); with
    // target.manifest it may also be spec or a path such as spec.rules[0].from.
    target: z.string().optional().describe("Where the rendered output goes: Data (default), Annotations or Labels, in any letter case; with target.manifest also spec or a path such as spec.database or spec.rules[0].from."),
    valuesDecodingStrategy: DecodingStrategy.optional().describe("How each rendered value is decoded before it is stored: None (default), Base64, Base64URL or Auto."),
  })
  .describe("A template source.");

export const Template = z
  .object({
    type: z.string().optional().describe("Secret type, e.g. kubernetes.io/tls or kubernetes.io/dockerconfigjson."),
    engineVersion: z.enum(["v2"]).optional().describe("Template engine version; only v2 exists."),
    metadata: z
      .object({
        labels: z.record(z.string(), z.string()).optional().describe("Labels stamped on the Secret."),
        annotations: z.record(z.string(), z.string()).optional().describe("Annotations stamped on the Secret."),
        finalizers: z.array(z.string()).optional().describe("Finalizers stamped on the Secret."),
      })
      .optional()
      .describe("Metadata of the target Secret."),
    data: z.record(z.string(), z.string()).optional().describe("Secret keys rendered from templates over the fetched data."),
    templateFrom: z.array(TemplateFrom).optional().describe("Template sources."),
    mergePolicy: z.enum(["Replace", "Merge"]).optional().describe("Replace (default): only templated keys; Merge: fetched keys plus templated keys."),
  })
  .describe("How the target Secret is rendered.")
  // ESO's privileged-template rule (validatePrivilegedTemplate), in its words; src/template/secret-rules.ts
  // holds the whole rule set and enforces it again at sync. Its third case (service-account-token with a
  // templateFrom Annotations target, any letter case) is not here: a walk over templateFrom lowering each target
  // costs more than the apiserver allows (over 100x) unless templateFrom and target get maxItems/maxLength, and
  // ESO's CRD bounds neither; validate and the sync refuse it.
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "!has(self.type) || self.type != 'kubernetes.io/service-account-token' || !has(self.metadata) || !has(self.metadata.annotations) || !('kubernetes.io/service-account.name' in self.metadata.annotations)",
        message: 'template.type="kubernetes.io/service-account-token" with annotation "kubernetes.io/service-account.name" is not allowed',
      },
      {
        rule: "!has(self.type) || self.type != 'bootstrap.kubernetes.io/token'",
        message: 'template.type="bootstrap.kubernetes.io/token" is not allowed',
      },
    ],
  });
export type Template = z.infer<typeof Template>;

export const WorkloadRef = z.object({
  kind: z.enum(["Deployment", "StatefulSet", "DaemonSet"]).describe("Kind of the workload."),
  name: z.string().describe("Name of the workload in the ExternalSecret's namespace."),
});

// ESO's target.manifest (2.9): render into a ConfigMap or a custom resource (src/api/manifest-target.ts).
export const ManifestReference = z
  .object({
    apiVersion: z.string().min(1).describe("API version of the resource to render, e.g. v1 for a ConfigMap."),
    kind: z.string().min(1).describe("Kind of the resource to render, e.g. ConfigMap."),
  })
  .describe("Render into this kind of namespaced resource (in the ExternalSecret's namespace) instead of a Secret. The operator must run with --unsafe-allow-generic-targets and be granted the kind in RBAC; Secrets, Events, Leases and external-secrets.io kinds are refused.");

export const Target = z
  .object({
    name: z.string().max(253).optional().describe("Name of the Secret to manage; defaults to the ExternalSecret's name."),
    creationPolicy: CreationPolicy.optional().describe("Owner (default), Orphan, Merge, CreateOrMerge or None."),
    deletionPolicy: DeletionPolicy.optional().describe("What happens when the provider no longer has the data: Retain (default), Delete or Merge."),
    immutable: z.boolean().optional().describe("Create the Secret immutable; its data is never rewritten."),
    template: Template.optional(),
    manifest: ManifestReference.optional(),
    rolloutRestartTargets: z.array(WorkloadRef).optional().describe("secrets-bridge: workloads restarted when the Secret's data really changed."),
  })
  .describe("The Secret to write.")
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "!has(self.deletionPolicy) || self.deletionPolicy != 'Delete' || !has(self.creationPolicy) || self.creationPolicy == 'Owner'",
        message: "deletionPolicy Delete requires creationPolicy Owner",
      },
      {
        rule: "!has(self.deletionPolicy) || self.deletionPolicy != 'Merge' || !has(self.creationPolicy) || self.creationPolicy != 'None'",
        message: "deletionPolicy Merge is not allowed with creationPolicy None",
      },
    ],
  });
export type Target = z.infer<typeof Target>;

// ESO's syncWindows (2.9), served as ESO does (src/reconcilers/external-secret/sync-windows.ts). maxItems is ours:
// every window is evaluated on each held reconcile, so their number is bounded.
export const SyncWindows = z
  .object({
    kind: z.enum(["allow", "deny"]).describe("allow: refresh only while a window is open; deny: never while one is open."),
    windows: z
      .array(
        z.object({
          schedule: z
            .string()
            .min(1)
            .regex(/^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|@every [^\s]+.*|[^\s]+( [^\s]+){4})$/)
            .describe("5-field cron expression in UTC, or @daily, @every 1h ...: when each window opens."),
          duration: Duration.describe("How long each window stays open (Go duration)."),
        }),
      )
      .min(1)
      .max(100)
      .describe("Schedule and duration pairs."),
  })
  .describe("Restricts when periodic refreshes may run (Periodic refreshPolicy only); creation, spec or metadata changes and a missing Secret still sync at once.");

export const ExternalSecretSpec = z
  .object({
    secretStoreRef: StoreRef.optional(),
    refreshInterval: Duration.optional().describe("How often to refresh (Go duration, default 1h); 0 syncs once."),
    refreshPolicy: RefreshPolicy.optional().describe("Periodic (default), OnChange or CreatedOnce."),
    syncWindows: SyncWindows.optional(),
    target: Target.optional(),
    data: z
      .array(DataItem)
      .max(1000)
      .optional()
      .describe("Keys of the target Secret, each from one remote value. secretKey values are unique.")
      .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["secretKey"] }),
    dataFrom: z.array(DataFromItem).max(100).optional().describe("Keys from whole remote secrets or searches."),
  })
  .describe("What to fetch and how to write it.")
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "(has(self.data) && size(self.data) > 0) || (has(self.dataFrom) && size(self.dataFrom) > 0)",
        message: "either data or dataFrom must be set",
      },
    ],
  });
export type ExternalSecretSpec = z.infer<typeof ExternalSecretSpec>;

export const ExternalSecretStatus = z
  .object({
    refreshTime: z.string().optional().describe("When the data was last fetched and written (RFC 3339)."),
    syncedResourceVersion: z.string().optional().describe("<generation>-<hash of labels and annotations> of the last sync."),
    conditions: z.array(Condition).optional().describe("Ready with reason SecretSynced, SecretSyncedError, SecretDeleted or SecretMissing."),
    binding: z.object({ name: z.string().optional().describe("Name of the Secret.") }).optional().describe("The Secret, as a servicebinding.io reference."),
  })
  .describe("Observed state.");
export type ExternalSecretStatus = z.infer<typeof ExternalSecretStatus>;

export const ExternalSecret = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.any(),
  spec: ExternalSecretSpec,
  status: ExternalSecretStatus.optional(),
});
export type ExternalSecret = Omit<z.infer<typeof ExternalSecret>, "metadata"> & { metadata: ObjectMeta };
