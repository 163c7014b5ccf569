import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFloeError } from "./errors.js";
import { MAX_PACKAGE_JSON_BYTES, discoverPlugins, findProjectDir, loadPlugin, parseEntry } from "./plugin-registry.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "floe-registry-unit-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A hand-made node_modules: packages no package manager would install (broken on purpose). */
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
const plugin = (name: string, entry: unknown, api: unknown = "1.0") => ({ name, version: "1.0.0", "floe.orchestrators": { [name.replace(/\W/g, "")]: entry }, "floe.apiVersion": api });

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
    project(["good", "@scope/good", "notjson", "huge", "wrongfield", "wrongapi", "dirmain", "loop", "linkout", "missingentry", "noapi", "plain", "absent", "../escape"]);
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

    const { plugins, problems } = await discoverPlugins({ cwd: dir });
    const reason = (name: string) => plugins.find((p) => p.name === name)?.error?.message;
    const problem = (name: string) => problems.find((p) => p.package === name)?.error.message;

    expect(plugins.filter((p) => p.compatible).map((p) => p.name).sort()).toEqual(["good", "scopegood"]);
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
    const { projectDir, plugins } = await discoverPlugins({ cwd: child });
    expect(projectDir).toBe(child);
    expect(plugins.map((p) => [p.name, p.compatible])).toEqual([["hoisted", true]]);
  });

  it("refuses an unreadable project package.json with a one-line bad-input error", async () => {
    writeFileSync(join(dir, "package.json"), "[1, 2");
    await expect(discoverPlugins({ cwd: dir })).rejects.toSatisfy((e: unknown) => isFloeError(e, "FLOE_CONFIG_INVALID"));
    writeFileSync(join(dir, "package.json"), "[1, 2]");
    await expect(discoverPlugins({ cwd: dir })).rejects.toSatisfy((e: unknown) => isFloeError(e, "FLOE_CONFIG_INVALID"));
  });

  it("ignores dependency fields of the wrong type", async () => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ dependencies: ["good"], devDependencies: "good" }));
    pkg("good", plugin("good", "./index.js#P"));
    expect((await discoverPlugins({ cwd: dir })).plugins).toEqual([]);
  });

  it("finds the nearest package.json", async () => {
    project([]);
    mkdirSync(join(dir, "a", "b"), { recursive: true });
    expect(await findProjectDir(join(dir, "a", "b"))).toBe(dir);
  });
});

describe("loadPlugin checks what it imported", () => {
  const members = ["createDefinitions", "createAssetsFromTransforms", "getHelmValues", "validateConnection", "getResourceRequirements", "emitLineageEvent", "scheduleJob"]
    .map((m) => `  ${m}() {}`)
    .join("\n");
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
    for (const n of ["liar", "notclass", "ctorthrows"]) writeFileSync(join(dir, "node_modules", n, "package.json"), JSON.stringify({ ...plugin(n, "./index.js#P"), type: "module" }));
    expect(await codeOf("ok")).toBe("loaded");
    expect(await codeOf("liar")).toBe("FLOE_PLUGIN_INCOMPATIBLE");
    expect(await codeOf("notclass")).toBe("FLOE_PLUGIN_INVALID");
    expect(await codeOf("ctorthrows")).toBe("FLOE_PLUGIN_LOAD_FAILED");
  });
});
