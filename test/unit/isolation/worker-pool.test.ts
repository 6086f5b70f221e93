import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { WorkerPool } from "../../../src/isolation/worker-pool.ts";
import { IsolationError } from "../../../src/isolation/errors.ts";
import { JobFailed } from "../../fixtures/isolation/jobs.ts";

const jobs = new URL("../../fixtures/isolation/jobs.ts", import.meta.url).href;
const lost: string[] = [];
const pool = new WorkerPool({
  script: new URL("../../../src/isolation/worker-main.ts", import.meta.url),
  size: 2,
  suspectSize: 1,
  timeoutMs: 1500,
  heapMb: 48,
  onWorkerLost: (why, lane) => lost.push(`${why}/${lane}`),
});
after(() => pool.close());

const run = <T>(fn: string, args: unknown[] = [], key?: string) => pool.run<T>({ module: jobs, fn, args }, { key, errors: [JobFailed] });

describe("WorkerPool", () => {
  it("returns a job's value, bytes included", async () => {
    assert.deepEqual(await run("echo", [{ a: 1, b: [true, null], n: 10n }]), { a: 1, b: [true, null], n: 10n });
    assert.deepEqual(await run("double", [new Uint8Array([1, 2])]), new Uint8Array([1, 2, 1, 2]));
  });

  it("recreates the errors the caller names, with their fields; foreign errors keep only their class", async () => {
    await assert.rejects(run("fail", ["Because"]), (err: unknown) => err instanceof JobFailed && err.reason === "Because" && err.message === "job failed (Because)");
    await assert.rejects(run("failForeign"), (err: Error) => !(err instanceof TypeError) && err.message === "TypeError in an isolated job");
  });

  it("terminates an endless job at its time limit and serves the next job on a fresh worker", async () => {
    await assert.rejects(run("spin", [], "ns/spinner"), (err: unknown) => err instanceof IsolationError && err.why === "timeout");
    assert.equal(pool.suspects(), 1, "the key that timed out goes to the suspect lane");
    assert.equal(await run("echo", ["after"]), "after");
  });

  it("contains a job that exhausts its heap: out-of-memory, the process lives on", async () => {
    await assert.rejects(run("hog", [], "ns/hog"), (err: unknown) => err instanceof IsolationError && (err.why === "out-of-memory" || err.why === "crashed"));
    assert.equal(await run("echo", [42]), 42);
    assert.ok(lost.some((l) => l.startsWith("out-of-memory")), `lost: ${lost.join(", ")}`);
  });

  it("survives the allocation that aborts a whole process when it runs in a worker thread", async () => {
    await assert.rejects(run("hugeBytes", [], "ns/huge"), (err: unknown) => err instanceof IsolationError && err.why !== "closed");
    assert.equal(await run("echo", ["alive"]), "alive");
  });

  it("runs a suspect key in its own lane, so ordinary jobs keep both workers while it spins", async () => {
    const spinning = run("spin", [], "ns/spinner"); // ns/spinner is a suspect since the timeout above
    const ordinary = await Promise.all([run("echo", [1]), run("echo", [2]), run("echo", [3])]);
    assert.deepEqual(ordinary, [1, 2, 3]);
    await assert.rejects(spinning, (err: unknown) => err instanceof IsolationError && err.why === "timeout");
    assert.ok(lost.includes("timeout/suspect"));
  });

  it("forgets a suspect once it succeeds", async () => {
    const before = pool.suspects();
    await run("echo", ["ok"], "ns/hog");
    assert.equal(pool.suspects(), before - 1);
  });
});
