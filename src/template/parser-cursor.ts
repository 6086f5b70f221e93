// The parser's token cursor: peek/next over the lexer's tokens, skipping spaces, and Go-style parse errors.
import { TemplateSyntaxError, type Token } from "./lexer.ts";
import { fromBin } from "./gostr.ts";

export class TokenCursor {
  protected i = 0;
  protected readonly tokens: Token[];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  protected peek(): Token {
    return this.tokens[this.i]!;
  }
  protected next(): Token {
    return this.tokens[this.i++]!;
  }
  protected skipSpace(): void {
    while (this.peek().type === "space") this.i++;
  }
  protected nextNonSpace(): Token {
    this.skipSpace();
    return this.next();
  }
  protected peekNonSpace(): Token {
    this.skipSpace();
    return this.peek();
  }
  protected fail(msg: string, tok: Token = this.tokens[Math.max(0, this.i - 1)]!): never {
    throw new TemplateSyntaxError(msg, tok.line);
  }
  protected expectRight(context: string): void {
    const tok = this.nextNonSpace();
    if (tok.type !== "right") this.fail(`unexpected ${describe(tok)} in ${context}`, tok);
  }

  protected source(from: Token, to: Token): string {
    const parts: string[] = [];
    for (let k = this.tokens.indexOf(from); k >= 0 && this.tokens[k] !== to; k++) parts.push(this.tokens[k]!.value);
    return parts.join("").trim();
  }
}

export function describe(tok: Token): string {
  if (tok.type === "eof") return "EOF";
  if (tok.type === "right") return "}}";
  return `${JSON.stringify(fromBin(tok.value))}`;
}
