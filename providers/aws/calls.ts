// Every request an AWS client sends is counted once (retries included) in externalsecret_provider_api_calls_count,
// and every failure leaves a client call as a typed provider error.
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import { callStatus, mapAwsError } from "./errors.ts";

type Next = (args: unknown) => Promise<unknown>;
type Middleware = (next: Next, context: { commandName?: string }) => Next;

/** The part of an SDK v3 client we hook into (every @aws-sdk/client-* has it; its generic types are per client). */
interface MiddlewareClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each client's stack is generic over its own input/output types
  middlewareStack: { add(middleware: any, options: { step: "deserialize"; name: string }): void };
}

/** Adds a per-attempt counter: the deserialize step runs inside the SDK's retry loop, once per HTTP request. */
export function countRequests<C extends MiddlewareClient>(client: C): C {
  const middleware: Middleware = (next, context) => async (args) => {
      const call = (context.commandName ?? "Unknown").replace(/Command$/, "");
      try {
        const result = await next(args);
        recordProviderCall("aws", call, "success");
        return result;
      } catch (err) {
        recordProviderCall("aws", call, callStatus(mapAwsError(err, call)));
        throw err;
      }
    };
  client.middlewareStack.add(middleware, { step: "deserialize", name: "secretsBridgeCallCounter" });
  return client;
}

/** Runs one SDK call; any error comes out as NoSecretError / PermissionDeniedError / ConfigError / ProviderUnavailableError. */
export async function awsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAwsError(err, what);
  }
}
