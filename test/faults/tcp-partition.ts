// A loopback TCP proxy that can partition the operator from a peer (issue 23): forwarding byte for byte (TLS passes
// through untouched, so the apiserver's certificate for 127.0.0.1 and the client certificates still work), or cut:
// no byte moves either way on open connections, and new connections are accepted but never reach the peer, as when
// packets are dropped on the way. Healing lets the held bytes through, as a real network does when the partition
// ends before either side gave up; whichever side timed out meanwhile has closed its end by then.
import { connect, createServer, type Socket } from "node:net";

export interface PartitionProxy {
  /** 127.0.0.1:PORT of the proxy: point the operator's kubeconfig here. */
  port: number;
  partition(): void;
  heal(): void;
  /** Connections opened through the proxy so far (a relist storm shows as many). */
  connections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
}

export async function startPartitionProxy(target: { host: string; port: number }): Promise<PartitionProxy> {
  const pairs = new Set<Pair>();
  let cut = false;
  let opened = 0;
  const link = (pair: Pair) => {
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    // Forwarded by hand, not piped: pause() on a piped socket is undone whenever the destination drains.
    pair.client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => pair.client.write(chunk));
    pair.client.on("end", () => upstream.end());
    upstream.on("end", () => pair.client.end());
    const drop = () => {
      pair.client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    upstream.on("error", drop);
    upstream.on("close", drop);
    if (cut) pause(pair);
  };
  const pause = (pair: Pair) => {
    pair.client.pause();
    pair.upstream?.pause();
  };
  const resume = (pair: Pair) => {
    if (!pair.upstream) link(pair);
    pair.client.resume();
    pair.upstream?.resume();
  };
  const server = createServer((client) => {
    opened++;
    const pair: Pair = { client };
    pairs.add(pair);
    client.on("error", () => undefined);
    client.on("close", () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    // Cut: accepted, held, and only linked to the peer once healed (the client's own timeout may end it first).
    if (cut) client.pause();
    else link(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    partition: () => {
      cut = true;
      for (const pair of pairs) pause(pair);
    },
    heal: () => {
      cut = false;
      for (const pair of [...pairs]) resume(pair);
    },
    connections: () => opened,
    close: async () => {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
