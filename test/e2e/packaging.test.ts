// The packages as users get them: `pnpm pack` each built package, install the tarballs with plain npm
// into an empty project outside the workspace, and let the installed `floe` find the plugins there.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { shellQuote } from "floe-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const repo = fileURLToPath(new URL("../..", import.meta.url));
const packages = ["floe-core", "floe-orchestrator-dagster", "floe-orchestrator-airflow"] as const;
type PackageName = (typeof packages)[number];

interface PluginRow {
  name: string | null;
  package: string;
  version: string | null;
  floeApiVersion: string | null;
  compatible: boolean;
  capabilities?: string[] | null;
  error?: string;
}

const BUILT_IN_CAPABILITIES = ["helmValues", "connection", "schedules", "runs", "products"];

/**
 * The environment of a user's shell: no pnpm/npm script variables inherited from `pnpm test`, and
 * no workspace `node_modules/.bin` on PATH, so `npx floe` can only be the installed tarball's bin.
 */
const userEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env)
    .filter(([key]) => !/^(npm_|pnpm_|PNPM_)/i.test(key) && key !== "NODE_OPTIONS" && key !== "VITEST" && !key.startsWith("VITEST_"))
    .map(([key, value]) => [
      key,
      key === "PATH"
        ? (value ?? "")
            .split(delimiter)
            .filter((entry) => !entry.includes("node_modules"))
            .join(delimiter)
        : value,
    ]),
);

let work: string;
let project: string;
const tarballs = {} as Record<PackageName | "future", string>;

async function npm(args: string[], cwd: string) {
  return exec("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd,
    env: userEnv,
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function floePlugins(): Promise<PluginRow[]> {
  const { stdout } = await exec("npx", ["--no", "--", "floe", "plugins", "--json"], { cwd: project, env: userEnv });
  return JSON.parse(stdout) as PluginRow[];
}

async function packedFile(tarball: string, path: string): Promise<string> {
  const { stdout } = await exec("tar", ["-xzOf", tarball, `package/${path}`], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

async function packageVersion(name: PackageName): Promise<string> {
  return (JSON.parse(await readFile(join(repo, "packages", name, "package.json"), "utf8")) as { version: string }).version;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "floe-packaging-"));
  const out = join(work, "tarballs");
  await mkdir(out);
  for (const name of packages) {
    const dir = join(repo, "packages", name);
    await stat(join(dir, "dist/index.js")).catch(() => {
      throw new Error(`${name} is not built: run pnpm build first (pnpm test does)`);
    });
    await exec("pnpm", ["pack", "--pack-destination", out], { cwd: dir });
  }
  await npm(["pack", "--pack-destination", out], join(repo, "test/fixtures/plugin-future-api"));
  for (const name of packages) tarballs[name] = join(out, `${name}-${await packageVersion(name)}.tgz`);
  tarballs.future = join(out, "floe-orchestrator-future-3.0.0.tgz");
  expect((await readdir(out)).sort()).toEqual(
    Object.values(tarballs)
      .map((f) => f.slice(out.length + 1))
      .sort(),
  );

  project = join(work, "project");
  await mkdir(project);
  await writeFile(
    join(project, "package.json"),
    `${JSON.stringify({ name: "floe-user-project", version: "1.0.0", private: true }, null, 2)}\n`,
  );
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("packed tarballs", () => {
  it.each(packages)(
    "%s: package.json has no workspace: ranges and the tarball holds dist and LICENSE, not sources or maps",
    async (name) => {
      const manifestText = await packedFile(tarballs[name], "package.json");
      expect(manifestText).not.toContain("workspace:");
      const manifest = JSON.parse(manifestText) as Record<string, any>;
      expect(manifest.version).toBe(await packageVersion(name));
      expect(manifest.type).toBe("module");
      expect(manifest.exports["./package.json"]).toBe("./package.json");
      // "default" after "import": Node 20.19+ can require() the ES module, instead of ERR_PACKAGE_PATH_NOT_EXPORTED.
      expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", import: "./dist/index.js", default: "./dist/index.js" });
      expect(manifest.engines.node).toBe(">=20.19");
      if (name !== "floe-core") {
        expect(manifest.peerDependencies["floe-core"]).toMatch(/^\^\d+\.\d+\.\d+$/);
        expect(manifest.devDependencies["floe-core"]).toBe(await packageVersion("floe-core"));
      }
      const { stdout } = await exec("tar", ["-tzf", tarballs[name]]);
      const listed = stdout.trim().split("\n");
      expect(listed).toEqual(expect.arrayContaining(["package/package.json", "package/dist/index.js", "package/dist/index.d.ts"]));
      expect(listed.filter((f) => f.startsWith("package/src/") || f.startsWith("package/test/") || /\.test\.(js|d\.ts)$/.test(f))).toEqual(
        [],
      );
      // No source maps: they would point at src/, which is not shipped. The licence travels with the code.
      expect(listed.filter((f) => f.endsWith(".map"))).toEqual([]);
      expect(listed).toContain("package/LICENSE");
      if (name === "floe-core")
        expect(listed).toEqual(
          expect.arrayContaining(["package/dist/floe-runtime/src/floe_runtime/__init__.py", "package/dist/floe-runtime/LICENSE"]),
        );
      // What the README points readers at travels with it: the changelog and every docs/ page it names.
      expect(listed).toContain("package/CHANGELOG.md");
      const readme = await packedFile(tarballs[name], "README.md");
      for (const [, doc] of readme.matchAll(/\b(docs\/[\w.-]+\.md)\b/g))
        expect(listed, `${name} README names ${doc}`).toContain(`package/${doc}`);
      // Where the code lives, as the repository's charts state it (Chart.yaml `home`).
      const home = "https://github.com/floe-data/floe-orchestrators";
      expect(manifest.repository).toEqual({ type: "git", url: `git+${home}.git`, directory: `packages/${name}` });
      expect(manifest.homepage).toBe(`${home}/tree/main/packages/${name}#readme`);
      expect(manifest.bugs).toEqual({ url: `${home}/issues` });
    },
  );

  it("floe-core's runtime dependencies are what its code imports: no ajv (test helpers only), and the types its .d.ts import", async () => {
    const manifest = JSON.parse(await packedFile(tarballs["floe-core"], "package.json")) as Record<string, any>;
    expect(Object.keys(manifest.dependencies)).not.toContain("ajv");
    expect(manifest.dependencies["@types/luxon"]).toBeDefined();
  });
});

describe("installed with npm into an empty project", () => {
  it("floe-core plus the Dagster plugin: floe plugins lists only dagster", async () => {
    await npm(["install", tarballs["floe-core"], tarballs["floe-orchestrator-dagster"]], project);

    const { stdout: version } = await exec("npx", ["--no", "--", "floe", "--version"], { cwd: project, env: userEnv });
    expect(version).toContain(await packageVersion("floe-core"));
    expect(await floePlugins()).toEqual([
      {
        name: "dagster",
        package: "floe-orchestrator-dagster",
        version: await packageVersion("floe-orchestrator-dagster"),
        floeApiVersion: "1.2",
        compatible: true,
        capabilities: BUILT_IN_CAPABILITIES,
      },
    ]);
    // The peer dependency is satisfied by the project's floe-core: one copy, no nested install.
    await expect(stat(join(project, "node_modules/floe-orchestrator-dagster/node_modules/floe-core"))).rejects.toThrow();
    // The exports map works for a plain ESM consumer: the plugin class and the package.json subpath.
    const { stdout: imported } = await exec(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const m = await import('floe-orchestrator-dagster'); const core = await import('floe-core');" +
          "const pkg = (await import('floe-core/package.json', { with: { type: 'json' } })).default;" +
          "console.log(typeof m.DagsterPlugin, typeof core.discoverPlugins, pkg.name)",
      ],
      { cwd: project, env: userEnv },
    );
    expect(imported.trim()).toBe("function function floe-core");
    // floe-runtime's sources travel in the tarball (dist/floe-runtime), from which floe-core builds the wheel
    // `floe generate` ships with each output: found here without any clone around.
    const { stdout: wheel } = await exec(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        "const core = await import('floe-core'); const b = await core.floeRuntimeWheelBytes(); console.log(core.FLOE_RUNTIME_WHEEL_PATH, b.length > 10000)",
      ],
      { cwd: project, env: userEnv },
    );
    expect(wheel.trim()).toBe("wheels/floe_runtime-0.1.0-py3-none-any.whl true");
  });

  it("adding the Airflow tarball: both plugins listed", async () => {
    await npm(["install", tarballs["floe-orchestrator-airflow"]], project);

    const rows = await floePlugins();
    expect(rows.map((r) => [r.name, r.package, r.compatible])).toEqual([
      ["airflow", "floe-orchestrator-airflow", true],
      ["dagster", "floe-orchestrator-dagster", true],
    ]);
    expect(rows.every((r) => r.error === undefined)).toBe(true);
  });

  it("a plugin built for floe API 2.0 is listed as incompatible, naming both versions", async () => {
    await npm(["install", tarballs.future], project);

    const rows = await floePlugins();
    expect(rows.map((r) => [r.name, r.compatible])).toEqual([
      ["airflow", true],
      ["dagster", true],
      ["future", false],
    ]);
    const future = rows.find((r) => r.name === "future")!;
    expect(future).toMatchObject({ package: "floe-orchestrator-future", version: "3.0.0", floeApiVersion: "2.0" });
    expect(future.error).toMatch(/^FLOE_PLUGIN_INCOMPATIBLE: /);
    expect(future.error).toContain("2.0");
    expect(future.error).toContain("1.2");
    expect(future.capabilities).toBeNull();
    // The human listing says the same on one line per plugin, and listing imported nothing (the
    // fixture's module throws when imported).
    const { stdout } = await exec("npx", ["--no", "--", "floe", "plugins"], { cwd: project, env: userEnv });
    expect(stdout.trim().split("\n")).toHaveLength(3);
    expect(stdout).toMatch(/^future\tfloe-orchestrator-future@3\.0\.0\tAPI 2\.0\tnot usable: FLOE_PLUGIN_INCOMPATIBLE: .*2\.0.*1\.2/m);
  });
});

/** The `floe plugins --json` rows of a floe started with `command` in `cwd`. */
async function pluginRows(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnv): Promise<PluginRow[]> {
  const { stdout } = await exec(command, [...args, "plugins", "--json"], { cwd, env });
  return JSON.parse(stdout) as PluginRow[];
}
const namesOf = (rows: PluginRow[]) => rows.map((r) => [r.name, r.package, r.compatible]);

describe("consumers of the installed tarballs", () => {
  it("require('floe-core') works from CommonJS (Node 20.19+ loads the ES module)", async () => {
    await writeFile(
      join(project, "consumer.cjs"),
      'const core = require("floe-core");\nconsole.log(typeof core.discoverPlugins, typeof core.pyString, core.FLOE_API_VERSION);\n',
    );
    const { stdout } = await exec(process.execPath, ["consumer.cjs"], { cwd: project, env: userEnv });
    expect(stdout.trim()).toBe("function function 1.2");
  });

  it("a strict TypeScript consumer compiles against the published .d.ts without skipLibCheck (no TS7016)", async () => {
    await npm(["install", "--save-dev", "@types/node@^20.19.0"], project);
    await writeFile(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          types: ["node"],
        },
        include: ["consumer.mts"],
      }),
    );
    await writeFile(
      join(project, "consumer.mts"),
      [
        'import { discoverPlugins, validateTimeZone, type DiscoveryResult } from "floe-core";',
        'import { DagsterPlugin } from "floe-orchestrator-dagster";',
        'const result: DiscoveryResult = await discoverPlugins({ cwd: "." });',
        'const zone = validateTimeZone("Europe/Berlin");',
        "console.log(result.plugins.length, zone.name, typeof DagsterPlugin);",
        "",
      ].join("\n"),
    );
    const tsc = join(repo, "node_modules/typescript/bin/tsc");
    const run = await exec(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project, env: userEnv }).catch(
      (e: { stdout: string; code: number }) => e,
    );
    expect((run as { stdout: string }).stdout).toBe("");
    expect((run as { code?: number }).code ?? 0).toBe(0);
    // Consumers do not get ajv: nothing they install depends on it.
    await expect(stat(join(project, "node_modules/ajv"))).rejects.toThrow();
  });
});

describe("a third-party plugin written from the README's template", () => {
  it("compiles strictly against the packed floe-core, installs from its npm pack tarball and generates through floe", async () => {
    // The README's package.json and src/index.ts blocks, as written there (floe-core's range set to the packed version).
    const readme = await readFile(join(repo, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Writing and publishing a third-party orchestrator plugin"));
    const manifest = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section)![1]!) as Record<string, any>;
    const source = /```ts\n(\/\/ src\/index\.ts of floe-orchestrator-crontab[\s\S]*?)\n```/.exec(section)![1]!;
    const core = await packageVersion("floe-core");
    manifest.peerDependencies = { "floe-core": `^${core}` };
    manifest.devDependencies = { "floe-core": `^${core}` };
    // Inside the project, so `floe-core` (and @types/node, from the consumer test) resolve from its node_modules.
    const pluginDir = join(project, "plugin-src");
    await mkdir(join(pluginDir, "src"), { recursive: true });
    await writeFile(join(pluginDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(pluginDir, "src/index.ts"), `${source}\n`);
    await writeFile(
      join(pluginDir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          declaration: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          types: ["node"],
          rootDir: "src",
          outDir: "dist",
        },
        include: ["src"],
      }),
    );
    const tsc = join(repo, "node_modules/typescript/bin/tsc");
    const compiled = await exec(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: pluginDir, env: userEnv }).catch(
      (e: { stdout: string; code: number }) => e,
    );
    expect((compiled as { stdout: string }).stdout).toBe("");
    expect((compiled as { code?: number }).code ?? 0).toBe(0);

    const packed = join(work, "template-tarball");
    await mkdir(packed);
    await npm(["pack", "--pack-destination", packed], pluginDir);
    const [tarball] = await readdir(packed);
    expect(tarball).toBe("floe-orchestrator-crontab-0.1.0.tgz");
    await npm(["install", join(packed, tarball!)], project);

    const row = (await floePlugins()).find((r) => r.name === "crontab");
    expect(row).toEqual({
      name: "crontab",
      package: "floe-orchestrator-crontab",
      version: "0.1.0",
      floeApiVersion: "1.1",
      compatible: true,
      capabilities: [],
    });

    const example = join(repo, "examples/jaffle_shop");
    const floe = (args: string[]) =>
      exec("npx", ["--no", "--", "floe", ...args], { cwd: project, env: userEnv }).catch(
        (e: { stdout: string; stderr: string; code: number }) => e,
      );
    const generated = await floe([
      "generate",
      join(example, "compiled_artifacts.json"),
      "--orchestrator",
      "crontab",
      "--out",
      "out/crontab",
      "--dbt-project",
      example,
    ]);
    expect(generated).toMatchObject({ stdout: "wrote 1 files for crontab to out/crontab\n", stderr: "" });
    // Exactly what generate returned (no values.yaml added by the CLI), the schedule from the artifacts.
    const written = (await readdir(join(project, "out/crontab"))).filter((f) => f !== ".floe-output.json");
    expect(written).toEqual(["crontab"]);
    const crontab = await readFile(join(project, "out/crontab/crontab"), "utf8");
    const projectDir = relative(join(project, "out/crontab"), example);
    expect(crontab).toBe(
      "# jaffle_shop: generated by floe-orchestrator-crontab; do not edit\n" +
        "CRON_TZ=Europe/London\n" +
        `0 6 * * * dbt build --project-dir ${shellQuote(projectDir)} --select customers orders\n`,
    );

    // Commands needing a capability the plugin lacks say so, naming the flag.
    for (const args of [
      ["schedule", "preview", "@daily", "--timezone", "UTC", "--orchestrator", "crontab"],
      ["helm-values", "--orchestrator", "crontab"],
      ["validate-connection", "--orchestrator", "crontab"],
    ]) {
      const refused = (await floe(args)) as { code?: number; stderr: string; stdout: string };
      expect(refused.code, args.join(" ")).toBe(2);
      expect(refused.stderr).toMatch(/^floe: FLOE_USAGE at --orchestrator: the crontab plugin [^\n]*\n$/);
    }
  });
});

describe("discovery with real package managers", () => {
  it("npm workspaces: the plugin in the root's dependencies is found from a workspace package", async () => {
    const root = join(work, "npm-workspaces");
    await mkdir(join(root, "packages", "app", "src"), { recursive: true });
    await writeFile(
      join(root, "package.json"),
      JSON.stringify({
        name: "ws-root",
        private: true,
        workspaces: ["packages/*"],
        dependencies: {
          "floe-core": `file:${tarballs["floe-core"]}`,
          "floe-orchestrator-dagster": `file:${tarballs["floe-orchestrator-dagster"]}`,
        },
      }),
    );
    await writeFile(join(root, "packages", "app", "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
    await npm(["install"], root);

    const rows = await pluginRows("npx", ["--no", "--", "floe"], join(root, "packages", "app", "src"));
    expect(namesOf(rows)).toEqual([["dagster", "floe-orchestrator-dagster", true]]);
  });

  it("npm i -g floe-core floe-orchestrator-dagster: the global floe finds the plugin installed beside it, from any folder", async () => {
    const prefix = join(work, "global");
    await npm(["install", "-g", "--prefix", prefix, tarballs["floe-core"], tarballs["floe-orchestrator-dagster"]], work);
    const bin = join(prefix, "bin", "floe");
    const elsewhere = join(work, "no-project-here");
    await mkdir(elsewhere);
    expect(namesOf(await pluginRows(bin, [], elsewhere))).toEqual([["dagster", "floe-orchestrator-dagster", true]]);
    // Also inside a project that has nothing of floe's: the global plugin is still there.
    expect(namesOf(await pluginRows(bin, [], join(work, "npm-workspaces", "packages", "app")))).toEqual([
      ["dagster", "floe-orchestrator-dagster", true],
    ]);
  });

  it("the repository's own floe, run from a folder without package.json, finds the plugins beside it", async () => {
    const elsewhere = join(work, "no-package-json");
    await mkdir(elsewhere);
    const rows = await pluginRows(process.execPath, [join(repo, "packages/floe-core/bin/floe.js")], elsewhere);
    expect(namesOf(rows)).toEqual([
      ["airflow", "floe-orchestrator-airflow", true],
      ["dagster", "floe-orchestrator-dagster", true],
    ]);
  });

  it("floe-core alone: nothing found, and the hint names where it looked", async () => {
    const alone = join(work, "alone");
    await mkdir(alone);
    await writeFile(join(alone, "package.json"), JSON.stringify({ name: "alone", private: true }));
    await npm(["install", tarballs["floe-core"]], alone);
    const { stdout } = await exec("npx", ["--no", "--", "floe", "plugins"], { cwd: alone, env: userEnv });
    expect(stdout).toContain("no orchestrator plugins found");
    expect(stdout).toContain(join(alone, "package.json"));
    const failed = await exec("npx", ["--no", "--", "floe", "validate-connection", "--orchestrator", "dagster"], {
      cwd: alone,
      env: userEnv,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(
      /^floe: FLOE_PLUGIN_NOT_FOUND at --orchestrator: [^\n]*install one[^\n]*looked in [^\n]*alone\/package\.json[^\n]*\n$/,
    );
  });

  it("Yarn 4 in its default Plug'n'Play mode: yarn floe lists the plugin and loads it", async () => {
    const { stdout: yarnJs } = await exec(join(repo, "scripts/ensure-yarn.sh"), [], { env: userEnv });
    const yarn = (args: string[], cwd: string) =>
      exec(process.execPath, [yarnJs.trim(), ...args], {
        cwd,
        env: {
          ...userEnv,
          YARN_ENABLE_TELEMETRY: "0",
          YARN_NPM_REGISTRY_SERVER: "https://registry.npmjs.org",
          YARN_ENABLE_GLOBAL_CACHE: "1",
          YARN_ENABLE_IMMUTABLE_INSTALLS: "0",
        },
        maxBuffer: 16 * 1024 * 1024,
      });
    const dir = join(work, "yarn-pnp");
    await mkdir(dir);
    await writeFile(
      join(dir, "package.json"),
      JSON.stringify({
        name: "yarn-user",
        private: true,
        dependencies: {
          "floe-core": `file:${tarballs["floe-core"]}`,
          "floe-orchestrator-dagster": `file:${tarballs["floe-orchestrator-dagster"]}`,
        },
      }),
    );
    await yarn(["install"], dir);
    // Plug'n'Play really is in use: no node_modules, a .pnp.cjs.
    await expect(stat(join(dir, "node_modules"))).rejects.toThrow();
    await stat(join(dir, ".pnp.cjs"));

    const { stdout } = await yarn(["floe", "plugins", "--json"], dir);
    expect(namesOf(JSON.parse(stdout) as PluginRow[])).toEqual([["dagster", "floe-orchestrator-dagster", true]]);
    // Loading imports the plugin from Yarn's zip archive: helm-values asks the plugin instance, and
    // only the Dagster plugin answers with the daemon and user-code deployments of Dagster's chart.
    const { stdout: values } = await yarn(["floe", "helm-values", "--orchestrator", "dagster"], dir);
    expect(values).toMatch(/^daemon:$/m);
    expect(values).toMatch(/^userCode:$/m);
  });
});
