// ESO's template rules for a Secret target (apis/externalsecrets/v1 ValidateSecretTemplate), checked on the spec
// alone, before anything renders: by `validate`, by the CEL rules where CEL can say it, and at every sync, since
// a cluster may hold objects written before the CRD had the rule. ESO refuses exactly these:
//  - type kubernetes.io/service-account-token with the kubernetes.io/service-account.name annotation in
//    template.metadata.annotations, or with any templateFrom whose target is Annotations (any letter case);
//  - type bootstrap.kubernetes.io/token, whatever else;
//  - a templateFrom target other than Data, Annotations or Labels (any letter case), which for a Secret would be
//    a path into privileged fields.
// They stop a tenant from minting long-lived tokens beyond the RBAC it was given. ESO looks at the spec, not at
// rendered output (a KeysAndValues template cannot reach annotations without an Annotations target).
import type { Template } from "../api/external-secret.ts";
import { ConfigError } from "../provider/errors.ts";

export const SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token";
export const SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name";
export const BOOTSTRAP_TOKEN = "bootstrap.kubernetes.io/token";

/** A template ESO refuses for a Secret: Ready=False, not retried until the spec changes, the last Secret kept. */
export class TemplateNotAllowedError extends ConfigError {
  override readonly reason = "TemplateNotAllowed";
}

export interface TemplateProblem {
  /** Path inside spec.target.template, for validate's line numbers. */
  path: (string | number)[];
  message: string;
}

// `validate` passes manifests that may not match the schema: every read below tolerates a wrong type.
const isTarget = (target: unknown, name: string): boolean => typeof target === "string" && target.toLowerCase() === name.toLowerCase();

/** Every rule the template breaks, in ESO's words; empty when it may render into a Secret. */
export function secretTemplateProblems(template: Template | undefined): TemplateProblem[] {
  if (!template) return [];
  const problems: TemplateProblem[] = [];
  const froms = Array.isArray(template.templateFrom) ? template.templateFrom : [];
  const annotations = template.metadata?.annotations;
  if (template.type === SERVICE_ACCOUNT_TOKEN) {
    if (typeof annotations === "object" && annotations !== null && Object.hasOwn(annotations, SERVICE_ACCOUNT_NAME)) {
      problems.push({ path: ["metadata", "annotations", SERVICE_ACCOUNT_NAME], message: `template.type=${JSON.stringify(SERVICE_ACCOUNT_TOKEN)} with annotation ${JSON.stringify(SERVICE_ACCOUNT_NAME)} is not allowed` });
    }
    const i = froms.findIndex((f) => isTarget(f?.target, "Annotations"));
    if (i >= 0) problems.push({ path: ["templateFrom", i, "target"], message: `template.type=${JSON.stringify(SERVICE_ACCOUNT_TOKEN)} with templateFrom target="Annotations" is not allowed` });
  }
  if (template.type === BOOTSTRAP_TOKEN) problems.push({ path: ["type"], message: `template.type=${JSON.stringify(BOOTSTRAP_TOKEN)} is not allowed` });
  froms.forEach((f, i) => {
    if (f?.target === undefined || f.target === "" || ["Data", "Annotations", "Labels"].some((t) => isTarget(f.target, t))) return;
    problems.push({ path: ["templateFrom", i, "target"], message: `templateFrom target=${JSON.stringify(f.target)} is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"` });
  });
  return problems;
}

/** Throws TemplateNotAllowedError when ESO would refuse the template for a Secret. */
export function checkSecretTemplate(template: Template | undefined): void {
  const problems = secretTemplateProblems(template);
  if (problems.length > 0) throw new TemplateNotAllowedError(problems.map((p) => p.message).join("; "));
}
