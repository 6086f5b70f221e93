// The TLS material of a store session: the CA that signs the server (caBundle or caProvider) and the client
// certificate (tls.* for mutual TLS, or auth.cert, which logs in with it). Read once per session.
import type { KubeAccess } from "../../src/kube/access.ts";
import { ConfigError } from "../../src/provider/errors.ts";
import { bytesToString } from "../../src/provider/json-value.ts";
import type { VaultTls } from "./http.ts";
import type { VaultProviderSpec } from "./schema.ts";

export async function sessionTls(spec: VaultProviderSpec, kube: KubeAccess): Promise<VaultTls> {
  const tls: VaultTls = {};
  if (spec.caBundle) tls.ca = Buffer.from(spec.caBundle, "base64").toString("utf8");
  if (spec.caProvider) {
    const provider = spec.caProvider;
    let ca: string;
    if (provider.type === "ConfigMap") {
      if (!kube.readConfigMap) throw new ConfigError("caProvider type ConfigMap is not available in this build; use a Secret or caBundle");
      const data = await kube.readConfigMap(provider.name, provider.namespace);
      const value = data[provider.key];
      if (value === undefined) throw new ConfigError(`key ${provider.key} not found in configmap ${kube.resolveNamespace(provider.namespace)}/${provider.name}`);
      ca = bytesToString(value);
    } else {
      ca = bytesToString(await kube.readSecretKey({ name: provider.name, key: provider.key, namespace: provider.namespace }));
    }
    tls.ca = tls.ca ? `${tls.ca}\n${ca}` : ca;
  }
  const cert = spec.auth?.cert?.clientCert ?? spec.tls?.certSecretRef;
  const key = spec.auth?.cert?.secretRef ?? spec.tls?.keySecretRef;
  if (spec.auth?.cert && (!cert || !key)) throw new ConfigError("auth.cert needs clientCert and secretRef (the private key)");
  if (cert && key) {
    tls.cert = bytesToString(await kube.readSecretKey(cert));
    tls.key = bytesToString(await kube.readSecretKey(key));
  } else if (cert || key) {
    throw new ConfigError("tls needs both certSecretRef and keySecretRef");
  }
  if ((tls.ca || tls.cert) && !spec.server.startsWith("https:")) throw new ConfigError("a CA or client certificate needs an https:// server");
  return tls;
}
