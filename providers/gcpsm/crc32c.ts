// CRC32C (Castagnoli), the checksum Secret Manager sends with a payload (`payload.dataCrc32c`) so clients can
// detect corruption in transit. Node's zlib only has the IEEE CRC32, so we carry the small table version.

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    // 0x82F63B78 is the reversed Castagnoli polynomial.
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The checksum the server sent, as a number, or undefined when it sent none. It arrives as a number, a
 * decimal string (REST JSON int64) or a protobuf Long, depending on the transport.
 */
export function sentChecksum(value: unknown): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^[0-9]+$/.test(value)) return Number(value);
  if (typeof value === "object" && "toString" in value) {
    const text = String(value);
    if (/^[0-9]+$/.test(text)) return Number(text);
  }
  return undefined;
}
