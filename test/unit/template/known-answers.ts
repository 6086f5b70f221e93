// Table tests for template functions: one test a row, the rendered text or the error a RegExp describes.
import assert from "node:assert/strict";
import { it } from "node:test";

export type Row = { name: string; given: string; want: string | RegExp };

export function knownAnswers(table: Row[], render: (template: string) => string): void {
  for (const { name, given, want } of table) {
    it(name, () => {
      if (typeof want === "string") assert.equal(render(given), want);
      else assert.throws(() => render(given), want);
    });
  }
}
