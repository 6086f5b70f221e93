// Patterns written in a manifest (find.name.regexp, rewrite sources, namespaceRegexes) compiled with Go's
// regexp, as ESO compiles them: a pattern Go rejects is a spec error, a ConfigError naming the field with
// Go's message (the pattern is spec text, never a fetched value).
import { GoRegexp, GoRegexpError } from "../regexp/index.ts";
import { ConfigError } from "./errors.ts";
import type { FindRequest } from "./types.ts";

/** `pattern` compiled; throws ConfigError("<field>: error parsing regexp: ...") for a pattern Go rejects. */
export function specRegexp(pattern: string, field: string): GoRegexp {
  try {
    return GoRegexp.compile(pattern);
  } catch (err) {
    if (err instanceof GoRegexpError) throw new ConfigError(`${field}: ${err.message}`);
    throw err;
  }
}

/** find.name.regexp compiled, or undefined when the request has none. Throws ConfigError as specRegexp does. */
export const findNameRegexp = (request: FindRequest): GoRegexp | undefined =>
  request.nameRegexp === undefined ? undefined : specRegexp(request.nameRegexp, "find.name.regexp");
