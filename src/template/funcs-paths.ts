// Sprig's slash-path functions (Go's path package): base, dir, clean, ext, isAbs, and the os* aliases
// (the operator runs on Linux, where filepath is path).
import { fn, type FuncMap } from "./func-types.ts";

/** path.Clean: lexical processing of ., .. and repeated slashes; "" -> ".". */
export function clean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return "/" + joined;
  return joined === "" ? "." : joined;
}

function base(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/(?<!\/)\/+$/, ""); // (?<!\/): a bare \/+$ rescans a long run of / from each start (quadratic)
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

function dir(p: string): string {
  const i = p.lastIndexOf("/");
  return clean(p.slice(0, i + 1));
}

function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) if (p[i] === ".") return p.slice(i);
  return "";
}

export const pathFuncs: FuncMap = {
  base: fn(["string"], base),
  dir: fn(["string"], dir),
  clean: fn(["string"], clean),
  ext: fn(["string"], ext),
  isAbs: fn(["string"], (p: string) => p.startsWith("/")),
  osBase: fn(["string"], base),
  osDir: fn(["string"], dir),
  osClean: fn(["string"], clean),
  osExt: fn(["string"], ext),
  osIsAbs: fn(["string"], (p: string) => p.startsWith("/")),
};
