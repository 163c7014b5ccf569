/** UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, variant 10, the rest random; sorts by time. */
import { randomBytes } from "node:crypto";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidV7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  let ms = Math.max(0, Math.floor(now));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Any RFC 4122/9562-shaped UUID (8-4-4-4-12 hex); OpenLineage accepts run ids of any version. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** The millisecond timestamp a UUIDv7 carries. */
export function uuidV7Time(value: string): number {
  return Number.parseInt(value.replace(/-/g, "").slice(0, 12), 16);
}
