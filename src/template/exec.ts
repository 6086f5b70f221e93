// Go text/template's executor over the parse trees: pipelines, variables, field chains with
// missingkey=error, function calls with Go's argument checks, if/with/range/template/break/continue.
import { Budget, BudgetExceeded, DEFAULT_LIMITS, withBudget, type BudgetLimits } from "./budget.ts";
import { callFunction } from "./exec-call.ts";
import { withKeygenQuota } from "./keygen-quota.ts";
import { formatValue } from "./fmt.ts";
import type { FuncMap, GoFunc, ParamType } from "./func-types.ts";
import { canBeNil, checkType, constantArg, goTypeName, idealConstant } from "./exec-args.ts";
import type { ArgNode, CommandNode, ListNode, Node, PipeNode } from "./nodes.ts";
import type { TreeSet } from "./parser.ts";
import { GoMap, GoStruct, Int64, Uint64, goType, intOf, isInt, truth, type GoValue } from "./values.ts";
import { fromBin } from "./gostr.ts";

const MISSING = Symbol("missing");
type Final = GoValue | typeof MISSING;
const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");
const MAX_DEPTH = 10000;

export class TemplateExecError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

interface Var {
  name: string;
  value: GoValue;
}

/** How to execute: the function map (built-ins, Sprig, ESO) and the budget (budget.ts; any limit left
 *  out is DEFAULT_LIMITS'). Execution throws TemplateExecError, also when the budget runs out. */
export interface ExecOptions {
  funcs: FuncMap;
  limits?: Partial<BudgetLimits>;
}

export function execute(trees: TreeSet, name: string, data: GoValue, opts: ExecOptions): string {
  const root = trees.get(name);
  if (!root) throw new TemplateExecError(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(name)}`, 0);
  const budget = new Budget({ ...DEFAULT_LIMITS, ...opts.limits });
  const st = new State(trees, name, opts.funcs, data, budget);
  return withBudget(budget, () => withKeygenQuota(() => {
    try {
      st.walkList(data, root);
    } catch (err) {
      // Reported where it ran out, as Go reports errors: the action being evaluated.
      if (err instanceof BudgetExceeded) st.fail(err.message);
      throw err;
    }
    return st.out.join("");
  }));
}

class State {
  readonly out: string[] = [];
  private vars: Var[];
  private depth = 0;
  private readonly trees: TreeSet;
  private readonly name: string;
  private readonly funcs: FuncMap;
  private readonly budget: Budget;
  private current = "";
  private line = 0;

  constructor(trees: TreeSet, name: string, funcs: FuncMap, data: GoValue, budget: Budget) {
    this.trees = trees;
    this.name = name;
    this.funcs = funcs;
    this.vars = [{ name: "$", value: data }];
    this.budget = budget;
  }

  private write(text: string): void {
    this.budget.emit(text.length);
    this.out.push(text);
  }

  private at(node: { line: number; src: string }): void {
    this.line = node.line;
    this.current = node.src;
  }

  fail(msg: string): never {
    throw new TemplateExecError(`template: ${this.name}:${this.line}: executing ${JSON.stringify(this.name)} at <${this.current}>: ${msg}`, this.line);
  }

  walkList(dot: GoValue, list: ListNode): void {
    for (const node of list.nodes) this.walk(dot, node);
  }

  private walk(dot: GoValue, node: Node): void {
    this.budget.step();
    switch (node.kind) {
      case "text":
        this.write(node.text);
        return;
      case "action": {
        this.at(node);
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.write(value === null ? "<no value>" : formatValue(value));
        return;
      }
      case "if":
      case "with": {
        const mark = this.vars.length;
        const value = this.evalPipeline(dot, node.pipe);
        if (truth(value)) this.walkList(node.kind === "with" ? value : dot, node.list);
        else if (node.elseList) this.walkList(dot, node.elseList);
        this.vars.length = mark;
        return;
      }
      case "range":
        this.walkRange(dot, node);
        return;
      case "template": {
        this.at(node);
        const tree = this.trees.get(node.name);
        if (!tree) this.fail(`no such template ${JSON.stringify(node.name)}`);
        const value = node.pipe ? this.evalPipeline(dot, node.pipe) : null;
        if (++this.depth > MAX_DEPTH) this.fail(`exceeded maximum template depth (${MAX_DEPTH})`);
        const saved = this.vars;
        this.vars = [{ name: "$", value }];
        this.walkList(value, tree);
        this.vars = saved;
        this.depth--;
        return;
      }
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
    }
  }

  private walkRange(dot: GoValue, node: Extract<Node, { kind: "range" }>): void {
    this.at(node);
    const mark = this.vars.length;
    const value = this.evalPipeline(dot, node.pipe);
    this.vars.length = mark;
    const decl = node.pipe.decl;
    const one = (key: GoValue, elem: GoValue): boolean => {
      // Binding the range's variables costs about as much again as the iteration itself.
      this.budget.step(1 + decl.length);
      if (decl.length > 0) this.vars.push({ name: decl[decl.length === 1 ? 0 : 1]!, value: elem });
      if (decl.length > 1) this.vars.splice(this.vars.length - 1, 0, { name: decl[0]!, value: key });
      try {
        this.walkList(elem, node.list);
      } catch (err) {
        if (err === BREAK) return false;
        if (err !== CONTINUE) throw err;
      } finally {
        this.vars.length = mark;
      }
      return true;
    };
    let count = 0;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        count++;
        if (!one(BigInt(i), value[i]!)) break;
      }
    } else if (value instanceof GoMap) {
      // Sorting the keys is work even when the body breaks at once: a step a key.
      this.budget.step(value.m.size);
      for (const key of value.sortedKeys()) {
        count++;
        if (!one(key, value.m.get(key)!)) break;
      }
    } else if (isInt(value)) {
      if (decl.length > 1) this.fail("can't use two variables with range over integer");
      const n = intOf(value);
      for (let i = 0n; i < n; i++) {
        count++;
        if (!one(i, value instanceof Int64 ? new Int64(i) : value instanceof Uint64 ? new Uint64(i) : i)) break;
      }
    } else if (value !== null) {
      // Go prints the value here; we print its type so no secret value reaches a condition.
      this.fail(`range can't iterate over value of type ${goType(value)}`);
    }
    if (count === 0 && node.elseList) this.walkList(dot, node.elseList);
  }

  evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    const result = value === MISSING ? null : value;
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, result);
      else this.vars.push({ name, value: result });
    }
    return result;
  }

  private setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.budget.work(this.vars.length - i); // the scan, as in varValue
        this.vars[i]!.value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }

  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name !== name) continue;
      // The scan is work too: thousands of declarations before a use of $ add up.
      this.budget.work(this.vars.length - i);
      return this.vars[i]!.value;
    }
    return this.fail(`undefined variable: ${name}`);
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    this.budget.step();
    const first = cmd.args[0]!;
    this.at(first);
    switch (first.kind) {
      case "field": return this.evalFieldChain(dot, dot, first.idents, cmd.args, final);
      case "chain": return this.evalChain(dot, first, cmd.args, final);
      case "identifier": return this.evalFunction(dot, first.name, cmd.args, final, cmd);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case "variable": return this.evalVariable(dot, first.idents, cmd.args, final);
    }
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case "bool": return first.value;
      case "dot": return dot;
      case "nil": return this.fail("nil is not a command");
      case "number": return idealConstant(first, (msg) => this.fail(msg));
      case "string": return first.value;
    }
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.fail(`can't give argument to non-function ${args[0]!.src}`);
  }

  private evalVariable(dot: GoValue, idents: string[], args: ArgNode[], final: Final): GoValue {
    const value = this.varValue(idents[0]!);
    if (idents.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, idents.slice(1), args, final);
  }

  private evalChain(dot: GoValue, chain: Extract<ArgNode, { kind: "chain" }>, args: ArgNode[], final: Final): GoValue {
    const pipe = this.evalArgAny(dot, chain.node);
    return this.evalFieldChain(dot, pipe, chain.fields, args, final);
  }

  private evalFieldChain(dot: GoValue, receiver: GoValue, idents: string[], args: ArgNode[], final: Final): GoValue {
    let value = receiver;
    for (let i = 0; i < idents.length; i++) {
      const last = i === idents.length - 1;
      value = this.evalField(idents[i]!, last ? args : [], last ? final : MISSING, value);
    }
    void dot;
    return value;
  }

  private evalField(name: string, args: ArgNode[], final: Final, receiver: GoValue): GoValue {
    this.budget.step(); // a chain .a.b.c... is one command but a lookup per field
    if (receiver === null) return this.fail(`nil pointer evaluating interface {}.${fromBin(name)}`);
    if (receiver instanceof GoMap) {
      if (args.length > 1 || final !== MISSING) this.fail(`${fromBin(name)} is not a method but has arguments`);
      if (!receiver.m.has(name)) this.fail(`map has no entry for key ${JSON.stringify(fromBin(name))}`);
      return receiver.m.get(name)!;
    }
    if (receiver instanceof GoStruct) return this.evalStructField(name, args, final, receiver);
    return this.fail(`can't evaluate field ${fromBin(name)} in type ${goType(receiver)}`);
  }

  /** A method (T's, or *T's too when the receiver is a pointer), else an exported field, as Go's evalField. */
  private evalStructField(name: string, args: ArgNode[], final: Final, receiver: GoStruct): GoValue {
    const { type } = receiver;
    const method = (Object.hasOwn(type.methods ?? {}, name) ? type.methods![name] : undefined) ??
      (receiver.pointer && Object.hasOwn(type.pointerMethods ?? {}, name) ? type.pointerMethods![name] : undefined);
    if (method) {
      const bound: GoFunc = { ...method, fn: (...a: never[]) => (method.fn as (...x: GoValue[]) => GoValue)(receiver, ...(a as GoValue[])) };
      return this.invoke(receiver, name, bound, args, final, args[0] ?? { line: this.line, src: this.current });
    }
    const field = type.fields.find((f) => f.name === name);
    if (!field) return this.fail(`can't evaluate field ${fromBin(name)} in type ${goType(receiver)}`);
    if (!field.exported) this.fail(`${fromBin(name)} is an unexported field of struct type ${goType(receiver)}`);
    if (args.length > 1 || final !== MISSING) this.fail(`${fromBin(name)} has arguments but cannot be invoked as function`);
    return receiver.get(name);
  }

  /** `at` is what Go reports a failed call at: the command, or the identifier when it is an argument. */
  private evalFunction(dot: GoValue, name: string, args: ArgNode[], final: Final, at: { line: number; src: string }): GoValue {
    const fn = this.funcs[name];
    if (!fn) return this.fail(`${JSON.stringify(name)} is not a defined function`);
    return this.invoke(dot, name, fn, args, final, at);
  }

  /** Calls a function or a bound method with the command's arguments (args[0] is the callee) and the piped value. */
  private invoke(dot: GoValue, name: string, fn: GoFunc, args: ArgNode[], final: Final, at: { line: number; src: string }): GoValue {
    const given = args.slice(1);
    const count = given.length + (final === MISSING ? 0 : 1);
    const fixed = fn.params.length;
    if (fn.variadic ? count < fixed : count !== fixed) {
      this.fail(`wrong number of args for ${name}: want ${fn.variadic ? "at least " : ""}${fixed} got ${count}`);
    }
    if (name === "and" || name === "or") {
      let v: GoValue = null;
      for (const arg of given) {
        v = this.evalArgAny(dot, arg);
        if (truth(v) === (name === "or")) return v;
      }
      return final === MISSING ? v : final;
    }
    const values: GoValue[] = [];
    given.forEach((arg, i) => values.push(this.evalArg(dot, i < fixed ? fn.params[i]! : fn.variadic!, arg)));
    if (final !== MISSING) values.push(this.validateType(final, values.length < fixed ? fn.params[values.length]! : fn.variadic!));
    this.at(at);
    return callFunction(this.budget, name, fn, values, (msg) => this.fail(msg));
  }

  private evalArgAny(dot: GoValue, node: ArgNode): GoValue {
    return this.evalArg(dot, "any", node);
  }

  private evalArg(dot: GoValue, type: ParamType, node: ArgNode): GoValue {
    this.budget.step();
    this.at(node);
    switch (node.kind) {
      case "dot": return this.validateType(dot, type);
      case "nil":
        if (canBeNil(type)) return null;
        return this.fail(`cannot assign nil to ${goTypeName(type)}`);
      case "field": return this.validateType(this.evalFieldChain(dot, dot, node.idents, [node], MISSING), type);
      case "variable": return this.validateType(this.evalVariable(dot, node.idents, [node], MISSING), type);
      case "pipe": return this.validateType(this.evalPipeline(dot, node), type);
      case "identifier": return this.validateType(this.evalFunction(dot, node.name, [node], MISSING, node), type);
      case "chain": return this.validateType(this.evalChain(dot, node, [node], MISSING), type);
    }
    return constantArg(type, node, (msg) => this.fail(msg));
  }

  private validateType(value: GoValue, type: ParamType): GoValue {
    return checkType(value, type, (msg) => this.fail(msg));
  }
}

