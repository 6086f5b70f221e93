// The files a GitHub or GitLab push changed, from its payload (both send commits[].added/modified/removed with
// repository-relative paths). Undefined when the call is no push or does not list every changed file (a tag push, a
// force push, more commits than the payload lists, a body that is not a push payload): then everything selected
// refreshes.
// The body is capped by read-body.ts; the list is capped here.
import type { ReceiverType } from "../api/refresh-receiver.ts";

export const MAX_CHANGED_FILES = 10_000;
/** GitHub's webhook payload lists at most 2048 commits (GitLab 20, with total_commits_count); past that, files are missed. */
const GITHUB_LISTED_COMMITS = 2048;

const PUSH_EVENTS: Record<string, readonly string[]> = { github: ["push"], gitlab: ["push hook"] };

export function pushedFiles(type: ReceiverType, event: string | undefined, body: Uint8Array): string[] | undefined {
  if (!PUSH_EVENTS[type]?.includes((event ?? "").toLowerCase())) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    return undefined;
  }
  // A force push lists only the new commits: files that only the discarded commits touched would be missed.
  if ((payload as { forced?: unknown } | null)?.forced === true) return undefined;
  const commits = (payload as { commits?: unknown } | null)?.commits;
  if (!Array.isArray(commits) || commits.length === 0) return undefined;
  if (type === "github" && commits.length >= GITHUB_LISTED_COMMITS) return undefined;
  const totalCommits = (payload as { total_commits_count?: unknown }).total_commits_count;
  if (type === "gitlab" && typeof totalCommits === "number" && totalCommits > commits.length) return undefined;
  const files = new Set<string>();
  for (const commit of commits) {
    for (const field of ["added", "modified", "removed"] as const) {
      const list = (commit as Record<string, unknown> | null)?.[field];
      if (list === undefined) continue;
      if (!Array.isArray(list)) return undefined;
      for (const file of list) {
        if (typeof file !== "string") return undefined;
        files.add(file);
        if (files.size > MAX_CHANGED_FILES) return undefined;
      }
    }
  }
  return [...files].sort();
}
