// Go text/template's parser: token stream -> parse trees (the main template plus every {{define}} and
// {{block}}), with Go's parse-time checks: undefined functions and variables, break/continue outside
// range, else-if/else-with, non-executable pipeline stages, multiple definitions.
import { lex, type Token } from "./lexer.ts";
import type { ListNode, Node, PipeNode } from "./nodes.ts";
import { unquote } from "./unquote.ts";
import { describe } from "./parser-cursor.ts";
import { PipelineParser } from "./parser-pipeline.ts";

export type TreeSet = Map<string, ListNode>;

const isEmptyTree = (list: ListNode): boolean => list.nodes.every((n) => n.kind === "text" && n.text.trim() === "");

export function parseTemplate(name: string, text: string, hasFunction: (name: string) => boolean, trees: TreeSet = new Map(), delims: [string, string] = ["{{", "}}"]): TreeSet {
  return parseSized(name, text, hasFunction, trees, delims).trees;
}

/** parseTemplate that also tells how many tokens the trees were built from (their memory: see MAX_TOKENS). */
export function parseSized(name: string, text: string, hasFunction: (name: string) => boolean, trees: TreeSet = new Map(), delims: [string, string] = ["{{", "}}"]): { trees: TreeSet; tokens: number } {
  const tokens = lex(text, delims[0], delims[1]);
  new Parser(tokens, hasFunction, trees).parse(name);
  return { trees, tokens: tokens.length };
}

type End = { kind: "end" } | { kind: "else"; chain: "if" | "with" | undefined };

class Parser extends PipelineParser {
  private rangeDepth = 0;
  private readonly trees: TreeSet;

  constructor(tokens: Token[], hasFunction: (name: string) => boolean, trees: TreeSet) {
    super(tokens, hasFunction);
    this.trees = trees;
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
        case "block": return this.nested("blocks", tok, () => this.blockControl(tok));
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
          return this.nested("blocks", tok, () => this.control(tok.value as "if" | "with" | "range", tok));
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
        const chain = end.chain;
        elseList = { nodes: [this.nested("blocks", chainTok, () => this.control(chain, chainTok))] };
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
}
