// TokenReview and SubjectAccessReview: who a bearer token belongs to, and whether that user may do something.
// Used to guard /metrics the way kube-rbac-proxy and controller-runtime's WithAuthenticationAndAuthorization do;
// the operator needs `create` on tokenreviews and subjectaccessreviews for it.
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from "./http/index.ts";

/** The user a TokenReview found. */
export interface ReviewedUser {
  username: string;
  uid?: string | undefined;
  groups?: string[] | undefined;
  extra?: Record<string, string[]> | undefined;
}

/**
 * Contract: `authenticate` resolves undefined when the apiserver does not accept the token and `authorize`
 * resolves false when RBAC does not allow the request; both reject when the apiserver cannot be asked (the
 * caller answers 503 and does not remember the outcome).
 */
export interface AccessReviewer {
  authenticate(token: string): Promise<ReviewedUser | undefined>;
  /** May `user` perform `verb` on the non-resource URL `path` (e.g. get /metrics)? */
  authorize(user: ReviewedUser, path: string, verb: string): Promise<boolean>;
}

export function accessReviewer(kc: KubeConfig): AccessReviewer {
  const authn = kc.makeApiClient(AuthenticationV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  return {
    async authenticate(token) {
      const review = await authn.createTokenReview({ body: { spec: { token } } });
      const user = review.status?.user;
      if (!review.status?.authenticated || !user?.username) return undefined;
      return { username: user.username, uid: user.uid, groups: user.groups, extra: user.extra };
    },
    async authorize(user, path, verb) {
      const review = await authz.createSubjectAccessReview({
        body: { spec: { user: user.username, uid: user.uid, groups: user.groups, extra: user.extra, nonResourceAttributes: { path, verb } } },
      });
      return review.status?.allowed === true;
    },
  };
}
