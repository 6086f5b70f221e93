#!/usr/bin/env node
// Entry of the installed command: the compiled CLI when built (`npm run build`; Node does not strip types
// inside node_modules), else the TypeScript source (a checkout, run on Node >= 22.19).
import { existsSync } from "node:fs";

const compiled = new URL("../dist/src/cli.js", import.meta.url);
await import(existsSync(compiled) ? compiled.href : new URL("../src/cli.ts", import.meta.url).href);
