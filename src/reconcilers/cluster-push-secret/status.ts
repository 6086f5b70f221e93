// The ClusterPushSecret's status: the fan-out's (../fan-out/status.ts) with ESO's pushSecretName. ESO's Ready has
// no reason and only says "one or more namespaces failed"; ours adds a reason (the Status column) and rolls up the
// PushSecrets' own Ready=False, as the ClusterExternalSecret does.
import type { ClusterPushSecretStatus } from "../../api/cluster-push-secret.ts";
import { FanOutReason, fanOutStatus, notReadyReason, type FanOutStatusInput } from "../fan-out/status.ts";

export const CpsReason = { ...FanOutReason, PushSecretsNotReady: notReadyReason("PushSecret") } as const;

export type CpsStatusInput = Omit<FanOutStatusInput, "childKind" | "childName"> & { pushSecretName: string };

export function cpsStatus(input: CpsStatusInput, previous: ClusterPushSecretStatus | undefined): ClusterPushSecretStatus {
  const { pushSecretName, ...rest } = input;
  return { pushSecretName, ...fanOutStatus({ ...rest, childKind: "PushSecret", childName: pushSecretName }, previous) };
}
