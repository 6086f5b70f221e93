// Sprig's urlParse and urlJoin on a port of Go's net/url (Parse, URL.String, Userinfo, Hostname) and the IPv6
// check netip.ParseAddr makes on a bracketed host, as the Go ESO 2.9 builds with (go 1.25 semantics: colons in
// a host are lenient, GODEBUG urlstrictcolons=0). Strings are Go byte strings (gostr.ts); error texts as Go's.
import { budget } from "./budget.ts";
import { goQuote } from "./fmt.ts";
import { fn, GoError, runeWise, type FuncMap } from "./func-types.ts";
import { parseAddr, ParseAddrError } from "./go-netip.ts";
import { fromBin } from "./gostr.ts";
import { goKind, GoMap, type GoValue } from "./values.ts";

// The bytes each mode leaves alone (net/url's encoding_table.go); every other byte is escaped.
const UNRESERVED = "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~";
const KEEP = {
  path: new Set("$&+,/:;=@" + UNRESERVED),
  host: new Set("!\"$&'()*+,:;<=>[]" + UNRESERVED),
  zone: new Set("!\"$&'()*+,:;<=>[]" + UNRESERVED),
  user: new Set("$&+,;=" + UNRESERVED),
  fragment: new Set("!$&()*+,/:;=?@" + UNRESERVED),
} as const;
type Mode = keyof typeof KEEP;

const shouldEscape = (c: string, mode: Mode): boolean => !KEEP[mode].has(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const q = (bin: string): string => fromBin(goQuote(bin));

class UrlError extends Error {}

function unescape(s: string, mode: Mode): string {
  let n = 0;
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === "%") {
      n++;
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) throw new UrlError(`invalid URL escape ${q(s.slice(i, i + 3))}`);
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === "host" && parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== "%25") throw new UrlError(`invalid URL escape ${q(s.slice(i, i + 3))}`);
      if (mode === "zone" && s.slice(i, i + 3) !== "%25" && v !== 0x20 && shouldEscape(String.fromCharCode(v), "host"))
        throw new UrlError(`invalid URL escape ${q(s.slice(i, i + 3))}`);
      i += 3;
    } else {
      if ((mode === "host" || mode === "zone") && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) throw new UrlError(`invalid character ${q(c)} in host name`);
      i++;
    }
  }
  if (n === 0) return s;
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** escape: each byte the mode does not keep as %XX. The result is a value the template may keep, so its exact
 *  size is checked against the cap before it is built. */
function escape(s: string, mode: Mode): string {
  let grow = 0;
  for (const c of s) if (shouldEscape(c, mode)) grow += 2;
  if (grow === 0) return s;
  budget().fits(s.length + grow);
  let out = "";
  for (const c of s) out += shouldEscape(c, mode) ? "%" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0") : c;
  return out;
}

/** escape(decoded, mode) === raw, without building the escaped text (Go builds it; here a long path of spaces
 *  would trip the size cap on a string nobody keeps). */
function escapesTo(decoded: string, raw: string, mode: Mode): boolean {
  let j = 0;
  for (const c of decoded) {
    if (!shouldEscape(c, mode)) {
      if (raw[j++] !== c) return false;
      continue;
    }
    const hex = c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");
    if (raw[j] !== "%" || raw[j + 1] !== hex[0] || raw[j + 2] !== hex[1]) return false;
    j += 3;
  }
  return j === raw.length;
}

interface User {
  username: string;
  password?: string;
}

export interface URL {
  scheme: string;
  opaque: string;
  user?: User;
  host: string;
  path: string;
  rawPath: string;
  fragment: string;
  rawFragment: string;
  rawQuery: string;
  forceQuery: boolean;
  omitHost: boolean;
}

const userString = (u: User): string => escape(u.username, "user") + (u.password !== undefined ? ":" + escape(u.password, "user") : "");

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new UrlError("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

const validOptionalPort = (port: string): boolean => port === "" || /^:[0-9]*$/.test(port);

function parseHost(host: string): string {
  const open = host.lastIndexOf("[");
  if (open > 0) throw new UrlError("invalid IP-literal");
  if (open === 0) {
    const close = host.lastIndexOf("]");
    if (close < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${q(colonPort)} after host`);
    const port = unescape(colonPort, "host");
    const hostname = host.slice(1, close);
    const zoneIdx = hostname.indexOf("%25");
    const name = zoneIdx >= 0 ? unescape(hostname.slice(0, zoneIdx), "host") + unescape(hostname.slice(zoneIdx), "zone") : unescape(hostname, "host");
    let kind: "v4" | "v6";
    try {
      kind = parseAddr(name);
    } catch (err) {
      if (err instanceof ParseAddrError) throw new UrlError(`invalid host: ${err.message}`);
      throw err;
    }
    if (kind === "v4") throw new UrlError("invalid IP-literal");
    return "[" + name + "]" + port;
  }
  const colon = host.lastIndexOf(":");
  if (colon !== -1) {
    const colonPort = host.slice(colon);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${q(colonPort)} after host`);
  }
  return unescape(host, "host");
}

function validUserinfo(s: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

function parseAuthority(authority: string): { user?: User; host: string } {
  const i = authority.lastIndexOf("@");
  const host = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return { host };
  const userinfo = authority.slice(0, i);
  if (!validUserinfo(userinfo)) throw new UrlError("net/url: invalid userinfo");
  const colon = userinfo.indexOf(":");
  if (colon < 0) return { user: { username: unescape(userinfo, "user") }, host };
  return { user: { username: unescape(userinfo.slice(0, colon), "user"), password: unescape(userinfo.slice(colon + 1), "user") }, host };
}

function parse(raw: string): URL {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new UrlError("net/url: invalid control character in URL");
  const url: URL = { scheme: "", opaque: "", host: "", path: "", rawPath: "", fragment: "", rawFragment: "", rawQuery: "", forceQuery: false, omitHost: false };
  if (raw === "*") {
    url.path = "*";
    return url;
  }
  let [scheme, rest] = getScheme(raw);
  url.scheme = scheme.toLowerCase();
  if (rest.endsWith("?") && rest.indexOf("?") === rest.length - 1) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const qi = rest.indexOf("?");
    if (qi >= 0) [rest, url.rawQuery] = [rest.slice(0, qi), rest.slice(qi + 1)];
  }
  if (!rest.startsWith("/")) {
    if (url.scheme !== "") {
      url.opaque = rest;
      return url;
    }
    const slash = rest.indexOf("/");
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(":")) throw new UrlError("first path segment in URL cannot contain colon");
  }
  if ((url.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const slash = authority.indexOf("/");
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    const a = parseAuthority(authority);
    if (a.user) url.user = a.user;
    url.host = a.host;
  } else if (url.scheme !== "" && rest.startsWith("/")) url.omitHost = true;
  url.path = unescape(rest, "path");
  url.rawPath = escapesTo(url.path, rest, "path") ? "" : rest;
  return url;
}

/** url.Parse; throws its *url.Error text. */
export function parseURL(raw: string): URL {
  const hash = raw.indexOf("#");
  const [u, frag] = hash < 0 ? [raw, ""] : [raw.slice(0, hash), raw.slice(hash + 1)];
  let url: URL;
  try {
    url = parse(u);
  } catch (err) {
    if (err instanceof UrlError) throw new UrlError(`parse ${q(u)}: ${err.message}`);
    throw err;
  }
  if (frag === "") return url;
  try {
    url.fragment = unescape(frag, "fragment");
  } catch (err) {
    if (err instanceof UrlError) throw new UrlError(`parse ${q(raw)}: ${err.message}`);
    throw err;
  }
  url.rawFragment = escapesTo(url.fragment, frag, "fragment") ? "" : frag;
  return url;
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const c of s) if (!"!$&'()*+,;=:@[]%".includes(c) && shouldEscape(c, mode)) return false;
  return true;
}

function escapedPart(raw: string, decoded: string, mode: "path" | "fragment"): string {
  if (raw !== "" && validEncoded(raw, mode)) {
    try {
      if (unescape(raw, mode) === decoded) return raw;
    } catch {
      // fall through to escaping, as Go
    }
  }
  if (mode === "path" && decoded === "*") return "*";
  return escape(decoded, mode);
}

/** URL.String. */
export function urlString(u: URL): string {
  let buf = u.scheme !== "" ? u.scheme + ":" : "";
  if (u.opaque !== "") buf += u.opaque;
  else {
    if ((u.scheme !== "" || u.host !== "" || u.user) && !(u.omitHost && u.host === "" && !u.user)) {
      if (u.host !== "" || u.path !== "" || u.user) buf += "//";
      if (u.user) buf += userString(u.user) + "@";
      if (u.host !== "") buf += escape(u.host, "host");
    }
    const path = escapedPart(u.rawPath, u.path, "path");
    if (path !== "" && path[0] !== "/" && u.host !== "") buf += "/";
    if (buf === "") {
      const slash = path.indexOf("/");
      if ((slash < 0 ? path : path.slice(0, slash)).includes(":")) buf += "./";
    }
    buf += path;
  }
  if (u.forceQuery || u.rawQuery !== "") buf += "?" + u.rawQuery;
  if (u.fragment !== "") buf += "#" + escapedPart(u.rawFragment, u.fragment, "fragment");
  return buf;
}

/** URL.Hostname: the host without a valid port and without IPv6 brackets. */
function hostname(host: string): string {
  let h = host;
  const colon = h.lastIndexOf(":");
  if (colon !== -1 && validOptionalPort(h.slice(colon))) h = h.slice(0, colon);
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  return h;
}

function urlParse(v: string): GoMap {
  let u: URL;
  try {
    u = parseURL(v);
  } catch (err) {
    if (err instanceof UrlError) throw new GoError(`unable to parse url: ${err.message}`);
    throw err;
  }
  return new GoMap([
    ["scheme", u.scheme],
    ["host", u.host],
    ["hostname", hostname(u.host)],
    ["path", u.path],
    ["query", u.rawQuery],
    ["opaque", u.opaque],
    ["fragment", u.fragment],
    ["userinfo", u.user ? userString(u.user) : ""],
  ]);
}

/** Sprig's dictGetOrEmpty: a missing key is "", a value of another kind panics. */
function dictGetOrEmpty(d: GoMap | null, key: string): string {
  if (d === null || !d.m.has(key)) return "";
  const v: GoValue = d.m.get(key)!;
  if (v === null) throw new GoError("runtime error: invalid memory address or nil pointer dereference");
  if (typeof v !== "string") throw new GoError(`unable to parse ${key} key, must be of type string, but ${goKind(v)} found`);
  return v;
}

function urlJoin(d: GoMap | null): string {
  const get = (k: string) => dictGetOrEmpty(d, k);
  const u: URL = { scheme: get("scheme"), host: get("host"), path: get("path"), rawQuery: get("query"), opaque: get("opaque"), fragment: get("fragment"), rawPath: "", rawFragment: "", forceQuery: false, omitHost: false };
  const userinfo = get("userinfo");
  if (userinfo !== "") {
    try {
      const user = parseURL(`proto://${userinfo}@host`).user;
      if (user) u.user = user;
    } catch (err) {
      if (err instanceof UrlError) throw new GoError(`unable to parse userinfo in dict: ${err.message}`);
      throw err;
    }
  }
  return urlString(u);
}

export const urlFuncs: FuncMap = {
  // Both walk their text byte by byte in JavaScript: a step a byte, as the other rune-wise functions.
  urlParse: runeWise(fn(["string"], urlParse)),
  urlJoin: runeWise(fn(["map"], urlJoin)),
};
