// dataFrom.find: lists the project's secrets and reads the latest version of each match. Names, path and
// labels are always matched here too, because emulators ignore the server-side filter and return secrets in
// any order; the result never depends on the listing order.
import type { FindRequest } from "../../src/provider/types.ts";
import { NoSecretError } from "../../src/provider/errors.ts";
import type { SessionDeps, Call } from "./client.ts";
import { findNameRegexp } from "../../src/provider/spec-regexp.ts";
import { listFilter, matchesFind, parentName, shortName } from "./names.ts";

export interface FindDeps extends SessionDeps {
  call: Call;
  access(key: string, version: string | undefined): Promise<Uint8Array>;
}

export async function findSecrets(request: FindRequest, deps: FindDeps): Promise<Record<string, Uint8Array>> {
  const pattern = findNameRegexp(request);
  const parent = parentName(deps.scope);
  const filter = listFilter(request);
  const matches: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await deps.call("ListSecrets", `secrets of ${parent}`, () => deps.api.listSecrets(parent, filter, pageToken));
    for (const secret of page.secrets) {
      const id = shortName(secret.name);
      if (matchesFind(id, secret.labels, request, pattern)) matches.push(id);
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  matches.sort();
  deps.log.debug({ matches: matches.length }, "gcpsm: find listed secrets");
  const out: Record<string, Uint8Array> = {};
  // In parallel; the session's limiter bounds how many run at once.
  await Promise.all(
    matches.map(async (id) => {
      try {
        out[id] = await deps.access(id, "latest");
      } catch (err) {
        // Deleted since the listing, or no version yet: not part of the result, as if it had not been listed.
        if (!(err instanceof NoSecretError)) throw err;
      }
    }),
  );
  return Object.fromEntries(matches.filter((id) => id in out).map((id) => [id, out[id]!]));
}
