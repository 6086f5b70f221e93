// Every request an AWS client sends is counted once (retries included) in externalsecret_provider_api_calls_count,
// and every failure leaves a client call as a typed provider error.
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import { ByteBudget, declaredLength, readCapped } from "../../src/provider/capped-read.ts";
import { Limits } from "../../src/provider/limits.ts";
import { Readable } from "node:stream";
import { callStatus, errorBodies, mapAwsError } from "./errors.ts";

type Next = (args: unknown) => Promise<unknown>;
type Middleware = (next: Next, context: { commandName?: string }) => Next;

/** The part of an SDK v3 client we hook into (every @aws-sdk/client-* has it; its generic types are per client). */
interface MiddlewareClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each client's stack is generic over its own input/output types
  middlewareStack: { add(middleware: any, options: { step: "deserialize"; name: string; priority: "high" | "low" }): void };
}

/**
 * Adds a per-attempt counter: the deserialize step runs inside the SDK's retry loop, once per HTTP request;
 * high priority puts it outside the deserializer, so it sees the parsed result or the typed service error.
 */
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
  client.middlewareStack.add(middleware, { step: "deserialize", name: "secretsBridgeCallCounter", priority: "high" });
  client.middlewareStack.add(boundedBody, { step: "deserialize", name: "secretsBridgeBoundedBody", priority: "low" });
  return client;
}

/**
 * Innermost, on the raw HTTP response, before the SDK's deserializer reads it: the body is read here within
 * Limits.providerResponseBytes (a store's `endpoints` may name any server), so a huge answer fails as
 * ResponseTooLargeError instead of being collected whole; the SDK then reads our bounded copy. Thrown here, the
 * error reaches the caller as it is (the deserializer only decorates errors from its own parsing).
 * Also keeps the first 4 KiB of an error body that is not JSON (moto answers JSON-protocol auth failures in XML,
 * which the SDK cannot parse) so mapAwsError can read AWS's error code. Error bodies carry codes and messages,
 * never secret values.
 */
const boundedBody: Middleware = (next, context) => async (args) => {
  const out = (await next(args)) as { response?: { statusCode?: number; headers?: Record<string, string>; body?: unknown } };
  const response = out.response;
  if (!response || !(response.body instanceof Readable)) return out;
  const what = `${(context.commandName ?? "AWS call").replace(/Command$/, "")}: the response`;
  const body = await readCapped(response.body, new ByteBudget(Limits.providerResponseBytes, what), declaredLength(response.headers?.["content-length"]));
  const type = response.headers?.["content-type"] ?? "";
  if ((response.statusCode ?? 0) >= 400 && !type.includes("json")) errorBodies.set(response, body.subarray(0, 4096).toString("utf8"));
  response.body = Readable.from([body]);
  return out;
};

/** Runs one SDK call; any error comes out as NoSecretError / PermissionDeniedError / ConfigError / ProviderUnavailableError. */
export async function awsCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAwsError(err, what);
  }
}
