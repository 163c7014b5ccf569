/**
 * Installs the fixture plugin packages (test/fixtures/plugins) into temporary projects with real
 * `npm install` and `pnpm install` (local tarballs, offline) and checks what discovery reports.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverPlugins, loadPlugin, type DiscoveredPlugin } from "../../src/plugin-registry.js";
import { isFloeError } from "../../src/errors.js";

const fixtures = fileURLToPath(new URL("../fixtures/plugins/", import.meta.url));
const FIXTURES = ["good", "api-two", "outside", "throws", "dup-a", "dup-b"];

// Children must not inherit the pnpm settings of the process running the tests.
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|pnpm_)/i.test(key)) env[key] = value;
  return env;
}

let root: string;
const projects: Record<"npm" | "pnpm", string> = { npm: "", pnpm: "" };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "floe-registry-"));
  const tarballs = join(root, "tarballs");
  mkdirSync(tarballs, { recursive: true });
  const deps: Record<string, string> = {};
  for (const fixture of FIXTURES) {
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", tarballs], { cwd: join(fixtures, fixture), env: cleanEnv() });
    const [{ name, filename }] = JSON.parse(out.toString()) as [{ name: string; filename: string }];
    deps[name] = `file:${join(tarballs, filename)}`;
  }
  for (const manager of ["npm", "pnpm"] as const) {
    const dir = join(root, manager);
    mkdirSync(join(dir, "src", "deep"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `project-${manager}`, private: true, dependencies: deps }, null, 2));
    const args =
      manager === "npm"
        ? ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"]
        : ["install", "--offline", "--ignore-scripts"];
    execFileSync(manager, args, { cwd: dir, env: cleanEnv(), stdio: "pipe" });
    projects[manager] = dir;
  }
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function markers(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === "imported.marker") found.push(path);
    }
  };
  walk(join(dir, "node_modules"));
  return found;
}

const byName = (plugins: DiscoveredPlugin[], name: string) => plugins.filter((p) => p.name === name);

describe.each(["npm", "pnpm"] as const)("plugins installed with %s", (manager) => {
  it("lists every fixture with its own reason and imports none of them", async () => {
    // From a subdirectory: discovery uses the nearest package.json.
    const { projectDir, plugins, problems } = await discoverPlugins({ cwd: join(projects[manager], "src", "deep"), besideFloeCore: false });
    expect(projectDir).toBe(projects[manager]);
    expect(problems).toEqual([]);

    const [good] = byName(plugins, "good");
    expect(good).toMatchObject({ package: "floe-fixture-good", version: "1.0.0", floeApiVersion: "1.0", compatible: true });
    expect(good!.error).toBeUndefined();
    expect(good!.entry!.exportName).toBe("GoodPlugin");

    const [future] = byName(plugins, "future");
    expect(future).toMatchObject({ compatible: false, floeApiVersion: "2.0" });
    expect(future!.error).toMatchObject({ code: "FLOE_PLUGIN_INCOMPATIBLE" });
    expect(future!.error!.message).toContain("2.0");

    const [outside] = byName(plugins, "outside");
    expect(outside).toMatchObject({ compatible: false, entry: null });
    expect(outside!.error).toMatchObject({ code: "FLOE_PLUGIN_INVALID" });
    expect(outside!.error!.message).toContain("outside its package");

    // Its module throws on import, but listing does not import it: it lists as compatible.
    const [throws] = byName(plugins, "throws");
    expect(throws).toMatchObject({ compatible: true });

    const twins = byName(plugins, "twin");
    expect(twins.map((p) => p.package).sort()).toEqual(["@floe-fixtures/dup-a", "floe-fixture-dup-b"]);
    for (const twin of twins) {
      expect(twin.compatible).toBe(false);
      expect(twin.error).toMatchObject({ code: "FLOE_PLUGIN_DUPLICATE" });
      expect(twin.error!.message).toContain("@floe-fixtures/dup-a, floe-fixture-dup-b");
    }
    expect(plugins).toHaveLength(6);
    expect(markers(projects[manager])).toEqual([]);
  });

  it("imports a plugin only when loaded, and reports each one that cannot be loaded", async () => {
    const cwd = projects[manager];
    const plugin = await loadPlugin("good", { cwd, options: { answer: 42 } });
    expect(plugin.name).toBe("good");
    expect(plugin.floeApiVersion).toBe("1.0");
    // Exactly the loaded plugin left its marker: the marker mechanism works, and nothing else was imported.
    expect(markers(cwd).map((m) => m.includes("floe-fixture-good"))).toEqual([true]);

    const failures: Record<string, string> = {};
    for (const name of ["future", "outside", "throws", "twin", "missing"]) {
      try {
        await loadPlugin(name, { cwd });
        failures[name] = "loaded";
      } catch (error) {
        expect(isFloeError(error)).toBe(true);
        failures[name] = (error as { code: string }).code;
      }
    }
    expect(failures).toEqual({
      future: "FLOE_PLUGIN_INCOMPATIBLE",
      outside: "FLOE_PLUGIN_INVALID",
      throws: "FLOE_PLUGIN_LOAD_FAILED",
      twin: "FLOE_PLUGIN_DUPLICATE",
      missing: "FLOE_PLUGIN_NOT_FOUND",
    });
    // The refused plugins were never imported; only the one that throws was (and it failed).
    const imported = markers(cwd)
      .map((m) => (m.includes("floe-fixture-good") ? "good" : m.includes("floe-fixture-throws") ? "throws" : m))
      .sort();
    expect(imported).toEqual(["good", "throws"]);
    expect(existsSync(join(cwd, "node_modules"))).toBe(true);
  });
});
