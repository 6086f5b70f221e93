// source.git: a shallow fetch of one ref over smart HTTP with isomorphic-git into a private bare repository,
// re-fetched at most once per interval (a pinned commit never again); listings cached per commit.
import * as fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import git, { type HttpClient, type TagObject } from "isomorphic-git";
import type { Logger } from "pino";
import type { KubeAccess } from "../../src/kube/access.ts";
import { ByteBudget } from "../../src/provider/capped-read.ts";
import { ConfigError, PermissionDeniedError, ResponseTooLargeError } from "../../src/provider/errors.ts";
import { Limits } from "../../src/provider/limits.ts";
import { gitError, safeUrl } from "./errors.ts";
import { gitHttp } from "./git-http.ts";
import { packCheckedFs } from "./pack-check.ts";
import { normalizePath } from "./paths.ts";
import type { SopsGitSource } from "./schema.ts";
import { intervalSource, type FileSource, type Snapshot } from "./source.ts";

const MAX_REVISIONS_PER_REPO = 200;

type FetchFs = ReturnType<typeof packCheckedFs>;

/** Which ref to ask the server for, and how to name it in messages. */
export function wantedRef(spec: SopsGitSource): { want: string; label: string; pinned: boolean } {
  const ref = spec.ref ?? {};
  if (ref.commit) return { want: ref.commit, label: `commit ${ref.commit.slice(0, 12)}`, pinned: true };
  if (ref.tag) return { want: `refs/tags/${ref.tag}`, label: `tag ${ref.tag}`, pinned: false };
  if (ref.branch) return { want: `refs/heads/${ref.branch}`, label: `branch ${ref.branch}`, pinned: false };
  return { want: "HEAD", label: "default branch", pinned: false };
}

/** Authorization header from the auth Secret (Flux's keys): bearerToken, or username + password. */
async function authHeaders(spec: SopsGitSource, kube: KubeAccess): Promise<Record<string, string>> {
  if (!spec.auth) return {};
  const { name, namespace } = spec.auth.secretRef;
  const data = await kube.readSecret(name, namespace);
  const text = (key: string) => (data[key] ? Buffer.from(data[key]).toString("utf8").trim() : undefined);
  const token = text("bearerToken");
  if (token) return { Authorization: `Bearer ${token}` };
  const username = text("username");
  const password = text("password");
  if (username !== undefined && password !== undefined) return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
  throw new ConfigError(`git auth secret ${name} needs the keys username and password, or bearerToken`);
}

export function gitSource(opts: { spec: SopsGitSource; kube: KubeAccess; intervalMs: number; log: Logger }): FileSource {
  const { spec, kube, log } = opts;
  const { want, label, pinned } = wantedRef(spec);
  const root = normalizePath(spec.path ?? "", "source.git.path");
  let cache = {};
  let gitdir: string | undefined;
  let last: Snapshot | undefined;
  let revisions = 0;
  if (spec.auth && spec.url.startsWith("http://")) log.warn("git credentials are sent over plain http; use an https:// URL outside loopback or in-cluster tests");

  // Every fetch adds a pack and isomorphic-git caches pack indexes: start afresh after many revisions.
  const recycle = async (): Promise<void> => {
    if (gitdir) await rm(gitdir, { recursive: true, force: true });
    gitdir = undefined;
    cache = {};
    revisions = 0;
  };

  const repo = async (): Promise<string> => {
    if (gitdir) return gitdir;
    const dir = await mkdtemp(join(tmpdir(), "secrets-bridge-sops-"));
    await git.init({ fs, dir, bare: true });
    // fetch needs a remote's refspec to know where remote refs go.
    await git.addRemote({ fs, gitdir: dir, remote: "origin", url: spec.url });
    gitdir = dir;
    return dir;
  };

  // An annotated tag points at a tag object; the files live in the commit it names.
  const peel = async (dir: string, oid: string): Promise<string> => {
    for (let depth = 0; depth < 5; depth++) {
      const { type, object } = await git.readObject({ fs, gitdir: dir, oid, cache });
      if (type === "commit") return oid;
      if (type !== "tag") break;
      oid = (object as TagObject).object;
    }
    throw new ConfigError(`${label} of ${safeUrl(spec.url)} does not name a commit`);
  };

  const fetchCommit = async (dir: string, fetchFs: FetchFs, http: HttpClient, headers: Record<string, string>): Promise<string> => {
    const base = { fs: fetchFs, http, gitdir: dir, url: spec.url, headers, cache, tags: false };
    const have = () => git.readObject({ fs, gitdir: dir, oid: want, cache }).then(() => true, () => false);
    try {
      await git.fetch({ ...base, ref: want, singleBranch: true, depth: 1 });
    } catch (err) {
      const mapped = gitError(err, spec.url, label);
      if (mapped instanceof PermissionDeniedError || mapped instanceof ResponseTooLargeError) throw mapped;
    }
    // Servers that refuse a bare SHA in `want` (an error, or an empty pack): fetch every branch instead.
    if (!(await have())) {
      log.debug({ commit: want.slice(0, 12) }, "fetch by commit refused; fetching all branches");
      await git.fetch({ ...base, singleBranch: false });
    }
    if (!(await have())) throw new ConfigError(`${label} not found in ${safeUrl(spec.url)}`);
    return want;
  };

  const fetchSnapshot = async (): Promise<Snapshot> => {
    if (pinned && last) return last;
    if (revisions >= MAX_REVISIONS_PER_REPO) {
      await recycle();
      last = undefined;
    }
    const dir = await repo();
    const headers = await authHeaders(spec, kube);
    // One budget per refresh: the fallback fetch of every branch cannot download the limit a second time.
    const what = `git fetch of ${safeUrl(spec.url)}`;
    const http = gitHttp(new ByteBudget(Limits.gitFetchBytes, what));
    // Fetched packs are checked for what they inflate to before isomorphic-git indexes them.
    const fetchFs = packCheckedFs(what);
    let commit: string;
    try {
      if (pinned) commit = await fetchCommit(dir, fetchFs, http, headers);
      else {
        const result = await git.fetch({ fs: fetchFs, http, gitdir: dir, url: spec.url, ref: want, singleBranch: true, depth: 1, tags: false, headers, cache });
        if (!result.fetchHead) throw new ConfigError(`${label} not found in ${safeUrl(spec.url)}`);
        commit = await peel(dir, result.fetchHead);
      }
    } catch (err) {
      throw gitError(err, spec.url, label);
    }
    if (last?.id === commit) return last;
    revisions++;
    log.debug({ commit: commit.slice(0, 12), ref: label }, "git revision fetched");
    last = commitSnapshot(dir, commit);
    return last;
  };

  const commitSnapshot = (dir: string, commit: string): Snapshot => {
    let files: Promise<Map<string, string>> | undefined;
    const listing = () =>
      (files ??= (async () => {
        const out = new Map<string, string>();
        const walk = async (path: string): Promise<void> => {
          const { tree } = await git.readTree({ fs, gitdir: dir, oid: commit, filepath: path || undefined, cache });
          for (const entry of tree) {
            const full = path ? `${path}/${entry.path}` : entry.path;
            if (entry.type === "tree") await walk(full);
            else if (entry.type === "blob" && entry.mode !== "120000") out.set(root ? full.slice(root.length + 1) : full, entry.oid);
          }
        };
        try {
          await walk(root);
        } catch {
          throw new ConfigError(`path ${root} not found at ${label} (${commit.slice(0, 12)}) of ${safeUrl(spec.url)}`);
        }
        return out;
      })());
    return {
      id: commit,
      list: async () => [...(await listing()).keys()].sort(),
      read: async (path) => {
        const oid = (await listing()).get(path);
        if (!oid) return undefined;
        return (await git.readBlob({ fs, gitdir: dir, oid, cache })).blob;
      },
    };
  };

  return intervalSource(fetchSnapshot, opts.intervalMs, Date.now, async () => {
    await recycle();
    last = undefined;
  });
}
