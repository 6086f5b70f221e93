// dataFrom.rewrite off the main thread when it holds a transform template (a tenant's template over key
// names): the worker maps names only, values never leave this thread. Regexp-only rewrites are linear (RE2)
// and run here.
import { IsolationError, isolated, moduleBeside } from "../../isolation/index.ts";
import { ConfigError } from "../../provider/errors.ts";
import { rewriteKeys, type RewriteRule } from "./shaping.ts";

const SHAPING_MODULE = moduleBeside(import.meta.url, "./shaping.ts").href;

/** rewriteKeys, with transform templates run in an isolation worker; `key` names the ExternalSecret. */
export async function rewriteIsolated<T>(data: Record<string, T>, rules: RewriteRule[] | undefined, key: string): Promise<Record<string, T>> {
  if (!(rules ?? []).some((rule) => rule.transform)) return rewriteKeys(data, rules);
  // Each name maps to itself; the rewrite turns that into new name -> original name (later names win, as in rewriteKeys).
  const names = Object.fromEntries(Object.keys(data).map((name) => [name, name]));
  let renamed: Record<string, string>;
  try {
    renamed = await isolated<Record<string, string>>({ module: SHAPING_MODULE, fn: "rewriteKeys", args: [names, rules] }, { key, errors: [ConfigError] });
  } catch (err) {
    if (err instanceof IsolationError) throw new ConfigError(`dataFrom.rewrite.transform ${err.message}`);
    throw err;
  }
  return Object.fromEntries(Object.entries(renamed).map(([to, from]) => [to, data[from]!]));
}
