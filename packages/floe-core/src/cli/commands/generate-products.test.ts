/**
 * `floe generate a.json b.json …` in-process, against hand-made plugin packages: a 1.1 plugin without
 * the products capability (refused with several files, unchanged with one) and a 1.2 plugin with it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFloe } from "floe-test-utils/floe-cli";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "floe-generate-products-"));
  const plugins = {
    single:
      'export class P { name = "single"; version = "1.0.0"; floeApiVersion = "1.1";\n' +
      '  generate(a, o = {}) { return { files: [{ path: "one.txt", content: `${a.metadata.product_name} ${o.dbtProjectDir}\\n` }], warnings: [] }; } }\n',
    multi:
      'export class P { name = "multi"; version = "1.0.0"; floeApiVersion = "1.2";\n' +
      '  generate(a, o = {}) { return { files: [{ path: "one.txt", content: `${a.metadata.product_name}\\n` }], warnings: [] }; }\n' +
      "  products = { generate: (ps, o = {}) => ({ files: ps.map((p) => ({ path: `${p.artifacts.metadata.product_name}.txt`, content: `${p.dbtProjectDir} ${JSON.stringify(p.artifacts.orchestration?.consumes ?? [])} ${JSON.stringify(o)}\\n` })), warnings: [] }) }; }\n",
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "p", dependencies: { single: "*", multi: "*" } }));
  for (const [name, code] of Object.entries(plugins)) {
    const pdir = join(dir, "node_modules", name);
    mkdirSync(pdir, { recursive: true });
    writeFileSync(
      join(pdir, "package.json"),
      JSON.stringify({
        name,
        version: "1.0.0",
        type: "module",
        "floe.orchestrators": { [name]: "./index.js#P" },
        "floe.apiVersion": name === "single" ? "1.1" : "1.2",
      }),
    );
    writeFileSync(join(pdir, "index.js"), code);
  }
  for (const p of ["proj_a", "proj_b"]) {
    mkdirSync(join(dir, p));
    writeFileSync(join(dir, p, "dbt_project.yml"), "name: x\n");
  }
  const base = JSON.parse(readFileSync(new URL("../../../../../examples/jaffle_shop/compiled_artifacts.json", import.meta.url), "utf8"));
  const product = (name: string, orchestration: unknown) => ({
    ...base,
    metadata: { ...base.metadata, product_name: name },
    orchestration,
  });
  write("a.json", product("a", null));
  write("b.json", product("b", { consumes: [{ product: "a", models: ["orders", "customers"] }] }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(file: string, value: unknown): void {
  writeFileSync(join(dir, file), JSON.stringify(value));
}

const floe = (argv: string[]) => runFloe(argv, { cwd: dir });

const gen = (files: string[], orchestrator: string, ...rest: string[]) =>
  floe(["generate", ...files, "--orchestrator", orchestrator, "--out", "out", ...rest]);

describe("floe generate with several artifacts files", () => {
  it("hands every product with its own dbt project to the plugin's products capability", async () => {
    const r = await gen(["a.json", "b.json"], "multi", "--dbt-project", "proj_a", "--dbt-project", "proj_b", "--execution-mode", "build");
    expect(r).toMatchObject({ code: 0, stderr: "", stdout: "wrote 2 files for multi to out\n" });
    expect(readFileSync(join(dir, "out/a.txt"), "utf8")).toBe('../proj_a [] {"pluginOptions":{"executionMode":"build"}}\n');
    expect(readFileSync(join(dir, "out/b.txt"), "utf8")).toBe(
      '../proj_b [{"product":"a","models":["orders","customers"]}] {"pluginOptions":{"executionMode":"build"}}\n',
    );
    // One --dbt-project serves every file.
    expect((await gen(["a.json", "b.json"], "multi", "--dbt-project", "proj_a")).code).toBe(0);
    expect(readFileSync(join(dir, "out/b.txt"), "utf8")).toMatch(/^\.\.\/proj_a /);
  });

  it("one file goes through generate exactly as before, for a plugin with or without the capability", async () => {
    for (const name of ["single", "multi"]) {
      const r = await gen(["a.json"], name, "--dbt-project", "proj_b", "--dbt-project", "proj_a");
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(readFileSync(join(dir, "out/one.txt"), "utf8")).toMatch(/^a/);
    }
  });

  const refusals: Array<[string, () => void, string[], string[], RegExp]> = [
    [
      "a plugin without the products capability",
      () => undefined,
      ["a.json", "b.json"],
      ["--orchestrator", "single", "--dbt-project", "proj_a"],
      /^floe: FLOE_USAGE at argument 2: the single plugin generates one product per output \(hint: [^\n]*\)\n$/,
    ],
    [
      "two files of one product",
      () => write("c.json", JSON.parse(readFileSync(join(dir, "a.json"), "utf8"))),
      ["a.json", "c.json"],
      ["--orchestrator", "multi", "--dbt-project", "proj_a"],
      /^floe: FLOE_ARTIFACTS_INVALID at c\.json: metadata\.product_name: product "a" is also the product of a\.json \(hint: [^\n]*\)\n$/,
    ],
    [
      "a consumed product not generated with it (one file)",
      () => undefined,
      ["b.json"],
      ["--orchestrator", "multi", "--dbt-project", "proj_a"],
      /^floe: FLOE_ARTIFACTS_INVALID at product "b": orchestration\.consumes\[0\]\.product: consumed product "a" is not generated in this output \(hint: [^\n]*\)\n$/,
    ],
    [
      "a consumed model the product does not have",
      () => {
        const b = JSON.parse(readFileSync(join(dir, "b.json"), "utf8"));
        b.orchestration.consumes[0].models = ["orders", "nope"];
        write("b.json", b);
      },
      ["a.json", "b.json"],
      ["--orchestrator", "multi", "--dbt-project", "proj_a"],
      /^floe: FLOE_ARTIFACTS_INVALID at b\.json: orchestration\.consumes\[0\]\.models\[1\]: product "a" has no model "nope" \(hint: [^\n]*\)\n$/,
    ],
    [
      "products consuming each other",
      () => {
        const a = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
        a.orchestration = { consumes: [{ product: "b", models: ["orders"] }] };
        write("a.json", a);
      },
      ["a.json", "b.json"],
      ["--orchestrator", "multi", "--dbt-project", "proj_a"],
      /^floe: FLOE_ARTIFACTS_INVALID at a\.json: orchestration\.consumes: data-triggered runs would loop: "a" consumed by "b" consumed by "a" \(hint: [^\n]*\)\n$/,
    ],
    [
      "a consumer whose default job also has a schedule",
      () => {
        const b = JSON.parse(readFileSync(join(dir, "b.json"), "utf8"));
        b.orchestration.schedules = [{ job: "b", cron: "@daily" }];
        write("b.json", b);
      },
      ["a.json", "b.json"],
      ["--orchestrator", "multi", "--dbt-project", "proj_a"],
      /^floe: FLOE_ARTIFACTS_INVALID at b\.json: orchestration\.schedules\[0\]\.job: product "b" runs when the products it consumes update, and has a schedule too/,
    ],
    [
      "three --dbt-project for two files",
      () => undefined,
      ["a.json", "b.json"],
      ["--orchestrator", "multi", "--dbt-project", "proj_a", "--dbt-project", "proj_a", "--dbt-project", "proj_b"],
      /^floe: FLOE_USAGE at --dbt-project: 3 --dbt-project for 2 artifacts files/,
    ],
    [
      "--bundle-dbt-project with several products",
      () => undefined,
      ["a.json", "b.json"],
      ["--orchestrator", "multi", "--dbt-project", "proj_a", "--bundle-dbt-project"],
      /^floe: FLOE_USAGE at --bundle-dbt-project: /,
    ],
  ];
  it.each(refusals)("refuses %s: exit 2, one line, nothing written", async (_, setup, files, rest, line) => {
    setup();
    const r = await floe(["generate", ...files, "--out", "out", ...rest]);
    expect(r.stderr).toMatch(line);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
