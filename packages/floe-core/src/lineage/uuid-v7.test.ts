import { describe, expect, it } from "vitest";
import { isUuid, uuidV7, uuidV7Time } from "./uuid-v7.js";

describe("uuidV7", () => {
  it("sets version 7 and the RFC variant, and carries the time", () => {
    const at = Date.UTC(2026, 10, 26, 12, 0, 0, 123);
    const id = uuidV7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV7Time(id)).toBe(at);
  });

  it("sorts by time and does not repeat", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => uuidV7(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("recognises UUIDs of any version", () => {
    expect(isUuid("f99310b4-3c3c-1a1a-2b2b-c1b95c24ff11")).toBe(true);
    expect(isUuid("not-a-uuid")).toBe(false);
  });
});
