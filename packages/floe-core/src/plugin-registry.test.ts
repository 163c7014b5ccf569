import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parseArtifacts } from "./artifacts/parse-artifacts.js";
import { isFloeError } from "./errors.js";
import { LEGACY_PLUGIN_MEMBERS, pluginCapabilities } from "./orchestrator-plugin.js";
import { MAX_PACKAGE_JSON_BYTES, discoverPlugins, findProjectDir, loadPlugin, parseEntry } from "./plugin-registry.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "floe-registry-unit-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A hand-made node_modules: packages no package manager would install (broken on purpose). */
const minimalArtifacts = (): unknown =>
  JSON.parse(readFileSync(new URL("../../../examples/jaffle_shop/compiled_artifacts.json", import.meta.url), "utf8"));

function project(deps: string[]): void {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "p", dependencies: Object.fromEntries(deps.map((d) => [d, "*"])) }));
}
function pkg(name: string, manifest: unknown, files: Record<string, string> = { "index.js": "export class P {}\n" }): string {
  const pdir = join(dir, "node_modules", ...name.split("/"));
  mkdirSync(pdir, { recursive: true });
  writeFileSync(join(pdir, "package.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(pdir, file, ".."), { recursive: true });
    writeFileSync(join(pdir, file), content);
  }
  return pdir;
}
const plugin = (name: string, entry: unknown, api: unknown = "1.0") => ({
  name,
  version: "1.0.0",
  "floe.orchestrators": { [name.replace(/\W/g, "")]: entry },
  "floe.apiVersion": api,
});

describe("parseEntry", () => {
  it.each([
    ["../../outside.js#P", "outside its package"],
    ["./a/../../x.js#P", "outside its package"],
    ["/etc/passwd#P", "not a path inside the package"],
    ["file:///etc/passwd#P", "not a path inside the package"],
    ["https://example.com/p.js#P", "not a path inside the package"],
    ["data:text/javascript,export class P {}#P", "not a path inside the package"],
    ["C:\\\\x.js#P", "not a path inside the package"],
    ["\\\\server\\share\\x.js#P", "not a path inside the package"],
    ["./index.js#not-an-identifier", "not a JavaScript identifier"],
    [".#P", "outside its package"],
  ])("refuses %s", (entry, reason) => {
    const result = parseEntry(entry, "/pkg");
    expect(result).toMatchObject({ code: "FLOE_PLUGIN_INVALID" });
    expect((result as { message: string }).message).toContain(reason);
  });

  it.each([42, null, "", ["./index.js"]])("refuses a non-string entry %j", (entry) => {
    expect(parseEntry(entry, "/pkg")).toMatchObject({ code: "FLOE_PLUGIN_INVALID" });
  });

  it("splits module and export, defaulting to the default export", () => {
    expect(parseEntry("./dist/index.js#MyPlugin", "/pkg")).toEqual({ module: "/pkg/dist/index.js", exportName: "MyPlugin" });
    expect(parseEntry("./index.js", "/pkg")).toEqual({ module: "/pkg/index.js", exportName: "default" });
  });
});

describe("discoverPlugins on broken installs", () => {
  it("reports each broken package on its own and still lists the good ones", async () => {
    project([
      "good",
      "@scope/good",
      "notjson",
      "huge",
      "wrongfield",
      "wrongapi",
      "dirmain",
      "loop",
      "linkout",
      "missingentry",
      "noapi",
      "plain",
      "absent",
      "../escape",
    ]);
    pkg("good", plugin("good", "./index.js#P"));
    pkg("@scope/good", plugin("@scope/good", "./lib/p.js#P"), { "lib/p.js": "export class P {}\n" });
    pkg("notjson", "{ this is not json");
    pkg("huge", `{"name":"huge","pad":"${"x".repeat(10 * 1024 * 1024)}"}`);
    pkg("wrongfield", { name: "wrongfield", "floe.orchestrators": ["./index.js#P"], "floe.apiVersion": "1.0" });
    pkg("wrongapi", plugin("wrongapi", "./index.js#P", 1.0));
    pkg("dirmain", plugin("dirmain", "./lib#P"), { "lib/x.js": "" });
    const loopDir = join(dir, "node_modules", "loop");
    symlinkSync(loopDir, loopDir);
    const outsideFile = join(dir, "outside.js");
    writeFileSync(outsideFile, "export class P {}\n");
    const linkout = pkg("linkout", plugin("linkout", "./index.js#P"), {});
    symlinkSync(outsideFile, join(linkout, "index.js"));
    pkg("missingentry", plugin("missingentry", "./nope.js#P"));
    pkg("noapi", { name: "noapi", "floe.orchestrators": { noapi: "./index.js#P" } });
    pkg("plain", { name: "plain", version: "2.0.0" });

    const { plugins, problems } = await discoverPlugins({ cwd: dir, besideFloeCore: false });
    const reason = (name: string) => plugins.find((p) => p.name === name)?.error?.message;
    const problem = (name: string) => problems.find((p) => p.package === name)?.error.message;

    expect(
      plugins
        .filter((p) => p.compatible)
        .map((p) => p.name)
        .sort(),
    ).toEqual(["good", "scopegood"]);
    expect(plugins.find((p) => p.name === "scopegood")!.package).toBe("@scope/good");
    expect(problem("notjson")).toContain("not JSON");
    expect(problem("huge")).toContain(`larger than ${MAX_PACKAGE_JSON_BYTES}`);
    expect(problem("wrongfield")).toContain("must be an object");
    expect(problem("loop")).toContain("ELOOP");
    expect(problem("../escape")).toContain("not a valid npm package name");
    expect(reason("wrongapi")).toContain("is not a string");
    expect(reason("dirmain")).toContain("is not a file");
    expect(reason("linkout")).toContain("points outside its package");
    expect(reason("missingentry")).toContain("does not exist");
    expect(reason("noapi")).toContain('declares no "floe.apiVersion"');
    // Not a plugin, and not installed: neither is reported.
    expect(problems.map((p) => p.package).sort()).toEqual(["../escape", "huge", "loop", "notjson", "wrongfield"]);
    expect(plugins).toHaveLength(7);
  });

  it("resolves dependencies the way Node does, from parent node_modules too", async () => {
    const child = join(dir, "apps", "child");
    mkdirSync(child, { recursive: true });
    writeFileSync(join(child, "package.json"), JSON.stringify({ name: "child", devDependencies: { hoisted: "*" } }));
    pkg("hoisted", plugin("hoisted", "./index.js#P"));
    const { projectDir, plugins } = await discoverPlugins({ cwd: child, besideFloeCore: false });
    expect(projectDir).toBe(child);
    expect(plugins.map((p) => [p.name, p.compatible])).toEqual([["hoisted", true]]);
  });

  it("refuses an unreadable project package.json with a one-line bad-input error", async () => {
    writeFileSync(join(dir, "package.json"), "[1, 2");
    await expect(discoverPlugins({ cwd: dir, besideFloeCore: false })).rejects.toSatisfy((e: unknown) =>
      isFloeError(e, "FLOE_CONFIG_INVALID"),
    );
    writeFileSync(join(dir, "package.json"), "[1, 2]");
    await expect(discoverPlugins({ cwd: dir, besideFloeCore: false })).rejects.toSatisfy((e: unknown) =>
      isFloeError(e, "FLOE_CONFIG_INVALID"),
    );
  });

  it("ignores dependency fields of the wrong type", async () => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ dependencies: ["good"], devDependencies: "good" }));
    pkg("good", plugin("good", "./index.js#P"));
    expect((await discoverPlugins({ cwd: dir, besideFloeCore: false })).plugins).toEqual([]);
  });

  it("finds the nearest package.json", async () => {
    project([]);
    mkdirSync(join(dir, "a", "b"), { recursive: true });
    expect(await findProjectDir(join(dir, "a", "b"))).toBe(dir);
  });
});

describe("the plugin field", () => {
  it("accepts the nested form the READMEs once showed, and reports a malformed field instead of ignoring it", async () => {
    project(["nested", "flat", "notobject", "noorchestrators", "badorchestrators", "both", "apionly", "nestedbadapi"]);
    pkg("nested", { name: "nested", version: "1.0.0", floe: { orchestrators: { nested: "./index.js#P" }, apiVersion: "1.0" } });
    pkg("flat", plugin("flat", "./index.js#P"));
    pkg("notobject", { name: "notobject", floe: "dagster" });
    pkg("noorchestrators", { name: "noorchestrators", floe: { apiVersion: "1.0" } });
    pkg("badorchestrators", { name: "badorchestrators", floe: { orchestrators: "./index.js#P", apiVersion: "1.0" } });
    pkg("both", { ...plugin("both", "./index.js#P"), floe: { orchestrators: { both: "./index.js#P" }, apiVersion: "1.0" } });
    pkg("apionly", { name: "apionly", "floe.apiVersion": "1.0" });
    pkg("nestedbadapi", { name: "nestedbadapi", floe: { orchestrators: { nestedbadapi: "./index.js#P" }, apiVersion: 1 } });

    const { plugins, problems } = await discoverPlugins({ cwd: dir, besideFloeCore: false });
    expect(plugins.filter((p) => p.compatible).map((p) => [p.name, p.package, p.floeApiVersion])).toEqual([
      ["flat", "flat", "1.0"],
      ["nested", "nested", "1.0"],
    ]);
    const problem = (name: string) => problems.find((p) => p.package === name)?.error;
    expect(problem("notobject")).toMatchObject({
      code: "FLOE_PLUGIN_INVALID",
      message: expect.stringContaining('"floe" must be an object'),
    });
    expect(problem("noorchestrators")!.message).toContain('"floe" has no "orchestrators"');
    expect(problem("badorchestrators")!.message).toContain('"floe.orchestrators" must be an object');
    expect(problem("both")!.message).toContain("declares both");
    expect(problem("apionly")!.message).toContain('declares "floe.apiVersion" but no "floe.orchestrators"');
    for (const p of problems) expect(p.error.hint).toContain('"floe.orchestrators"');
    expect(plugins.find((p) => p.name === "nestedbadapi")!.error!.message).toContain('"floe.apiVersion" 1 is not a string');
  });
});

describe("where discovery looks", () => {
  it("a workspace package sees the plugins in the workspace root's dependencies; its own declaration wins", async () => {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "root", workspaces: ["apps/*"], dependencies: { rootonly: "*", shared: "*" } }),
    );
    const app = join(dir, "apps", "app");
    mkdirSync(join(app, "src"), { recursive: true });
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", dependencies: { shared: "*" } }));
    pkg("rootonly", plugin("rootonly", "./index.js#P"));
    pkg("shared", plugin("shared", "./index.js#P"));
    const result = await discoverPlugins({ cwd: join(app, "src"), besideFloeCore: false });
    expect(result.projectDir).toBe(app);
    expect(result.plugins.map((p) => [p.name, p.compatible])).toEqual([
      ["rootonly", true],
      ["shared", true],
    ]);
    expect(result.searched).toEqual([
      `the dependencies in ${join(app, "package.json")}`,
      `the dependencies in ${join(dir, "package.json")}`,
    ]);
  });

  it("a pnpm-workspace.yaml marks a workspace root too; a plain parent package.json does not", async () => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "root", dependencies: { rootonly: "*" } }));
    pkg("rootonly", plugin("rootonly", "./index.js#P"));
    const app = join(dir, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app" }));
    expect((await discoverPlugins({ cwd: app, besideFloeCore: false })).plugins).toEqual([]);
    writeFileSync(join(dir, "pnpm-workspace.yaml"), "packages: [app]\n");
    expect((await discoverPlugins({ cwd: app, besideFloeCore: false })).plugins.map((p) => p.name)).toEqual(["rootonly"]);
  });

  it("beside floe-core: the packages next to its installation, with or without a project, the project's plugins first", async () => {
    // A global install's layout: <prefix>/lib/node_modules/{floe-core, plugins…}.
    const global = join(dir, "prefix", "lib", "node_modules");
    const installed = (name: string, manifest: unknown) => {
      const p = join(global, ...name.split("/"));
      mkdirSync(p, { recursive: true });
      writeFileSync(join(p, "package.json"), JSON.stringify(manifest));
      writeFileSync(join(p, "index.js"), "export class P {}\n");
    };
    installed("floe-core", { name: "floe-core", version: "1.0.0" });
    installed("floe-orchestrator-g", { ...plugin("g", "./index.js#P"), name: "floe-orchestrator-g" });
    installed("@team/floe-x", {
      name: "@team/floe-x",
      version: "2.0.0",
      floe: { orchestrators: { x: "./index.js#P" }, apiVersion: "1.0" },
    });
    installed("clash", plugin("clash", "./index.js#P"));
    installed("unrelated", { name: "unrelated", version: "1.0.0" });
    const floeCore = join(global, "floe-core");

    const nowhere = join(dir, "nowhere");
    mkdirSync(nowhere);
    const alone = await discoverPlugins({ cwd: nowhere, besideFloeCore: floeCore });
    expect(alone.projectDir).toBeNull();
    expect(alone.plugins.map((p) => [p.name, p.package, p.compatible])).toEqual([
      ["clash", "clash", true],
      ["g", "floe-orchestrator-g", true],
      ["x", "@team/floe-x", true],
    ]);
    expect(alone.searched).toEqual([`no package.json at or above ${nowhere}`, `the packages beside floe-core in ${global}`]);

    // In a project that declares its own "clash": the project's wins, the global one is not a duplicate.
    project(["clash"]);
    const local = pkg("clash", { ...plugin("clash", "./index.js#P"), version: "9.0.0" });
    const inProject = await discoverPlugins({ cwd: dir, besideFloeCore: floeCore });
    expect(inProject.plugins.map((p) => [p.name, p.version, p.compatible])).toEqual([
      ["clash", "9.0.0", true],
      ["g", "1.0.0", true],
      ["x", "2.0.0", true],
    ]);
    expect(inProject.plugins[0]!.packageDir).toBe(realpathSync(local));
  });

  it("does not look beside floe-core when the project installed the floe-core that runs", async () => {
    project(["floe-core"]);
    const core = pkg("floe-core", { name: "floe-core", version: "1.0.0" });
    pkg("transitive", plugin("transitive", "./index.js#P")); // in node_modules, not a dependency
    const result = await discoverPlugins({ cwd: dir, besideFloeCore: core });
    expect(result.plugins).toEqual([]);
    expect(result.searched).toEqual([`the dependencies in ${join(dir, "package.json")}`]);
  });

  it("the not-found hint names every place it looked", async () => {
    project([]);
    const error = await loadPlugin("dagster", { cwd: dir, besideFloeCore: false }).catch((e: unknown) => e);
    expect(isFloeError(error, "FLOE_PLUGIN_NOT_FOUND")).toBe(true);
    expect((error as { hint: string }).hint).toBe(
      `install one, e.g. npm install floe-orchestrator-dagster (looked in the dependencies in ${join(dir, "package.json")})`,
    );
  });
});

describe("loadPlugin checks what it imported", () => {
  // A plugin built for API 1.0: the seed's seven operations as methods.
  const members = LEGACY_PLUGIN_MEMBERS.map((m) => `  ${m}() {}`).join("\n");
  const pluginClass = (api: string, ctor = "") =>
    `export class P {\n  static floeApiVersion = "${api}";\n  constructor(o) { ${ctor} this.name = "x"; this.version = "1.0.0"; this.floeApiVersion = "${api}"; this.o = o; }\n${members}\n}\n`;

  async function codeOf(name: string): Promise<string> {
    try {
      await loadPlugin(name, { cwd: dir, options: { a: 1 } });
      return "loaded";
    } catch (error) {
      expect(isFloeError(error)).toBe(true);
      return (error as { code: string }).code;
    }
  }

  it("refuses a class whose floeApiVersion differs from a compatible package.json, a non-class export and a throwing constructor", async () => {
    project(["ok", "liar", "notclass", "ctorthrows"]);
    pkg("ok", plugin("ok", "./index.js#P"), { "index.js": pluginClass("1.0") });
    pkg("liar", plugin("liar", "./index.js#P"), { "index.js": pluginClass("2.0") });
    pkg("notclass", plugin("notclass", "./index.js#P"), { "index.js": "export const P = 42;\n" });
    pkg("ctorthrows", plugin("ctorthrows", "./index.js#P"), { "index.js": pluginClass("1.0", 'throw new Error("bad options");') });
    writeFileSync(join(dir, "node_modules", "ok", "package.json"), JSON.stringify({ ...plugin("ok", "./index.js#P"), type: "module" }));
    for (const n of ["liar", "notclass", "ctorthrows"])
      writeFileSync(join(dir, "node_modules", n, "package.json"), JSON.stringify({ ...plugin(n, "./index.js#P"), type: "module" }));
    expect(await codeOf("ok")).toBe("loaded");
    expect(await codeOf("liar")).toBe("FLOE_PLUGIN_INCOMPATIBLE");
    expect(await codeOf("notclass")).toBe("FLOE_PLUGIN_INVALID");
    expect(await codeOf("ctorthrows")).toBe("FLOE_PLUGIN_LOAD_FAILED");
  });

  it("reports runs only for a runs member with trigger, status and wait", () => {
    const base = { name: "x", version: "1", floeApiVersion: "1.1", generate: () => ({ files: [], warnings: [] }) };
    const fn = async () => ({ runId: "r", job: "j", state: "success" as const, models: [] });
    expect(pluginCapabilities({ ...base, runs: { trigger: fn, status: fn, wait: fn } })).toEqual(["runs"]);
    expect(pluginCapabilities({ ...base, runs: { trigger: fn } } as never)).toEqual([]);
  });

  it("loads a plugin of the 1.1 contract as is, and adapts one built for 1.0 (the seven operations, no generate)", async () => {
    project(["modern", "legacy", "half"]);
    const modern =
      'export class P {\n  name = "modern"; version = "2.0.0"; floeApiVersion = "1.1";\n' +
      '  generate(a, o = {}) { return { files: [{ path: "out.txt", content: `${a.metadata.product_name} ${o.dbtProjectDir}` }], warnings: [] }; }\n' +
      "  schedules = { validate() {}, preview() { return []; } };\n}\n";
    // A 1.0 plugin: dbtProjectDir and url reach it through its constructor, as floe-core 1.0's CLI passed them.
    const legacy =
      `export class P {\n  static floeApiVersion = "1.0";\n  constructor(o = {}) { this.name = "legacy"; this.version = "1.0.0"; this.floeApiVersion = "1.0"; this.o = o; }\n${members}\n` +
      '  createDefinitions(a) { return { warnings: ["w"], render: () => [{ path: "m.txt", content: `${a.metadata.product_name} ${this.o.dbtProjectDir}` }] }; }\n' +
      "  getHelmValues() { return { a: 1 }; }\n  async validateConnection(opts) { return { success: true, message: `${this.o.url} ${opts.deadlineMs}`, errors: [], warnings: [] }; }\n}\n";
    for (const [name, code] of [
      ["modern", modern],
      ["legacy", legacy],
      ["half", 'export class P { name = "half"; version = "1"; floeApiVersion = "1.1"; createDefinitions() {} }\n'],
    ] as const) {
      pkg(name, { ...plugin(name, "./index.js#P", name === "legacy" ? "1.0" : "1.1"), type: "module" }, { "index.js": code });
    }
    const { artifacts } = parseArtifacts(minimalArtifacts());
    const m = await loadPlugin("modern", { cwd: dir, besideFloeCore: false });
    expect(pluginCapabilities(m)).toEqual(["schedules"]);
    expect(m.generate(artifacts, { dbtProjectDir: "../p" }).files).toEqual([
      { path: "out.txt", content: `${artifacts.metadata.product_name} ../p` },
    ]);

    const l = await loadPlugin("legacy", { cwd: dir, besideFloeCore: false });
    expect(pluginCapabilities(l)).toEqual(["helmValues", "connection"]);
    expect(l.generate(artifacts, { dbtProjectDir: "../p" })).toEqual({
      files: [
        { path: "m.txt", content: `${artifacts.metadata.product_name} ../p` },
        { path: "values.yaml", content: "a: 1\n" },
      ],
      warnings: ["w"],
    });
    expect((await l.connection!.validate({ url: "http://127.0.0.1:9", deadlineMs: 500 })).message).toBe("http://127.0.0.1:9 500");

    await expect(loadPlugin("half", { cwd: dir, besideFloeCore: false })).rejects.toMatchObject({ code: "FLOE_PLUGIN_INVALID" });
  });
});
