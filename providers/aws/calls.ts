// Every request an AWS client sends is counted once (retries included) in externalsecret_provider_api_calls_count,
// and every failure leaves a client call as a typed provider error.
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
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
  client.middlewareStack.add(keepErrorBody, { step: "deserialize", name: "secretsBridgeErrorBody", priority: "low" });
  return client;
}

/**
 * Innermost, on the raw HTTP response: keeps the first 4 KiB of an error body that is not JSON (moto answers
 * JSON-protocol auth failures in XML, which the SDK cannot parse) so mapAwsError can read AWS's error code.
 * Error bodies carry codes and messages, never secret values.
 */
const keepErrorBody: Middleware = (next) => async (args) => {
  const out = (await next(args)) as { response?: { statusCode?: number; headers?: Record<string, string>; body?: unknown } };
  const response = out.response;
  const type = response?.headers?.["content-type"] ?? "";
  if (response && (response.statusCode ?? 0) >= 400 && !type.includes("json") && response.body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
    const body = Buffer.concat(chunks);
    errorBodies.set(response, body.subarray(0, 4096).toString("utf8"));
    response.body = Readable.from([body]);
  }
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
