// Hostile packages, end to end through the built CLI (`floe plugins --json`) in one project: every
// hostile package is reported on its own, the good plugin is still listed, and no entry is imported
// (a data: URI entry that would write a canary file never runs). floe-core's plugin-registry unit tests
// cover each case alone; this proves they coexist and reach the user as JSON and exit codes.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { FLOE, tempDir } from "./support.js";

describe("hostile packages in node_modules", () => {
  it("are each reported while the good plugin is listed, and nothing is imported", () => {
    const dir = tempDir("packages");
    const canary = join(dir, "CANARY");
    const plugin = (name: string, entry: unknown, api: unknown = "1.0") => ({
      name,
      version: "1.0.0",
      "floe.orchestrators": { [name.replace(/\W/g, "")]: entry },
      "floe.apiVersion": api,
    });
    const pkgs: Record<string, unknown> = {
      good: plugin("good", "./index.js#P"),
      notjson: "{ not json",
      huge: `{"name":"huge","pad":"${"x".repeat(10 * 1024 * 1024)}"}`,
      wrongtype: { name: "wrongtype", "floe.orchestrators": ["./index.js#P"], "floe.apiVersion": "1.0" },
      nestedwrong: { name: "nestedwrong", floe: "dagster" },
      nestedgood: { name: "nestedgood", version: "1.0.0", floe: { orchestrators: { nestedgood: "./index.js#P" }, apiVersion: "1.0" } },
      dirmain: plugin("dirmain", "./lib#P"),
      absolute: plugin("absolute", "/etc/passwd#P"),
      url: plugin("url", "https://127.0.0.1:1/p.js#P"),
      datauri: plugin(
        "datauri",
        `data:text/javascript,import("node:fs").then(f=>f.writeFileSync(${JSON.stringify(canary)},"x"));export class P{}#P`,
      ),
    };
    const deps = [...Object.keys(pkgs), "loop"];
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "p", dependencies: Object.fromEntries(deps.map((d) => [d, "*"])) }));
    for (const [name, manifest] of Object.entries(pkgs)) {
      const p = join(dir, "node_modules", name);
      mkdirSync(join(p, "lib"), { recursive: true });
      writeFileSync(join(p, "package.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest));
      writeFileSync(join(p, "index.js"), "export class P {}\n");
    }
    symlinkSync(join(dir, "node_modules", "loop"), join(dir, "node_modules", "loop"));
    const r = spawnSync(process.execPath, [FLOE, "plugins", "--json"], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const listing = JSON.parse(r.stdout) as unknown;
    const text = JSON.stringify(listing);
    // Each hostile package is named in the listing with its own reason.
    for (const [name, reason] of [
      ["notjson", "not JSON"],
      ["huge", "larger than"],
      ["wrongtype", "must be an object"],
      ["nestedwrong", '\\"floe\\" must be an object'],
      ["loop", "ELOOP"],
      ["dirmain", "is not a file"],
      ["absolute", "not a path inside the package"],
      ["url", "not a path inside the package"],
      ["datauri", "not a path inside the package"],
    ] as const) {
      const entries: string[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") {
          const o = v as Record<string, unknown>;
          if (o.package === name || o.name === name) entries.push(JSON.stringify(o));
          else Object.values(o).forEach(walk);
        }
      };
      walk(listing);
      expect(entries.join("\n"), `${name}: ${text.slice(0, 3000)}`).toContain(reason);
    }
    expect(text).toContain('"good"');
    const rows = listing as Array<{ name: string | null; compatible: boolean }>;
    expect(
      rows
        .filter((r) => r.compatible)
        .map((r) => r.name)
        .sort(),
    ).toEqual(expect.arrayContaining(["good", "nestedgood"]));
    // --json loads the compatible ones for their capabilities: this "good" entry is no plugin class.
    expect((listing as Array<Record<string, unknown>>).find((r) => r.name === "good")).toMatchObject({
      compatible: true,
      capabilities: null,
      loadError: expect.stringMatching(/^FLOE_PLUGIN_INVALID: /),
    });
    expect(existsSync(canary)).toBe(false);
  });
});
