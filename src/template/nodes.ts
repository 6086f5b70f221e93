// The parse tree of a template, shaped like Go's text/template/parse nodes.

export interface Pos {
  line: number;
  /** The source text of the node, for error messages ("at <.foo>"). */
  src: string;
}

export type ArgNode =
  | ({ kind: "field"; idents: string[] } & Pos)
  | ({ kind: "variable"; idents: string[] } & Pos) // idents[0] is "$x"
  | ({ kind: "identifier"; name: string } & Pos)
  | ({ kind: "chain"; node: ArgNode; fields: string[] } & Pos)
  | ({ kind: "dot" } & Pos)
  | ({ kind: "nil" } & Pos)
  | ({ kind: "bool"; value: boolean } & Pos)
  | ({ kind: "number"; text: string; int: bigint | undefined; float: number | undefined; isChar: boolean } & Pos)
  | ({ kind: "string"; value: string } & Pos)
  | PipeNode;

export interface CommandNode extends Pos {
  args: ArgNode[];
}

export interface PipeNode extends Pos {
  kind: "pipe";
  isAssign: boolean;
  decl: string[];
  cmds: CommandNode[];
}

export type Node =
  | ({ kind: "text"; text: string } & Pos)
  | ({ kind: "action"; pipe: PipeNode } & Pos)
  | ({ kind: "if" | "with"; pipe: PipeNode; list: ListNode; elseList: ListNode | undefined } & Pos)
  | ({ kind: "range"; pipe: PipeNode; list: ListNode; elseList: ListNode | undefined } & Pos)
  | ({ kind: "template"; name: string; pipe: PipeNode | undefined } & Pos)
  | ({ kind: "break" | "continue" } & Pos);

export interface ListNode {
  nodes: Node[];
}
