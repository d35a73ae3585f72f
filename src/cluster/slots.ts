/**
 * Key slots of Redis Cluster: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.
 */

/** The number of hash slots of a Redis Cluster. */
export const REDIS_CLUSTER_HASH_SLOTS = 16384;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), as Redis Cluster uses. */
export function crc16(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ data[i]!) & 0xff]!;
  return crc;
}

/**
 * The slot of a key (redis-py's `key_slot`). When the key holds `{...}` with at least one
 * character between the first `{` and the next `}`, only that part is hashed, so
 * `{user1}:name` and `{user1}:email` share a slot.
 */
export function keySlot(key: string | Buffer | number | bigint, encoding: BufferEncoding = "utf8"): number {
  const bytes = Buffer.isBuffer(key) ? key : Buffer.from(typeof key === "string" ? key : String(key), encoding);
  const open = bytes.indexOf(0x7b); // {
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1); // }
    if (close > open + 1) return crc16(bytes, open + 1, close) % REDIS_CLUSTER_HASH_SLOTS;
  }
  return crc16(bytes) % REDIS_CLUSTER_HASH_SLOTS;
}
