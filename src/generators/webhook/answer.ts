// From a Webhook's answer to the generated keys, as ESO reads it: the body is JSON; result.jsonPath (when set)
// picks a part of it; a string there is parsed as JSON again; what results must be an object, whose members become
// the keys (strings as they are, anything else as its JSON). JSONPath is jsonpath-plus with evaluation off: filter
// and script expressions in a tenant's path are refused, never run.
import { JSONPath } from "jsonpath-plus";

export class WebhookAnswerError extends Error {}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new WebhookAnswerError(`${what} is not JSON`);
  }
}

function select(document: unknown, jsonPath: string): unknown {
  try {
    return JSONPath({ path: jsonPath, json: document as object, wrap: false, eval: false });
  } catch (err) {
    // jsonpath-plus's messages name the expression's problem, not the document's content.
    throw new WebhookAnswerError(`result.jsonPath ${JSON.stringify(jsonPath)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function keysFromAnswer(body: Buffer, jsonPath: string | undefined): Record<string, Uint8Array> {
  let value = parseJson(body.toString("utf8"), "the answer");
  if (jsonPath) {
    value = select(value, jsonPath);
    if (value === undefined) throw new WebhookAnswerError(`result.jsonPath ${JSON.stringify(jsonPath)} selects nothing in the answer`);
  }
  if (typeof value === "string") value = parseJson(value, "the selected string");
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new WebhookAnswerError(`the ${jsonPath ? "selected part of the " : ""}answer must be a JSON object of keys, not ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`);
  }
  const keys: Record<string, Uint8Array> = {};
  for (const [key, member] of Object.entries(value)) {
    let text: string;
    try {
      text = typeof member === "string" ? member : JSON.stringify(member);
    } catch {
      // Only a member nested past the stack's depth gets here (RangeError).
      throw new WebhookAnswerError("a member of the answer is nested too deep");
    }
    keys[key] = new Uint8Array(Buffer.from(text, "utf8"));
  }
  return keys;
}
