// Opens an AWS session (credentials, endpoint, SDK client). Loaded on first use so an operator that never
// talks to AWS does not load the SDK.
import type { ConnectContext, SecretsClient } from "../../src/provider/types.ts";
import { ConfigError } from "../../src/provider/errors.ts";
import type { AwsProviderSpec } from "./schema.ts";
import { authMethod, sessionCredentials } from "./credentials.ts";
import { endpointFor, endpointsRefusal } from "./endpoints.ts";
import { secretsManagerClient } from "./sm-client.ts";
import { parameterStoreClient } from "./ps-client.ts";
import { deletionSettingsRefusal } from "./sm-push.ts";

export async function connectAws(ctx: ConnectContext<AwsProviderSpec>): Promise<SecretsClient> {
  const refused = endpointsRefusal(ctx.spec);
  if (refused) throw new ConfigError(refused);
  // ESO refuses these when validating the store, before any PushSecret deletes with them.
  const deletion = deletionSettingsRefusal(ctx.spec);
  if (deletion) throw new ConfigError(deletion);
  const env = process.env;
  const credentials = sessionCredentials(ctx, endpointFor("sts", ctx.spec, env));
  ctx.log.debug({ service: ctx.spec.service, region: ctx.spec.region, auth: authMethod(ctx.spec) }, "aws session");
  if (ctx.spec.service === "ParameterStore") return parameterStoreClient({ spec: ctx.spec, credentials, endpoint: endpointFor("ssm", ctx.spec, env) });
  return secretsManagerClient({ spec: ctx.spec, credentials, endpoint: endpointFor("secretsManager", ctx.spec, env), log: ctx.log, kube: ctx.kube });
}
