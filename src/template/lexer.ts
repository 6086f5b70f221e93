// Go text/template's lexer: text and actions, {{- / -}} trimming, comments, strings, raw strings, chars,
// numbers, fields, variables and keywords; newlines are allowed inside actions (Go >= 1.16).
export type TokenType =
  | "text" | "left" | "right" | "space" | "field" | "variable" | "identifier" | "keyword" | "bool" | "nil"
  | "string" | "rawString" | "char" | "number" | "pipe" | "declare" | "assign" | "lparen" | "rparen" | "comma"
  | "dot" | "comment" | "eof";

export interface Token {
  type: TokenType;
  value: string;
  line: number;
  pos: number;
}

export const KEYWORDS = new Set(["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"]);
const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
const isAlnum = (c: string | undefined) => c !== undefined && (/[A-Za-z0-9_]/.test(c) || c.charCodeAt(0) >= 0x80);

export class TemplateSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

export function lex(input: string, left = "{{", right = "}}"): Token[] {
  const out: Token[] = [];
  let pos = 0;
  let line = 1;
  const emit = (type: TokenType, value: string, at: number, atLine: number) => out.push({ type, value, line: atLine, pos: at });
  const fail = (msg: string): never => {
    throw new TemplateSyntaxError(msg, line);
  };
  const advance = (n: number) => {
    for (let k = 0; k < n; k++) if (input[pos + k] === "\n") line++;
    pos += n;
  };

  while (pos < input.length) {
    // Text up to the next left delimiter.
    const next = input.indexOf(left, pos);
    const end = next === -1 ? input.length : next;
    let text = input.slice(pos, end);
    const textLine = line;
    const textPos = pos;
    let trimLeft = false;
    if (next !== -1 && input[next + left.length] === "-" && isSpace(input[next + left.length + 1])) trimLeft = true;
    // The lookbehind keeps this linear: a bare [ \t\r\n]+$ rescans a long run of spaces from each start.
    if (trimLeft) text = text.replace(/(?<![ \t\r\n])[ \t\r\n]+$/, "");
    advance(end - pos);
    if (text.length > 0) emit("text", text, textPos, textLine);
    if (next === -1) break;

    // The action.
    const actionLine = line;
    advance(left.length + (trimLeft ? 2 : 0));
    // A comment emits nothing, as in Go.
    if (input.startsWith("/*", pos)) {
      const close = input.indexOf("*/", pos + 2);
      if (close === -1) fail("unclosed comment");
      advance(close + 2 - pos);
      let trimRight = false;
      if (input[pos] === " " && input[pos + 1] === "-" && input.startsWith(right, pos + 2)) {
        trimRight = true;
        advance(2);
      }
      if (!input.startsWith(right, pos)) fail("comment ends before closing delimiter");
      advance(right.length);
      if (trimRight) while (isSpace(input[pos])) advance(1);
      continue;
    }
    emit("left", left, pos, actionLine);
    let parenDepth = 0;
    for (;;) {
      if (pos >= input.length) fail("unclosed action");
      // " -}}" closes with right trimming.
      if (isSpace(input[pos]) && input[pos + 1] === "-" && input.startsWith(right, pos + 2)) {
        advance(2);
        emit("right", right, pos, line);
        advance(right.length);
        while (isSpace(input[pos])) advance(1);
        break;
      }
      if (input.startsWith(right, pos)) {
        if (parenDepth > 0) fail("unclosed left paren");
        emit("right", right, pos, line);
        advance(right.length);
        break;
      }
      const c = input[pos]!;
      const start = pos;
      const startLine = line;
      if (isSpace(c)) {
        let n = 0;
        while (isSpace(input[pos + n])) n++;
        // Leave " -}}" to the trimming close above.
        if (input[pos + n] === "-" && input.startsWith(right, pos + n + 1)) n--;
        if (n > 0) {
          advance(n);
          emit("space", " ", start, startLine);
        }
        continue;
      }
      if (c === "=") { advance(1); emit("assign", "=", start, startLine); continue; }
      if (c === ":") {
        if (input[pos + 1] !== "=") fail("expected :=");
        advance(2); emit("declare", ":=", start, startLine); continue;
      }
      if (c === "|") { advance(1); emit("pipe", "|", start, startLine); continue; }
      if (c === "(") { advance(1); parenDepth++; emit("lparen", "(", start, startLine); continue; }
      if (c === ")") {
        parenDepth--;
        if (parenDepth < 0) fail("unexpected right paren");
        advance(1); emit("rparen", ")", start, startLine); continue;
      }
      if (c === ",") { advance(1); emit("comma", ",", start, startLine); continue; }
      if (c === '"') {
        let j = pos + 1;
        for (;;) {
          const d = input[j];
          if (d === undefined || d === "\n") fail("unterminated quoted string");
          if (d === "\\") { j += 2; continue; }
          if (d === '"') break;
          j++;
        }
        emit("string", input.slice(pos, j + 1), start, startLine);
        advance(j + 1 - pos);
        continue;
      }
      if (c === "`") {
        const close = input.indexOf("`", pos + 1);
        if (close === -1) fail("unterminated raw quoted string");
        emit("rawString", input.slice(pos, close + 1), start, startLine);
        advance(close + 1 - pos);
        continue;
      }
      if (c === "'") {
        let j = pos + 1;
        for (;;) {
          const d = input[j];
          if (d === undefined || d === "\n") fail("unterminated character constant");
          if (d === "\\") { j += 2; continue; }
          if (d === "'") break;
          j++;
        }
        emit("char", input.slice(pos, j + 1), start, startLine);
        advance(j + 1 - pos);
        continue;
      }
      if (c === "$" || (c === "." && !/[0-9]/.test(input[pos + 1] ?? ""))) {
        let j = pos + 1;
        while (isAlnum(input[j])) j++;
        const word = input.slice(pos, j);
        checkTerminator(input, j, right, fail);
        emit(c === "$" ? "variable" : word === "." ? "dot" : "field", word, start, startLine);
        advance(j - pos);
        continue;
      }
      if (c === "+" || c === "-" || c === "." || /[0-9]/.test(c)) {
        const m = /^[+-]?(0[xX][0-9a-fA-F_]*(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+|([0-9][0-9_]*)?\.?[0-9_]*([eE][+-]?[0-9_]+)?)i?/.exec(input.slice(pos));
        const text = m?.[0] ?? "";
        if (!text || text === "+" || text === "-" || isAlnum(input[pos + text.length])) fail(`bad number syntax: ${JSON.stringify(input.slice(pos, pos + text.length + 1))}`);
        emit("number", text, start, startLine);
        advance(text.length);
        continue;
      }
      if (isAlnum(c)) {
        let j = pos;
        while (isAlnum(input[j])) j++;
        const word = input.slice(pos, j);
        checkTerminator(input, j, right, fail);
        const type: TokenType = KEYWORDS.has(word) ? "keyword" : word === "true" || word === "false" ? "bool" : word === "nil" ? "nil" : "identifier";
        emit(type, word, start, startLine);
        advance(j - pos);
        continue;
      }
      fail(`unrecognized character in action: ${JSON.stringify(c)}`);
    }
  }
  out.push({ type: "eof", value: "", line, pos });
  return out;
}

function checkTerminator(input: string, j: number, right: string, fail: (msg: string) => never): void {
  const r = input[j];
  if (r === undefined || isSpace(r) || ".,|:)(=".includes(r) || input.startsWith(right, j)) return;
  fail(`bad character ${JSON.stringify(r)}`);
}
