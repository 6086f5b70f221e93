// Access and token reviews, the CRD read, the issuer discovery document: one call each, client-node's names.
import type * as k from "@kubernetes/client-node";
import { ApiGroup } from "../api-group.ts";

export class AuthorizationV1Api extends ApiGroup {
  createSubjectAccessReview(p: k.AuthorizationV1ApiCreateSubjectAccessReviewRequest): Promise<k.V1SubjectAccessReview> {
    return this.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", p);
  }
  createSelfSubjectAccessReview(p: k.AuthorizationV1ApiCreateSelfSubjectAccessReviewRequest): Promise<k.V1SelfSubjectAccessReview> {
    return this.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", p);
  }
}

export class AuthenticationV1Api extends ApiGroup {
  createTokenReview(p: k.AuthenticationV1ApiCreateTokenReviewRequest): Promise<k.V1TokenReview> {
    return this.post("/apis/authentication.k8s.io/v1/tokenreviews", p);
  }
}

export class ApiextensionsV1Api extends ApiGroup {
  readCustomResourceDefinition(p: k.ApiextensionsV1ApiReadCustomResourceDefinitionRequest): Promise<k.V1CustomResourceDefinition> {
    return this.get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(p.name)}`, p);
  }
}

export class WellKnownApi extends ApiGroup {
  getServiceAccountIssuerOpenIDConfiguration(): Promise<unknown> {
    return this.get("/.well-known/openid-configuration");
  }
}
