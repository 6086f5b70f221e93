// dataFrom.rewrite off the main thread when it holds a transform template (a tenant's template over key
// names) or a merge (provider values parsed as JSON: an untrusted document, like a SOPS file). A
// transform-only list sends the names alone: values stay in this process. A list with a merge needs the values
// and goes whole, as a template render does. Regexp-only rewrites are linear (RE2) and run here.
import { IsolationError, isolated, moduleBeside } from "../../isolation/index.ts";
import { ConfigError, ProviderError, ResponseTooLargeError } from "../../provider/errors.ts";
import { rewriteKeys, type RewriteRule } from "./shaping.ts";

const SHAPING_MODULE = moduleBeside(import.meta.url, "./shaping.ts").href;

/** rewriteKeys (or rewriteMap when a rule merges), with transforms and merges run in an isolation worker; `key` names the ExternalSecret. */
export async function rewriteIsolated(data: Record<string, Uint8Array>, rules: RewriteRule[] | undefined, key: string): Promise<Record<string, Uint8Array>> {
  if ((rules ?? []).some((rule) => rule.merge)) {
    try {
      return await isolated<Record<string, Uint8Array>>({ module: SHAPING_MODULE, fn: "rewriteMap", args: [data, rules] }, { key, errors: [ConfigError, ResponseTooLargeError, ProviderError] });
    } catch (err) {
      // A merge's cost follows the provider's data, which may shrink again: retried, not a spec error.
      if (err instanceof IsolationError) throw new ProviderError(`dataFrom.rewrite.merge ${err.message}`, "InvalidRemoteData");
      throw err;
    }
  }
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
