// The parser's token cursor: peek/next over the lexer's tokens, skipping spaces, and Go-style parse errors.
import { TemplateSyntaxError, type Token } from "./lexer.ts";
import { fromBin } from "./gostr.ts";

/** How deep blocks ({{if}}, {{range}}, {{with}}, {{block}}, each {{else if}}) and parentheses may nest,
 *  together. The parser and the executor recurse once per level and V8's default stack (~1 MB) overflows
 *  between 1,000 and 2,000 levels of nested calls such as (print (print ...)); Go stops parentheses at
 *  10,000 and lets blocks nest as deep as its growable stacks allow. No real template comes close. */
export const MAX_NESTING = 1000;

export class TokenCursor {
  protected i = 0;
  protected readonly tokens: Token[];
  private depth = 0;

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
  /** Parses one nested level: a clean error instead of a stack overflow past MAX_NESTING. */
  protected nested<T>(what: string, tok: Token, parse: () => T): T {
    if (this.depth >= MAX_NESTING) this.fail(`${what} nested deeper than ${MAX_NESTING} levels`, tok);
    this.depth++;
    const result = parse();
    this.depth--;
    return result;
  }

  protected expectRight(context: string): void {
    const tok = this.nextNonSpace();
    if (tok.type !== "right") this.fail(`unexpected ${describe(tok)} in ${context}`, tok);
  }

  /** The source text of tokens[from] up to (not including) `to`. Takes an index, not a token: looking
   *  the token up made every pipeline cost the whole token list (minutes for a large template). */
  protected source(from: number, to: Token): string {
    const parts: string[] = [];
    for (let k = from; k < this.tokens.length && this.tokens[k] !== to; k++) parts.push(this.tokens[k]!.value);
    return parts.join("").trim();
  }
}

export function describe(tok: Token): string {
  if (tok.type === "eof") return "EOF";
  if (tok.type === "right") return "}}";
  return `${JSON.stringify(fromBin(tok.value))}`;
}
