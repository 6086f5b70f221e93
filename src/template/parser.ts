// Go text/template's parser: token stream -> parse trees (the main template plus every {{define}} and
// {{block}}), with Go's parse-time checks: undefined functions and variables, break/continue outside
// range, else-if/else-with, non-executable pipeline stages, multiple definitions.
import { lex, TemplateSyntaxError, type Token } from "./lexer.ts";
import type { ArgNode, CommandNode, ListNode, Node, PipeNode } from "./nodes.ts";
import { parseNumber, unquote } from "./unquote.ts";
import { fromBin } from "./gostr.ts";

export type TreeSet = Map<string, ListNode>;

const isEmptyTree = (list: ListNode): boolean => list.nodes.every((n) => n.kind === "text" && n.text.trim() === "");

export function parseTemplate(name: string, text: string, hasFunction: (name: string) => boolean, trees: TreeSet = new Map(), delims: [string, string] = ["{{", "}}"]): TreeSet {
  const tokens = lex(text, delims[0], delims[1]);
  new Parser(tokens, hasFunction, trees).parse(name);
  return trees;
}

type End = { kind: "end" } | { kind: "else"; chain: "if" | "with" | undefined };

class Parser {
  private i = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  private readonly tokens: Token[];
  private readonly hasFunction: (name: string) => boolean;
  private readonly trees: TreeSet;

  constructor(tokens: Token[], hasFunction: (name: string) => boolean, trees: TreeSet) {
    this.tokens = tokens;
    this.hasFunction = hasFunction;
    this.trees = trees;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private skipSpace(): void {
    while (this.peek().type === "space") this.i++;
  }
  private nextNonSpace(): Token {
    this.skipSpace();
    return this.next();
  }
  private peekNonSpace(): Token {
    this.skipSpace();
    return this.peek();
  }
  private fail(msg: string, tok: Token = this.tokens[Math.max(0, this.i - 1)]!): never {
    throw new TemplateSyntaxError(msg, tok.line);
  }
  private expectRight(context: string): void {
    const tok = this.nextNonSpace();
    if (tok.type !== "right") this.fail(`unexpected ${describe(tok)} in ${context}`, tok);
  }

  parse(name: string): void {
    const root: ListNode = { nodes: [] };
    while (this.peek().type !== "eof") {
      if (this.peek().type === "left") {
        const save = this.i;
        this.next();
        const kw = this.peekNonSpace();
        if (kw.type === "keyword" && kw.value === "define") {
          this.next();
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const node = this.textOrAction();
      if ("kind" in node && (node.kind === "end" || node.kind === "else")) this.fail(`unexpected {{${node.kind}}}`);
      if (node) root.nodes.push(node as Node);
    }
    this.add(name, root);
  }

  private add(name: string, list: ListNode): void {
    const existing = this.trees.get(name);
    if (existing && !isEmptyTree(existing) && !isEmptyTree(list)) this.fail(`template: multiple definition of template ${JSON.stringify(name)}`);
    if (!existing || isEmptyTree(existing)) this.trees.set(name, list);
  }

  private parseDefinition(): void {
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== "string" && nameTok.type !== "rawString") this.fail(`unexpected ${describe(nameTok)} in define clause`, nameTok);
    const name = unquote(nameTok.value, nameTok.line);
    this.expectRight("define clause");
    const savedVars = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList();
    if (end.kind !== "end") this.fail("unexpected {{else}} in define clause");
    this.vars = savedVars;
    this.add(name, list);
  }

  private itemList(): [ListNode, End] {
    const list: ListNode = { nodes: [] };
    while (this.peekNonSpace().type !== "eof") {
      const node = this.textOrAction();
      if ("kind" in node && (node.kind === "end" || node.kind === "else") && !("line" in node)) return [list, node as End];
      list.nodes.push(node as Node);
    }
    return this.fail("unexpected EOF");
  }

  private textOrAction(): Node | End {
    const tok = this.nextNonSpace();
    if (tok.type === "text") return { kind: "text", text: tok.value, line: tok.line, src: "" };
    if (tok.type === "left") return this.action(tok);
    return this.fail(`unexpected ${describe(tok)} in input`, tok);
  }

  private action(left: Token): Node | End {
    const tok = this.nextNonSpace();
    if (tok.type === "keyword") {
      switch (tok.value) {
        case "block": return this.blockControl(tok);
        case "break":
        case "continue":
          if (this.rangeDepth === 0) this.fail(`{{${tok.value}}} outside {{range}}`, tok);
          this.expectRight(tok.value);
          return { kind: tok.value, line: tok.line, src: tok.value };
        case "else": {
          const after = this.peekNonSpace();
          if (after.type === "keyword" && (after.value === "if" || after.value === "with")) return { kind: "else", chain: after.value };
          this.expectRight("else");
          return { kind: "else", chain: undefined };
        }
        case "end":
          this.expectRight("end");
          return { kind: "end" };
        case "if":
        case "with":
        case "range":
          return this.control(tok.value, tok);
        case "template": return this.templateControl(tok);
        case "define": this.fail("unexpected define", tok);
      }
    }
    this.i--;
    const pipe = this.pipeline("command", "right");
    return { kind: "action", pipe, line: left.line, src: pipe.src };
  }

  private control(context: "if" | "with" | "range", tok: Token): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, "right");
    if (context === "range") this.rangeDepth++;
    const [list, end] = this.itemList();
    if (context === "range") this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (end.kind === "else") {
      if (end.chain) {
        if (end.chain !== context) this.fail(`unexpected {{else ${end.chain}}} in ${context}`);
        const chainTok = this.nextNonSpace();
        elseList = { nodes: [this.control(end.chain, chainTok)] };
      } else {
        const [els, end2] = this.itemList();
        if (end2.kind !== "end") this.fail("expected end; found {{else}}");
        elseList = els;
      }
    }
    this.vars.length = mark;
    return { kind: context, pipe, list, elseList, line: tok.line, src: context };
  }

  private templateControl(tok: Token): Node {
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== "string" && nameTok.type !== "rawString") this.fail(`unexpected ${describe(nameTok)} in template clause`, nameTok);
    const name = unquote(nameTok.value, nameTok.line);
    let pipe: PipeNode | undefined;
    if (this.peekNonSpace().type !== "right") pipe = this.pipeline("template clause", "right");
    else this.next();
    return { kind: "template", name, pipe, line: tok.line, src: `{{template ${nameTok.value}}}` };
  }

  private blockControl(tok: Token): Node {
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== "string" && nameTok.type !== "rawString") this.fail(`unexpected ${describe(nameTok)} in block clause`, nameTok);
    const name = unquote(nameTok.value, nameTok.line);
    const pipe = this.pipeline("block clause", "right");
    const savedVars = this.vars;
    this.vars = ["$"];
    const [list, end] = this.itemList();
    if (end.kind !== "end") this.fail("unexpected {{else}} in block clause");
    this.vars = savedVars;
    this.add(name, list);
    return { kind: "template", name, pipe, line: tok.line, src: `{{template ${nameTok.value}}}` };
  }

  private pipeline(context: string, end: "right" | "rparen"): PipeNode {
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
    const srcStart = this.peekNonSpace();
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

  private source(from: Token, to: Token): string {
    const parts: string[] = [];
    for (let k = this.tokens.indexOf(from); k >= 0 && this.tokens[k] !== to; k++) parts.push(this.tokens[k]!.value);
    return parts.join("").trim();
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
        if (!this.vars.includes(tok.value)) this.fail(`undefined variable ${JSON.stringify(tok.value)}`, tok);
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
        const pipe = this.pipeline("parenthesized pipeline", "rparen");
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

function describe(tok: Token): string {
  if (tok.type === "eof") return "EOF";
  if (tok.type === "right") return "}}";
  return `${JSON.stringify(fromBin(tok.value))}`;
}
