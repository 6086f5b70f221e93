// dataFrom.find on Secrets Manager. A path alone: BatchGetSecretValue with a name filter (values come back
// 20 per call, no listing). Tags or a name regexp: ListSecrets (server-side filters where AWS has them,
// exact checks here), then the values through the session's batcher (BatchGetSecretValue, 20 ids per call).
import { BatchGetSecretValueCommand, ListSecretsCommand } from "@aws-sdk/client-secrets-manager";
import type { Filter, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { NoSecretError } from "../../src/provider/errors.ts";
import { findMatcher } from "./find-match.ts";
import type { FindRequest, SecretValue } from "../../src/provider/types.ts";
import type { Batcher } from "./batcher.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { rawBytes, toRaw } from "./values.ts";
import type { RawValue } from "./values.ts";

interface FindDeps {
  sdk: SecretsManagerClient;
  spec: AwsProviderSpec;
  guarded: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
  current: Batcher<RawValue>;
}

/** ListSecrets filters for a request: AWS matches tag keys and values independently, so we re-check pairs. Pure. */
export function listFilters(request: FindRequest, pathPrefix: string | undefined): Filter[] {
  const filters: Filter[] = [];
  if (pathPrefix) filters.push({ Key: "name", Values: [pathPrefix] });
  const tags = Object.entries(request.tags ?? {});
  if (tags.length > 0) {
    filters.push({ Key: "tag-key", Values: tags.map(([key]) => key) });
    filters.push({ Key: "tag-value", Values: tags.map(([, value]) => value) });
  }
  return filters;
}

export async function findSecretsManager(deps: FindDeps, request: FindRequest): Promise<Record<string, SecretValue>> {
  const { sdk, spec, guarded, current } = deps;
  const pathPrefix = request.path !== undefined || spec.prefix ? `${spec.prefix ?? ""}${request.path ?? ""}` : undefined;
  const matches = findMatcher(request, pathPrefix);
  const out: Record<string, SecretValue> = {};
  const hasTags = Object.keys(request.tags ?? {}).length > 0;

  if (pathPrefix && request.nameRegexp === undefined && !hasTags) {
    let token: string | undefined;
    do {
      const res = await guarded(`BatchGetSecretValue path ${pathPrefix}`, () =>
        sdk.send(new BatchGetSecretValueCommand({ Filters: listFilters(request, pathPrefix), MaxResults: 20, NextToken: token })),
      );
      for (const entry of res.SecretValues ?? []) if (entry.Name && matches(entry.Name)) out[entry.Name] = rawBytes(toRaw(entry));
      token = res.NextToken;
    } while (token);
    return out;
  }

  const names: string[] = [];
  let token: string | undefined;
  do {
    const res = await guarded("ListSecrets", () => sdk.send(new ListSecretsCommand({ Filters: listFilters(request, pathPrefix), MaxResults: 100, NextToken: token })));
    for (const entry of res.SecretList ?? []) {
      if (!entry.Name || entry.DeletedDate) continue;
      const tags = Object.fromEntries((entry.Tags ?? []).map((tag) => [tag.Key ?? "", tag.Value ?? ""]));
      if (matches(entry.Name, tags)) names.push(entry.Name);
    }
    token = res.NextToken;
  } while (token);
  // Concurrent gets land in the same batching window: ceil(n / 20) BatchGetSecretValue calls.
  // A secret deleted between the listing and the read is simply no longer part of the selection.
  const values = await Promise.all(names.map((name) => current.get(name).catch((err: unknown) => (err instanceof NoSecretError ? undefined : Promise.reject(err)))));
  names.forEach((name, i) => {
    const value = values[i];
    if (value) out[name] = rawBytes(value);
  });
  return out;
}
