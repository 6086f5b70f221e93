// Which parts of a template execution error may be shown to someone who may not read the data. Go's
// messages are "executing NAME at <NODE>: TAIL"; NODE is template text, TAIL is Go's or a function's own
// words. A few tails name only things of the template's text (identifiers, Go type names, numbers) or our
// budget; any other tail, above all `error calling F: ...` (Sprig's `fail`, a date or JSON parse of a
// value), may quote data and is replaced by fixed text. Used by the operator (status, Events, logs) and
// by the CLI's masked output, so both draw the same line.

const IDENT = "[A-Za-z_][A-Za-z0-9_]*";
const GO_TYPE = "[A-Za-z0-9_.\\[\\]{}* ]+";
// Our own constant patterns over bounded messages (the engine's own error text), not tenant patterns.
const SAFE_EXEC_TAILS = [
  new RegExp(`^map has no entry for key "${IDENT}"$`),
  new RegExp(`^can't evaluate field ${IDENT} in type ${GO_TYPE}$`),
  new RegExp(`^${IDENT} is an unexported field of struct type ${GO_TYPE}$`),
  new RegExp(`^${IDENT} has arguments but cannot be invoked as function$`),
  new RegExp(`^wrong type for value; expected ${GO_TYPE}; got ${GO_TYPE}$`),
  new RegExp(`^wrong number of args for ${IDENT}: want (at least )?\\d+ got \\d+$`),
  new RegExp(`^range can't iterate over value of type ${GO_TYPE}$`),
  new RegExp(`^nil pointer evaluating interface \\{\\}\\.${IDENT}$`),
  new RegExp(`^undefined variable: \\$${IDENT}?$`),
  new RegExp(`^"${IDENT}" is not a defined function$`),
  /^exceeded maximum template depth \(\d+\)$/,
  /^template budget exhausted: [a-z0-9 ]+$/,
];
const EXEC_AT = /^(executing "(?:[^"\\]|\\.)*" at <[\s\S]*?>: )([\s\S]*)$/;
const CALL = new RegExp(`^error calling (${IDENT}): `);

/**
 * `rest` (an execution error without Go's "template: NAME:LINE: " head) with its tail replaced by `withheld`
 * unless the tail is one of the safe kinds; the node and the called function's name stay.
 */
export function withholdDataDetails(rest: string, withheld: string): string {
  const exec = EXEC_AT.exec(rest);
  if (!exec) return withheld;
  const [, at, tail] = exec as unknown as [string, string, string];
  // A second ">: " means the node's source ended earlier than it seems: the split is ambiguous, withhold.
  if (!tail.includes(">: ") && SAFE_EXEC_TAILS.some((safe) => safe.test(tail))) return rest;
  const call = CALL.exec(tail);
  return `${at}${call ? `error calling ${call[1]}: ` : ""}${withheld}`;
}
