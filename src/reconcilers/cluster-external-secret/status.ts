// The ClusterExternalSecret's status: the fan-out's (../fan-out/status.ts) with ESO's externalSecretName.
import type { ClusterExternalSecretStatus } from "../../api/cluster-external-secret.ts";
import { FanOutReason, fanOutStatus, notReadyReason, type FanOutStatusInput } from "../fan-out/status.ts";

export { MAX_NAMED, NAMESPACES_FAILED, namedList } from "../fan-out/status.ts";

export const CesReason = { ...FanOutReason, ExternalSecretsNotReady: notReadyReason("ExternalSecret") } as const;

export type StatusInput = Omit<FanOutStatusInput, "childKind" | "childName"> & { externalSecretName: string };

export function cesStatus(input: StatusInput, previous: ClusterExternalSecretStatus | undefined): ClusterExternalSecretStatus {
  const { externalSecretName, ...rest } = input;
  return { externalSecretName, ...fanOutStatus({ ...rest, childKind: "ExternalSecret", childName: externalSecretName }, previous) };
}
