// The operator's way to render: templateFrom sources are read here (I/O), the template runs in an isolation
// worker, so a template that outruns its budget costs a worker, never the main thread.
import type { Template } from "../api/external-secret.ts";
import { ConfigError } from "../provider/errors.ts";
import type { ValueScrubber } from "../provider/scrub.ts";
import { IsolationError, isolated, moduleBeside } from "../isolation/index.ts";
import { loadTemplateSources, TemplateExecutionError, type Rendered } from "./render.ts";
import type { Manifest } from "./render-manifest.ts";
import { TemplateNotAllowedError } from "./secret-rules.ts";
import type { TemplateSources } from "./sources.ts";

const RENDER_MODULE = moduleBeside(import.meta.url, "./render.ts").href;
const MANIFEST_MODULE = moduleBeside(import.meta.url, "./render-manifest.ts").href;

/** As applyTemplate, in a worker; `key` names who asks (an ExternalSecret), so a repeat offender gets the suspect lane. */
export async function renderIsolated(template: Template | undefined, data: Record<string, Uint8Array>, sources: TemplateSources, key: string, values?: ValueScrubber): Promise<Rendered> {
  if (!template) return { data, type: undefined, labels: {}, annotations: {} };
  const loaded = await loadTemplateSources(template, sources);
  for (const secret of Object.values(loaded.secrets)) values?.addAll(Object.values(secret));
  try {
    return await isolated<Rendered>({ module: RENDER_MODULE, fn: "renderTemplate", args: [template, data, loaded] }, { key, errors: [ConfigError, TemplateNotAllowedError, TemplateExecutionError] });
  } catch (err) {
    if (err instanceof IsolationError) throw new TemplateExecutionError(`template rendering ${err.message}`);
    throw err;
  }
}


/** As renderManifestTemplate (target.manifest), in a worker. */
export async function renderManifestIsolated(
  template: Template | undefined,
  data: Record<string, Uint8Array>,
  sources: TemplateSources,
  base: Manifest,
  esMetadata: { labels?: Record<string, string>; annotations?: Record<string, string> },
  key: string,
  values?: ValueScrubber,
): Promise<Manifest> {
  const loaded = await loadTemplateSources(template, sources);
  for (const secret of Object.values(loaded.secrets)) values?.addAll(Object.values(secret));
  try {
    return await isolated<Manifest>({ module: MANIFEST_MODULE, fn: "renderManifestTemplate", args: [template, data, loaded, base, esMetadata] }, { key, errors: [ConfigError, TemplateExecutionError] });
  } catch (err) {
    if (err instanceof IsolationError) throw new TemplateExecutionError(`template rendering ${err.message}`);
    throw err;
  }
}
