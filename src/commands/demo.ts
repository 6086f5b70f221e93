// `secrets-bridge demo`: a local control plane (etcd, kube-apiserver and kube-controller-manager from the
// bench), the CRDs, the operator in-process and examples/demo/*.yaml; prints Secrets (masked) and Ready status
// until Ctrl-C. Edits to the example files are re-applied, so a changed fake-store value shows up at the next
// refresh.
import { readdirSync, readFileSync, watch, rmSync, mkdirSync, createWriteStream } from "node:fs";
import { join, resolve } from "node:path";
import type { V1Secret } from "@kubernetes/client-node";
import { type KubeConfig, CoreV1Api, CustomObjectsApi } from "../kube/http/index.ts";
import { GROUP, VERSION } from "../api/common.ts";
import type { ClusterExternalSecret } from "../api/cluster-external-secret.ts";
import type { ExternalSecret } from "../api/external-secret.ts";
import { applyObjects, installCrds, parseManifests } from "../kube/apply.ts";
import { loadKubeConfig } from "../kube/clients.ts";
import { makeLogger } from "../log.ts";
import { startOperator } from "../operator/operator.ts";
import { builtinProviders, providerSchemas } from "../../providers/index.ts";
import { generateCrdsFor } from "../crdgen/index.ts";
import { renderDemoView } from "./demo-view.ts";

const REPO = resolve(import.meta.dirname, "../..");
const EXAMPLES = join(REPO, "examples/demo");

function exampleObjects() {
  return readdirSync(EXAMPLES)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) => parseManifests(readFileSync(join(EXAMPLES, file), "utf8")));
}

async function snapshot(kc: KubeConfig): Promise<string> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const list = (await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: "externalsecrets" })) as { items: ExternalSecret[] };
  const secrets = new Map<string, V1Secret>();
  for (const namespace of new Set(list.items.map((es) => es.metadata.namespace!))) {
    for (const secret of (await core.listNamespacedSecret({ namespace })).items) secrets.set(`${namespace}/${secret.metadata!.name}`, secret);
  }
  const fanOuts = (await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterexternalsecrets" })) as { items: ClusterExternalSecret[] };
  return renderDemoView(list.items, secrets, fanOuts.items);
}

export async function runDemo(opts: { dir: string; exitWhenReady?: boolean }): Promise<void> {
  // Imported lazily: the bench lives with the tests and is not part of an installed package.
  const { startKubeBench, stopKubeBench } = await import("../../test/bench/kube-bench.ts");
  const { loadPeers } = await import("../../test/bench/peers.ts");
  const dir = resolve(opts.dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`starting etcd + kube-apiserver + kube-controller-manager in ${dir} ...`);
  const bench = await startKubeBench({ dir, log: (msg) => console.log(`  ${msg}`) });
  const kc = loadKubeConfig(bench.kubeconfigPath);
  const log = makeLogger({ level: "info", destination: createWriteStream(join(dir, "operator.log")) });
  let operator: Awaited<ReturnType<typeof startOperator>> | undefined;
  const running: Array<() => Promise<void>> = [];
  const stop = async () => {
    await operator?.stop();
    for (const stopPeer of running.reverse()) await stopPeer().catch(() => undefined);
    await stopKubeBench(bench);
  };
  try {
    await installCrds(kc, generateCrdsFor(providerSchemas()).map((file) => parseManifests(file.yaml)[0]!));
    await applyObjects(kc, exampleObjects());
    // Providers whose bench peer is installed join the demo with their own store and ExternalSecrets.
    for (const peer of await loadPeers()) {
      try {
        const peerDir = join(dir, peer.name);
        mkdirSync(peerDir, { recursive: true });
        const state = await peer.start({ dir: peerDir, kube: bench, log: (msg) => console.log(`  ${peer.name}: ${msg}`) });
        running.push(() => peer.stop(state));
        if (peer.demoManifests) await applyObjects(kc, peer.demoManifests(state));
        console.log(`  ${peer.name} started`);
      } catch (err) {
        console.log(`  skipping ${peer.name}: ${(err as Error).message.split("\n")[0]}`);
      }
    }
    operator = await startOperator({ kc, log, providers: builtinProviders });
    console.log(`\noperator running (logs: ${join(dir, "operator.log")})`);
    console.log(`kubeconfig: ${bench.kubeconfigPath}`);
    console.log(`edit ${EXAMPLES}/*.yaml and save: the demo re-applies it. Ctrl-C stops everything.\n`);
  } catch (err) {
    await stop();
    throw err;
  }

  let reapply: NodeJS.Timeout | undefined;
  const watcher = watch(EXAMPLES, () => {
    clearTimeout(reapply);
    reapply = setTimeout(() => {
      applyObjects(kc, exampleObjects()).then(
        () => console.log("\n[re-applied examples/demo]"),
        (err: Error) => console.log(`\n[re-apply failed: ${err.message}]`),
      );
    }, 300);
  });

  let last = "";
  const tick = async () => {
    const view = await snapshot(kc).catch((err: Error) => `(snapshot failed: ${err.message})`);
    if (view !== last) {
      console.log(`--- ${new Date().toISOString()}\n${view}\n`);
      last = view;
    }
    return view;
  };
  const allReady = (view: string) => !/Ready=(False|Unknown)/.test(view) && view.includes("Ready=True");

  await new Promise<void>((done) => {
    const timer = setInterval(async () => {
      const view = await tick();
      if (opts.exitWhenReady && allReady(view)) finish();
    }, 2000);
    const finish = () => {
      clearInterval(timer);
      watcher.close();
      done();
    };
    process.once("SIGINT", finish);
    process.once("SIGTERM", finish);
  });
  console.log("stopping ...");
  await stop();
}
