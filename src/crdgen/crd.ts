// Builds one apiextensions.k8s.io/v1 CustomResourceDefinition object from a KindInfo.
import type { KindInfo } from "../api/kinds.ts";
import { toOpenApi } from "./to-openapi.ts";
import type { Schema } from "./to-openapi.ts";
import { toStructural } from "./structural.ts";

// The texts the apiserver's own types carry, so `kubectl explain` reads the same as for built-in kinds.
const API_VERSION_DOC =
  "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC =
  "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/** The CRD as plain data, ready to serialize or to send to the apiserver. */
export type Crd = Schema;

/** The full openAPIV3Schema of a kind: apiVersion/kind/metadata plus the structural spec and status. */
export function kindSchema(info: KindInfo): Schema {
  const spec = toStructural(toOpenApi(info.spec));
  const status = info.status ? toStructural(toOpenApi(info.status)) : undefined;
  const schema: Schema = {
    type: "object",
    description: info.description,
    properties: {
      apiVersion: { type: "string", description: API_VERSION_DOC },
      kind: { type: "string", description: KIND_DOC },
      // The apiserver validates ObjectMeta itself; a schema here would only shadow its rules.
      metadata: { type: "object" },
      spec,
      ...(status ? { status } : {}),
    },
  };
  if (specIsRequired(spec)) schema.required = ["spec"];
  return schema;
}

/**
 * `spec` is required when an empty spec could not be valid anyway (it has required fields or CEL rules):
 * without it a missing spec would skip those rules entirely. A kind whose spec is all-optional keeps
 * accepting `spec`-less objects, as ESO's CRDs do.
 */
function specIsRequired(spec: Schema): boolean {
  const required = Array.isArray(spec.required) && spec.required.length > 0;
  const rules = Array.isArray(spec["x-kubernetes-validations"]) && spec["x-kubernetes-validations"].length > 0;
  return required || rules || (typeof spec.minProperties === "number" && spec.minProperties > 0);
}

export function crdName(info: KindInfo): string {
  return `${info.plural}.${info.group}`;
}

export function buildCrd(info: KindInfo): Crd {
  const names: Schema = { kind: info.kind, listKind: info.listKind, plural: info.plural, singular: info.singular };
  if (info.shortNames.length > 0) names.shortNames = [...info.shortNames];
  if (info.categories.length > 0) names.categories = [...info.categories];
  const version: Schema = {
    name: info.version,
    served: true,
    storage: true,
    // Status is written through its own subresource only, so spec edits never race the operator.
    subresources: { status: {} },
    schema: { openAPIV3Schema: kindSchema(info) },
  };
  // The apiserver drops an empty list on write; omitting it keeps the file equal to what is stored.
  if (info.printerColumns.length > 0) version.additionalPrinterColumns = info.printerColumns.map((column) => ({ ...column }));
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: crdName(info) },
    spec: {
      group: info.group,
      names,
      scope: info.scope,
      versions: [version],
    },
  };
}
