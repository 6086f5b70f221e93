// A Date that serialises with microseconds ("2024-01-01T00:00:00.123000Z"), as the apiserver requires for
// MicroTime fields (Lease renewTime/acquireTime): Go parses RFC3339Micro with exactly six fraction digits, and
// Date#toJSON prints three. Same idea as client-node's V1MicroTime, without loading its model module.
export class MicroTime extends Date {
  override toISOString(): string {
    return `${super.toISOString().slice(0, -1)}000Z`;
  }
}
