// The worker process's entry: runs one job at a time, an exported function of a module named by the main
// process (only our own modules: the URLs come from our code, never from a manifest), and replies with its
// result or its error as data. It exits when the main process goes away.
import { serializeError } from "./errors.ts";

interface Request {
  id: number;
  module: string;
  fn: string;
  args: unknown[];
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

const reply = (message: unknown): void => void process.send!(message);
process.on("disconnect", () => process.exit(0));

process.on("message", async (req: Request) => {
  try {
    let mod = modules.get(req.module);
    if (!mod) modules.set(req.module, (mod = import(req.module) as Promise<Record<string, unknown>>));
    const fn = (await mod)[req.fn];
    if (typeof fn !== "function") throw new Error(`${req.module} has no function ${req.fn}`);
    const value = await (fn as (...args: unknown[]) => unknown)(...req.args);
    reply({ id: req.id, ok: true, value });
  } catch (err) {
    reply({ id: req.id, ok: false, error: serializeError(err) });
  }
});
