// The files a GitHub or GitLab push changed; anything that does not reliably list them is "unknown" (undefined),
// which makes the caller refresh everything the receiver selects.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MAX_CHANGED_FILES, pushedFiles } from "../../../src/receiver/push-event.ts";
import type { ReceiverType } from "../../../src/api/refresh-receiver.ts";

const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const commit = (files: { added?: string[]; modified?: string[]; removed?: string[] }) => ({ id: "c", ...files });

describe("pushedFiles", () => {
  const table: Array<{ name: string; type: ReceiverType; event?: string; payload: unknown; want: string[] | undefined }> = [
    {
      name: "github: added, modified and removed over several commits, deduplicated and sorted",
      type: "github",
      event: "push",
      payload: { ref: "refs/heads/main", commits: [commit({ added: ["b.yaml"], modified: ["a.yaml"] }), commit({ removed: ["c.yaml"], modified: ["a.yaml"] })] },
      want: ["a.yaml", "b.yaml", "c.yaml"],
    },
    { name: "gitlab: Push Hook", type: "gitlab", event: "Push Hook", payload: { commits: [commit({ modified: ["x/y.env"] })], total_commits_count: 1 }, want: ["x/y.env"] },
    { name: "gitlab: more commits than listed", type: "gitlab", event: "Push Hook", payload: { commits: [commit({ modified: ["a"] })], total_commits_count: 25 }, want: undefined },
    { name: "gitlab: a tag push", type: "gitlab", event: "Tag Push Hook", payload: { commits: [] }, want: undefined },
    { name: "github: a force push", type: "github", event: "push", payload: { forced: true, commits: [commit({ modified: ["a"] })] }, want: undefined },
    { name: "github: no commits (a branch deletion)", type: "github", event: "push", payload: { deleted: true, commits: [] }, want: undefined },
    { name: "github: not a push event", type: "github", event: "release", payload: { commits: [commit({ modified: ["a"] })] }, want: undefined },
    { name: "github: not JSON", type: "github", event: "push", payload: undefined, want: undefined },
    { name: "github: a file list that is not a list", type: "github", event: "push", payload: { commits: [commit({ modified: "a" as unknown as string[] })] }, want: undefined },
    { name: "generic calls are never pushes", type: "generic", event: "push", payload: { commits: [commit({ modified: ["a"] })] }, want: undefined },
    {
      name: "too many files: unknown",
      type: "github",
      event: "push",
      payload: { commits: [commit({ modified: Array.from({ length: MAX_CHANGED_FILES + 1 }, (_, i) => `f${i}`) })] },
      want: undefined,
    },
  ];
  for (const { name, type, event, payload, want } of table) {
    it(name, () => assert.deepEqual(pushedFiles(type, event, payload === undefined ? Buffer.from("{nope") : body(payload)), want));
  }
});
