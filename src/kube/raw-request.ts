// A raw JSON request to the apiserver with the kubeconfig's credentials. Needed where client-node's model
// serializer would drop fields it does not know: it maps CRD schemas through V1JSONSchemaProps, whose
// attribute names (x_kubernetes_validations) differ from the wire names, so `x-kubernetes-*` keys in a
// plain object vanish silently.
import { request } from "node:https";
import { request as plainRequest } from "node:http";
import type { RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export async function rawRequest(kc: KubeConfig, method: string, path: string, body?: unknown, contentType = "application/json"): Promise<{ status: number; body: any }> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error("kubeconfig has no current cluster");
  const url = new URL(path, server);
  const options: RequestOptions = { method, headers: { accept: "application/json" } };
  await kc.applyToHTTPSOptions(options);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined) options.headers = { ...options.headers, "content-type": contentType, "content-length": Buffer.byteLength(payload) };
  const send = url.protocol === "https:" ? request : plainRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Non-JSON bodies (plain-text errors) are returned as text.
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
