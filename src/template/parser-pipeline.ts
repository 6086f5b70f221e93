// Pipelines, commands and operands (parse.go's pipeline/command/operand/term): declarations, the checks on
// undefined functions and variables, non-executable stages, field chains and literals.
import type { Token } from "./lexer.ts";
import type { ArgNode, CommandNode, PipeNode } from "./nodes.ts";
import { parseNumber, unquote } from "./unquote.ts";
import { fromBin } from "./gostr.ts";
import { describe, TokenCursor } from "./parser-cursor.ts";

export class PipelineParser extends TokenCursor {
  protected vars: string[] = ["$"];
  protected readonly hasFunction: (name: string) => boolean;

  constructor(tokens: Token[], hasFunction: (name: string) => boolean) {
    super(tokens);
    this.hasFunction = hasFunction;
  }

  protected pipeline(context: string, end: "right" | "rparen"): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { kind: "pipe", isAssign: false, decl: [], cmds: [], line: start.line, src: "" };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== "variable") break;
      const save = this.i;
      this.next();
      const nxt = this.peekNonSpace();
      if (nxt.type === "assign" || nxt.type === "declare") {
        pipe.isAssign = nxt.type === "assign";
        this.next();
        pipe.decl.push(v.value);
        this.vars.push(v.value);
        break;
      }
      if (nxt.type === "comma") {
        this.next();
        pipe.decl.push(v.value);
        this.vars.push(v.value);
        if (context === "range" && pipe.decl.length < 2) {
          const after = this.peekNonSpace();
          if (after.type === "variable" || after.type === "right" || after.type === "rparen") continue;
          this.fail("range can only initialize variables");
        }
        this.fail(`too many declarations in ${context}`);
      }
      this.i = save;
      break;
    }
    this.skipSpace();
    const srcStart = this.i;
    for (;;) {
      const tok = this.nextNonSpace();
      if (tok.type === end) {
        if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, tok);
        pipe.cmds.slice(1).forEach((cmd, k) => {
          const first = cmd.args[0]!;
          if (["bool", "dot", "nil", "number", "string"].includes(first.kind)) this.fail(`non executable command in pipeline stage ${k + 2}`, tok);
        });
        pipe.src = this.source(srcStart, tok);
        return pipe;
      }
      if (["bool", "char", "dot", "field", "identifier", "number", "nil", "rawString", "string", "variable", "lparen"].includes(tok.type)) {
        this.i--;
        pipe.cmds.push(this.command());
      } else this.fail(`unexpected ${describe(tok)} in ${context}`, tok);
    }
  }

  private command(): CommandNode {
    const first = this.peekNonSpace();
    const cmd: CommandNode = { args: [], line: first.line, src: "" };
    for (;;) {
      this.skipSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const tok = this.next();
      if (tok.type === "space") continue;
      if (tok.type === "right" || tok.type === "rparen") this.i--;
      else if (tok.type !== "pipe") this.fail(`unexpected ${describe(tok)} in operand`, tok);
      break;
    }
    if (cmd.args.length === 0) this.fail("empty command");
    cmd.src = cmd.args.map((a) => a.src).join(" ");
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const term = this.term();
    if (!term) return undefined;
    if (this.peek().type !== "field") return term;
    const fields: string[] = [];
    while (this.peek().type === "field") fields.push(this.next().value.slice(1));
    const src = term.src + fields.map((f) => "." + f).join("");
    switch (term.kind) {
      case "field": return { kind: "field", idents: [...term.idents, ...fields], line: term.line, src };
      case "variable": return { kind: "variable", idents: [...term.idents, ...fields], line: term.line, src };
      case "bool": case "string": case "number": case "nil": case "dot":
        return this.fail(`unexpected . after term ${JSON.stringify(term.src)}`);
      default: return { kind: "chain", node: term, fields, line: term.line, src };
    }
  }

  private term(): ArgNode | undefined {
    const tok = this.nextNonSpace();
    const at = { line: tok.line, src: fromBin(tok.value) };
    switch (tok.type) {
      case "identifier":
        if (!this.hasFunction(tok.value)) this.fail(`function ${JSON.stringify(tok.value)} not defined`, tok);
        return { kind: "identifier", name: tok.value, ...at };
      case "dot": return { kind: "dot", ...at };
      case "nil": return { kind: "nil", ...at };
      case "variable":
        // Searched from the newest declaration, where a use usually is; "$" is always the first.
        if (tok.value !== "$" && this.vars.lastIndexOf(tok.value) < 0) this.fail(`undefined variable ${JSON.stringify(tok.value)}`, tok);
        return { kind: "variable", idents: [tok.value], ...at };
      case "field": return { kind: "field", idents: [tok.value.slice(1)], ...at };
      case "bool": return { kind: "bool", value: tok.value === "true", ...at };
      case "char": {
        const ch = [...fromBin(unquote(tok.value, tok.line))][0]!;
        const cp = BigInt(ch.codePointAt(0)!);
        return { kind: "number", text: tok.value, int: cp, float: Number(cp), isChar: true, ...at };
      }
      case "number": {
        const n = parseNumber(tok.value, tok.line);
        return { kind: "number", text: tok.value, int: n.int, float: n.float, isChar: false, ...at };
      }
      case "lparen": {
        const pipe = this.nested("parentheses", tok, () => this.pipeline("parenthesized pipeline", "rparen"));
        return { ...pipe, src: `(${pipe.src})` };
      }
      case "string":
      case "rawString":
        return { kind: "string", value: unquote(tok.value, tok.line), ...at };
    }
    this.i--;
    return undefined;
  }
}
