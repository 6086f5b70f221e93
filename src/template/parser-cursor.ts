// The parser's token cursor: peek/next over the lexer's tokens, skipping spaces, and Go-style parse errors.
import { TemplateSyntaxError, type Token } from "./lexer.ts";
import { fromBin } from "./gostr.ts";

/** How deep blocks ({{if}}, {{range}}, {{with}}, {{block}}, each {{else if}}) and parentheses may nest.
 *  The parser and the executor recurse once per level: about 3 frames a block and 7 a parenthesised call,
 *  and in a fresh process (interpreted frames are the largest) V8's ~1 MB stack overflows near 900
 *  nested (print (print ...)). 500 blocks holding 100 parentheses use well under half of it. Go stops
 *  parentheses at 10,000 and lets blocks nest as deep as its growable stacks allow; no real template
 *  comes close to either. */
export const MAX_BLOCK_NESTING = 500;
export const MAX_PAREN_NESTING = 100;

export class TokenCursor {
  protected i = 0;
  protected readonly tokens: Token[];
  private readonly depth = { blocks: 0, parentheses: 0 };

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
  /** Parses one nested level: a clean error instead of a stack overflow past the limit. */
  protected nested<T>(what: "blocks" | "parentheses", tok: Token, parse: () => T): T {
    const max = what === "blocks" ? MAX_BLOCK_NESTING : MAX_PAREN_NESTING;
    if (this.depth[what] >= max) this.fail(`${what} nested deeper than ${max} levels`, tok);
    this.depth[what]++;
    const result = parse();
    this.depth[what]--;
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
