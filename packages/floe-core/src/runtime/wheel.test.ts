import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildPureWheel, pureWheelFileName, wheelNamePart, type WheelSpec } from "./wheel.js";
import { floeRuntimeWheelBytes } from "./floe-runtime-wheel.js";

const spec = (body: string): WheelSpec => ({
  name: "demo-pkg",
  version: "1.2.3",
  metadata: "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.2.3",
  description: "# demo\n",
  generator: "test",
  files: [
    { path: "demo_pkg/b.py", content: new TextEncoder().encode(body) },
    { path: "demo_pkg/__init__.py", content: new Uint8Array() },
  ],
});

/** name -> content of a stored zip, read from its local headers. */
function entries(zip: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(zip);
  const out = new Map<string, Buffer>();
  let at = 0;
  while (buf.readUInt32LE(at) === 0x04034b50) {
    expect(buf.readUInt16LE(at + 8)).toBe(0); // stored
    const size = buf.readUInt32LE(at + 18);
    const nameLength = buf.readUInt16LE(at + 26);
    const name = buf.subarray(at + 30, at + 30 + nameLength).toString("utf8");
    out.set(name, buf.subarray(at + 30 + nameLength, at + 30 + nameLength + size));
    at += 30 + nameLength + size;
  }
  return out;
}

describe("buildPureWheel", () => {
  it("names the wheel as pip expects", () => {
    expect(wheelNamePart("floe-runtime")).toBe("floe_runtime");
    expect(pureWheelFileName("floe-runtime", "0.1.0")).toBe("floe_runtime-0.1.0-py3-none-any.whl");
  });

  it("is deterministic and changes with the sources", () => {
    expect(Buffer.from(buildPureWheel(spec("x = 1\n"))).equals(Buffer.from(buildPureWheel(spec("x = 1\n"))))).toBe(true);
    expect(Buffer.from(buildPureWheel(spec("x = 1\n"))).equals(Buffer.from(buildPureWheel(spec("x = 2\n"))))).toBe(false);
  });

  it("holds the files sorted, then METADATA, WHEEL and a RECORD with every other file's sha256 and size", () => {
    const files = entries(buildPureWheel(spec("x = 1\n")));
    expect([...files.keys()]).toEqual([
      "demo_pkg/__init__.py",
      "demo_pkg/b.py",
      "demo_pkg-1.2.3.dist-info/METADATA",
      "demo_pkg-1.2.3.dist-info/WHEEL",
      "demo_pkg-1.2.3.dist-info/RECORD",
    ]);
    expect(files.get("demo_pkg-1.2.3.dist-info/WHEEL")!.toString()).toMatch(/^Root-Is-Purelib: true\nTag: py3-none-any\n$/m);
    expect(files.get("demo_pkg-1.2.3.dist-info/METADATA")!.toString()).toBe(
      "Metadata-Version: 2.1\nName: demo-pkg\nVersion: 1.2.3\n\n# demo\n",
    );
    const record = files.get("demo_pkg-1.2.3.dist-info/RECORD")!.toString().trimEnd().split("\n");
    for (const [name, content] of files) {
      if (name.endsWith("/RECORD")) expect(record).toContain(`${name},,`);
      else expect(record).toContain(`${name},sha256=${createHash("sha256").update(content).digest("base64url")},${content.length}`);
    }
  });
});

describe("floe-runtime's wheel", () => {
  it("holds python/floe-runtime's package files and its license, no bytecode caches", async () => {
    const names = [...entries(await floeRuntimeWheelBytes()).keys()];
    expect(names).toContain("floe_runtime/__init__.py");
    expect(names).toContain("floe_runtime/py.typed");
    expect(names).toContain("floe_runtime-0.1.0.dist-info/LICENSE");
    expect(names.filter((n) => n.includes("__pycache__"))).toEqual([]);
  });
});
