// The kinds we serve and how their CRDs look (names, scope, printer columns); crdgen turns these into crds/.
import type { z } from "zod";
import { ExternalSecretSpec, ExternalSecretStatus } from "./external-secret.ts";
import { ClusterExternalSecretSpec, ClusterExternalSecretStatus } from "./cluster-external-secret.ts";
import { clusterSecretStoreSpec, secretStoreSpec, SecretStoreStatus } from "./secret-store.ts";
import { GROUP, VERSION } from "./common.ts";
import { generatorKinds } from "./generator-kinds.ts";
import { PUSH_VERSION, PushSecretSpec, PushSecretStatus } from "./push-secret.ts";
import { ClusterPushSecretSpec, ClusterPushSecretStatus } from "./cluster-push-secret.ts";
import { RECEIVER_GROUP, RECEIVER_VERSION, RefreshReceiverSpec, RefreshReceiverStatus } from "./refresh-receiver.ts";

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  priority?: number;
  description?: string;
}

/** Everything crdgen needs to write one CustomResourceDefinition. */
export interface KindInfo {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  scope: "Namespaced" | "Cluster";
  description: string;
  spec: z.ZodType;
  /** Absent for kinds without status (generators, as ESO's CRDs: the subresource is declared, the field is not). */
  status?: z.ZodType;
  printerColumns: PrinterColumn[];
}

const CATEGORIES = ["external-secrets"];
const READY_REASON = '.status.conditions[?(@.type=="Ready")].reason';
const READY_STATUS = '.status.conditions[?(@.type=="Ready")].status';

const storeColumns: PrinterColumn[] = [
  { name: "AGE", type: "date", jsonPath: ".metadata.creationTimestamp" },
  { name: "Status", type: "string", jsonPath: READY_REASON },
  { name: "Capabilities", type: "string", jsonPath: ".status.capabilities" },
  { name: "Ready", type: "string", jsonPath: READY_STATUS },
];

export function kinds(providerSlices: Record<string, z.ZodType>): KindInfo[] {
  return [
    {
      group: GROUP,
      version: VERSION,
      kind: "ExternalSecret",
      listKind: "ExternalSecretList",
      plural: "externalsecrets",
      singular: "externalsecret",
      shortNames: ["es"],
      categories: CATEGORIES,
      scope: "Namespaced",
      description: "ExternalSecret names a secret in an external store and the Kubernetes Secret to write it to.",
      spec: ExternalSecretSpec,
      status: ExternalSecretStatus,
      printerColumns: [
        { name: "StoreType", type: "string", jsonPath: ".spec.secretStoreRef.kind" },
        { name: "Store", type: "string", jsonPath: ".spec.secretStoreRef.name" },
        { name: "Refresh Interval", type: "string", jsonPath: ".spec.refreshInterval" },
        { name: "Status", type: "string", jsonPath: READY_REASON },
        { name: "Ready", type: "string", jsonPath: READY_STATUS },
        { name: "Last Sync", type: "date", jsonPath: ".status.refreshTime" },
        // Declaring columns drops the apiserver's default Age column, so it is declared too.
        { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
      ],
    },
    {
      group: GROUP,
      version: VERSION,
      kind: "SecretStore",
      listKind: "SecretStoreList",
      plural: "secretstores",
      singular: "secretstore",
      shortNames: ["ss"],
      categories: CATEGORIES,
      scope: "Namespaced",
      description: "SecretStore says how to reach an external secret store, for ExternalSecrets of its namespace.",
      spec: secretStoreSpec(providerSlices),
      status: SecretStoreStatus,
      printerColumns: storeColumns,
    },
    {
      group: GROUP,
      version: VERSION,
      kind: "ClusterSecretStore",
      listKind: "ClusterSecretStoreList",
      plural: "clustersecretstores",
      singular: "clustersecretstore",
      shortNames: ["css"],
      categories: CATEGORIES,
      scope: "Cluster",
      description: "ClusterSecretStore says how to reach an external secret store, for ExternalSecrets of the namespaces its conditions allow.",
      spec: clusterSecretStoreSpec(providerSlices),
      status: SecretStoreStatus,
      printerColumns: storeColumns,
    },
    {
      group: GROUP,
      version: VERSION,
      kind: "ClusterExternalSecret",
      listKind: "ClusterExternalSecretList",
      plural: "clusterexternalsecrets",
      singular: "clusterexternalsecret",
      shortNames: ["ces"],
      categories: CATEGORIES,
      scope: "Cluster",
      description: "ClusterExternalSecret makes one ExternalSecret in every namespace its selectors match.",
      spec: ClusterExternalSecretSpec,
      status: ClusterExternalSecretStatus,
      // ESO's columns, in ESO's order.
      printerColumns: [
        { name: "Store", type: "string", jsonPath: ".spec.externalSecretSpec.secretStoreRef.name" },
        { name: "Refresh Interval", type: "string", jsonPath: ".spec.refreshTime" },
        { name: "Ready", type: "string", jsonPath: READY_STATUS },
      ],
    },
    {
      group: GROUP,
      version: PUSH_VERSION,
      kind: "PushSecret",
      listKind: "PushSecretList",
      plural: "pushsecrets",
      singular: "pushsecret",
      shortNames: ["ps"],
      categories: CATEGORIES,
      scope: "Namespaced",
      description: "PushSecret writes Secrets of its namespace (or a generator's output) to external secret stores.",
      spec: PushSecretSpec,
      status: PushSecretStatus,
      // ESO's columns, in ESO's order.
      printerColumns: [
        { name: "AGE", type: "date", jsonPath: ".metadata.creationTimestamp" },
        { name: "Status", type: "string", jsonPath: READY_REASON },
        { name: "Last Sync", type: "date", jsonPath: ".status.refreshTime" },
      ],
    },
    {
      group: GROUP,
      version: PUSH_VERSION,
      kind: "ClusterPushSecret",
      listKind: "ClusterPushSecretList",
      plural: "clusterpushsecrets",
      singular: "clusterpushsecret",
      shortNames: [],
      categories: CATEGORIES,
      scope: "Cluster",
      description: "ClusterPushSecret makes one PushSecret in every namespace its selectors match.",
      spec: ClusterPushSecretSpec,
      status: ClusterPushSecretStatus,
      printerColumns: [
        { name: "AGE", type: "date", jsonPath: ".metadata.creationTimestamp" },
        { name: "Status", type: "string", jsonPath: READY_REASON },
      ],
    },
    ...generatorKinds(providerSlices),
    {
      // Ours (issue 20), in our own group: the external-secrets.io/v1 API stays exactly ESO's.
      group: RECEIVER_GROUP,
      version: RECEIVER_VERSION,
      kind: "RefreshReceiver",
      listKind: "RefreshReceiverList",
      plural: "refreshreceivers",
      singular: "refreshreceiver",
      shortNames: ["rr"],
      categories: CATEGORIES,
      scope: "Namespaced",
      description: "RefreshReceiver is an authenticated webhook that refreshes the stores and ExternalSecrets it selects at once.",
      spec: RefreshReceiverSpec,
      status: RefreshReceiverStatus,
      printerColumns: [
        { name: "Type", type: "string", jsonPath: ".spec.type" },
        { name: "Ready", type: "string", jsonPath: READY_STATUS },
        { name: "Path", type: "string", jsonPath: ".status.webhookPath", priority: 1 },
        { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
      ],
    },
  ];
}
