// dataFrom.find on Parameter Store. A path alone: GetParametersByPath (recursive, decrypted, values included).
// Tags or a name regexp: DescribeParameters (tag and path filters server-side, exact checks here), then the
// values through the session's batcher (GetParameters, 10 names per call).
import { DescribeParametersCommand, GetParametersByPathCommand } from "@aws-sdk/client-ssm";
import type { ParameterStringFilter, SSMClient } from "@aws-sdk/client-ssm";
import { NoSecretError } from "../../src/provider/errors.ts";
import type { FindRequest, SecretValue } from "../../src/provider/types.ts";
import type { Batcher } from "./batcher.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { findMatcher } from "./find-match.ts";
import { toBytes } from "../../src/provider/json-value.ts";
import { rawBytes } from "./values.ts";
import type { RawValue } from "./values.ts";

interface FindDeps {
  sdk: SSMClient;
  spec: AwsProviderSpec;
  guarded: <T>(what: string, fn: () => Promise<T>) => Promise<T>;
  values: Batcher<RawValue>;
}

/** A parameter path without its trailing slashes ("/" stays). The lookbehind keeps it linear on a long run of slashes. */
const trimTrailingSlashes = (path: string): string => (path.length > 1 ? path.replace(/(?<!\/)\/+$/, "") : path);

/** DescribeParameters filters: each tag as `tag:<key>` = value, the path as a recursive Path filter. Pure. */
export function describeFilters(request: FindRequest, path: string | undefined): ParameterStringFilter[] {
  const filters: ParameterStringFilter[] = Object.entries(request.tags ?? {}).map(([key, value]) => ({ Key: `tag:${key}`, Values: [value] }));
  if (path) filters.push({ Key: "Path", Option: "Recursive", Values: [trimTrailingSlashes(path)] });
  return filters;
}

export async function findParameters(deps: FindDeps, request: FindRequest): Promise<Record<string, SecretValue>> {
  const { sdk, spec, guarded, values } = deps;
  const path = request.path !== undefined || spec.prefix ? `${spec.prefix ?? ""}${request.path ?? ""}` : undefined;
  const matches = findMatcher({ ...request, tags: undefined }, path);
  const out: Record<string, SecretValue> = {};
  const hasTags = Object.keys(request.tags ?? {}).length > 0;
  let token: string | undefined;

  if (path?.startsWith("/") && !hasTags) {
    const byPath = trimTrailingSlashes(path);
    do {
      const res = await guarded(`GetParametersByPath ${byPath}`, () =>
        sdk.send(new GetParametersByPathCommand({ Path: byPath, Recursive: true, WithDecryption: true, MaxResults: 10, NextToken: token })),
      );
      for (const parameter of res.Parameters ?? []) if (parameter.Name && matches(parameter.Name)) out[parameter.Name] = toBytes(parameter.Value ?? "");
      token = res.NextToken;
    } while (token);
    return out;
  }

  const names: string[] = [];
  do {
    const res = await guarded("DescribeParameters", () =>
      sdk.send(new DescribeParametersCommand({ ParameterFilters: describeFilters(request, path?.startsWith("/") ? path : undefined), MaxResults: 50, NextToken: token })),
    );
    for (const parameter of res.Parameters ?? []) if (parameter.Name && matches(parameter.Name)) names.push(parameter.Name);
    token = res.NextToken;
  } while (token);
  const found = await Promise.all(names.map((name) => values.get(name).catch((err: unknown) => (err instanceof NoSecretError ? undefined : Promise.reject(err)))));
  names.forEach((name, i) => {
    const value = found[i];
    if (value) out[name] = rawBytes(value);
  });
  return out;
}
