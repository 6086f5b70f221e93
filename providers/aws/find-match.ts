// The exact find selection both services share: AWS's server-side filters are looser (Secrets Manager's name
// filter is a case-insensitive prefix, its tag filters match keys and values independently), so results are
// checked here against path prefix, name regexp and tag pairs.
import { findNameRegexp } from "../../src/provider/spec-regexp.ts";
import type { FindRequest } from "../../src/provider/types.ts";

/** The exact selection, applied to what AWS's looser filters return (its name filter is a case-insensitive prefix). Pure. */
export function findMatcher(request: FindRequest, pathPrefix: string | undefined): (name: string, tags?: Record<string, string>) => boolean {
  const pattern = findNameRegexp(request);
  const wanted = Object.entries(request.tags ?? {});
  return (name, tags = {}) =>
    (pathPrefix === undefined || name.startsWith(pathPrefix)) && (pattern === undefined || pattern.test(name)) && wanted.every(([key, value]) => tags[key] === value);
}
