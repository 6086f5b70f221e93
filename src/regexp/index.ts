// Go's regexp (RE2: linear time, Go's syntax and semantics) for every pattern that comes from a tenant.
export { GoRegexp, GoRegexpError, type GoStrings } from "./go-regexp.ts";
