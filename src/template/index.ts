// The template hook: turns fetched data into the Secret's data, type and metadata (spec.target.template).
// This version applies type and metadata and passes data through; the Go text/template engine plugs in here.
import type { Template } from "../api/external-secret.ts";
import { ConfigError } from "../provider/errors.ts";

export interface Rendered {
  data: Record<string, Uint8Array>;
  type: string | undefined;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function applyTemplate(template: Template | undefined, data: Record<string, Uint8Array>): Rendered {
  if (template?.data && Object.keys(template.data).length > 0) throw new ConfigError("target.template.data needs the template engine, which this version does not have yet");
  if (template?.templateFrom && template.templateFrom.length > 0) throw new ConfigError("target.template.templateFrom needs the template engine, which this version does not have yet");
  return {
    data,
    type: template?.type,
    labels: { ...(template?.metadata?.labels ?? {}) },
    annotations: { ...(template?.metadata?.annotations ?? {}) },
  };
}
