import { test } from "node:test";
import assert from "node:assert/strict";
import { isNamespaceTerminating, kubeErrorSummary } from "../../../src/kube/errors.ts";

// What the apiserver answers a create in a namespace being deleted (k8s.io/api NamespaceTerminatingCause).
const terminating = {
  kind: "Status",
  status: "Failure",
  message: 'secrets "db" is forbidden: unable to create new content in namespace team because it is being terminated',
  reason: "Forbidden",
  details: { name: "db", kind: "secrets", causes: [{ reason: "NamespaceTerminating", message: "namespace team is being terminated", field: "metadata.namespace" }] },
  code: 403,
};

test("isNamespaceTerminating: only a 403 with the NamespaceTerminating cause, body as object or text", () => {
  assert.equal(isNamespaceTerminating({ code: 403, body: terminating }), true);
  assert.equal(isNamespaceTerminating({ code: 403, body: JSON.stringify(terminating) }), true);
  assert.equal(isNamespaceTerminating({ code: 403, body: { ...terminating, details: { causes: [] } } }), false, "another 403 (RBAC)");
  assert.equal(isNamespaceTerminating({ code: 409, body: terminating }), false);
  assert.equal(isNamespaceTerminating({ code: 403, body: "not json" }), false);
  assert.equal(isNamespaceTerminating(new Error("x")), false);
});

test("kubeErrorSummary still reads the Status message, with quoted values withheld", () => {
  assert.match(kubeErrorSummary({ code: 403, body: JSON.stringify(terminating) }), /^HTTP 403: secrets .* is forbidden/);
});
