// The template hook the reconciler and the CLI call: ESO's engine v2 (Go text/template + Sprig + ESO's
// functions) applied to fetched data (render.ts), with templateFrom sources (sources.ts).
export { applyTemplate, loadTemplateSources, renderTemplate, templateConfigError, TemplateExecutionError, templateTarget, type LoadedSources, type Rendered } from "./render.ts";
export { renderIsolated, renderManifestIsolated } from "./render-isolated.ts";
export { renderManifestTemplate, type Manifest } from "./render-manifest.ts";
export { apiTemplateSources, staticTemplateSources, TemplateSourceError, type TemplateSources } from "./sources.ts";
export { parseOnly, renderBytes, renderString, stringData, TemplateError } from "./engine.ts";
export { checkSecretTemplate, secretTemplateProblems, TemplateNotAllowedError } from "./secret-rules.ts";
