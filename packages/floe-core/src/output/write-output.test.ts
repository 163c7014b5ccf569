import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isFloeError } from "../errors.js";
import { OUTPUT_MANIFEST, RETIRE_GRACE_MS, outputLayout, recoverOutputDirectory, writeOutputDirectory } from "./write-output.js";

let dir: string;
let out: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "floe-output-"));
  out = join(dir, "out");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name), `${prefix}${entry.name}/`);
      else files[`${prefix}${entry.name}`] = readFileSync(join(d, entry.name), "utf8");
    }
  };
  walk(root, "");
  delete files[OUTPUT_MANIFEST];
  return files;
}

describe("writeOutputDirectory, plain layout (the default)", () => {
  it("writes <dir> as a real directory with a list of what floe wrote, and replaces it by rename", async () => {
    await writeOutputDirectory(out, [
      { path: "a.py", content: "one" },
      { path: "sub/b.py", content: "two" },
    ]);
    expect(lstatSync(out).isDirectory()).toBe(true);
    expect(tree(out)).toEqual({ "a.py": "one", "sub/b.py": "two" });
    expect(JSON.parse(readFileSync(join(out, OUTPUT_MANIFEST), "utf8"))).toEqual({ writtenBy: "floe", files: ["a.py", "sub/b.py"] });
    // Python's bytecode caches of the generated modules do not make the directory foreign.
    mkdirSync(join(out, "__pycache__"));
    writeFileSync(join(out, "__pycache__", "a.cpython-311.pyc"), "cache");

    await writeOutputDirectory(out, [{ path: "c.py", content: "three" }]);
    expect(lstatSync(out).isDirectory()).toBe(true);
    expect(tree(out)).toEqual({ "c.py": "three" });
    // Nothing is left beside the output.
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  it("writes bytes as given", async () => {
    const bytes = Uint8Array.from([0, 255, 10, 13, 0xc3]);
    await writeOutputDirectory(out, [{ path: "seed.bin", content: bytes }]);
    expect(new Uint8Array(readFileSync(join(out, "seed.bin")))).toEqual(bytes);
  });

  it("refuses (FLOE_OUTPUT_NOT_OWNED, exit-2 class) a non-empty directory floe did not write, touching nothing", async () => {
    mkdirSync(join(out, "docs"), { recursive: true });
    writeFileSync(join(out, "notes.txt"), "mine");
    writeFileSync(join(out, "docs", "plan.md"), "mine too");
    await expect(writeOutputDirectory(out, [{ path: "a.py", content: "x" }])).rejects.toSatisfy(
      (e: unknown) => isFloeError(e, "FLOE_OUTPUT_NOT_OWNED") && e.path === "options.out" && /docs\/plan\.md/.test(e.message),
    );
    expect(tree(out)).toEqual({ "notes.txt": "mine", "docs/plan.md": "mine too" });
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  it("refuses a floe output to which the user added a file, and keeps both", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }]);
    writeFileSync(join(out, "notes.txt"), "mine");
    for (let i = 0; i < 3; i++) {
      await expect(writeOutputDirectory(out, [{ path: "b.py", content: "two" }])).rejects.toSatisfy((e: unknown) =>
        isFloeError(e, "FLOE_OUTPUT_NOT_OWNED"),
      );
    }
    expect(tree(out)).toEqual({ "a.py": "one", "notes.txt": "mine" });
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  it("writes into an empty directory", async () => {
    mkdirSync(out);
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }]);
    expect(tree(out)).toEqual({ "a.py": "one" });
  });

  it("leaves <dir> untouched and nothing staged when a path is invalid", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }]);
    for (const bad of ["../x", "/abs", "a//b", "", "a/./b", "dup", OUTPUT_MANIFEST]) {
      const files =
        bad === "dup"
          ? [
              { path: "z", content: "" },
              { path: "z", content: "" },
            ]
          : [
              { path: "ok.py", content: "" },
              { path: bad, content: "x" },
            ];
      await expect(writeOutputDirectory(out, files)).rejects.toSatisfy((e: unknown) => isFloeError(e, "FLOE_INTERNAL"));
    }
    expect(tree(out)).toEqual({ "a.py": "one" });
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  it("fails with FLOE_OUTPUT_FAILED and leaves <dir> alone when the output cannot be written", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }]);
    await expect(
      writeOutputDirectory(out, [
        { path: "x", content: "file" },
        { path: "x/y", content: "under a file" },
      ]),
    ).rejects.toSatisfy((e: unknown) => isFloeError(e, "FLOE_OUTPUT_FAILED"));
    expect(tree(out)).toEqual({ "a.py": "one" });
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  it("refuses an output path that is a file", async () => {
    writeFileSync(out, "keep me");
    await expect(writeOutputDirectory(out, [{ path: "a", content: "" }])).rejects.toSatisfy((e: unknown) =>
      isFloeError(e, "FLOE_OUTPUT_FAILED"),
    );
    expect(readFileSync(out, "utf8")).toBe("keep me");
  });

  it("puts the old version back when a writer died between its two renames", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "old" }]);
    const { versionsDir } = outputLayout(out);
    mkdirSync(versionsDir);
    // What a writer (pid 999999, dead) killed after moving <dir> aside leaves: its complete new version too.
    renameSync(out, join(versionsDir, "v-1-999999-abcd.previous"));
    mkdirSync(join(versionsDir, "v-2-999999-abcd"));
    await recoverOutputDirectory(out);
    expect(tree(out)).toEqual({ "a.py": "old" });
    await writeOutputDirectory(out, [{ path: "g.py", content: "g" }]);
    expect(tree(out)).toEqual({ "g.py": "g" });
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  it("turns a symlink-layout output into a plain directory", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }], { layout: "symlink" });
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    await writeOutputDirectory(out, [{ path: "b.py", content: "two" }]);
    expect(lstatSync(out).isDirectory()).toBe(true);
    expect(tree(out)).toEqual({ "b.py": "two" });
  });

  it("replaces an output of the symlink layout written before the file list existed, but not a legacy directory", async () => {
    const { versionsDir } = outputLayout(out);
    mkdirSync(join(versionsDir, "v-1-999999-abcd"), { recursive: true });
    writeFileSync(join(versionsDir, "v-1-999999-abcd", "definitions.py"), "old floe");
    symlinkSync(".out.floe/v-1-999999-abcd", out);
    await writeOutputDirectory(out, [{ path: "new.py", content: "new" }]);
    expect(tree(out)).toEqual({ "new.py": "new" });

    rmSync(out, { recursive: true });
    mkdirSync(join(versionsDir, "legacy"), { recursive: true });
    writeFileSync(join(versionsDir, "legacy", "notes.txt"), "the user's");
    symlinkSync(".out.floe/legacy", out);
    await expect(writeOutputDirectory(out, [{ path: "a", content: "" }])).rejects.toSatisfy((e: unknown) =>
      isFloeError(e, "FLOE_OUTPUT_NOT_OWNED"),
    );
    expect(tree(out)).toEqual({ "notes.txt": "the user's" });
  });

  it("refuses a symlink it did not make", async () => {
    mkdirSync(join(dir, "elsewhere"));
    symlinkSync("elsewhere", out);
    await expect(writeOutputDirectory(out, [{ path: "a", content: "" }])).rejects.toSatisfy((e: unknown) =>
      isFloeError(e, "FLOE_OUTPUT_NOT_OWNED"),
    );
    expect(readlinkSync(out)).toBe("elsewhere");
  });
});

describe("writeOutputDirectory, symlink layout", () => {
  const symlinkLayout = { layout: "symlink" } as const;

  it("creates <dir> as a symlink to a complete version and replaces it on the next write", async () => {
    await writeOutputDirectory(
      out,
      [
        { path: "a.py", content: "one" },
        { path: "sub/b.py", content: "two" },
      ],
      symlinkLayout,
    );
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(readlinkSync(out)).toMatch(/^\.out\.floe\/v-/);
    expect(tree(out)).toEqual({ "a.py": "one", "sub/b.py": "two" });

    await writeOutputDirectory(out, [{ path: "c.py", content: "three" }], symlinkLayout);
    expect(tree(out)).toEqual({ "c.py": "three" });
    await writeOutputDirectory(out, [{ path: "d.py", content: "four" }], symlinkLayout);
    // Versions younger than the grace period stay for slow readers.
    expect(readdirSync(outputLayout(out).versionsDir)).toHaveLength(3);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + RETIRE_GRACE_MS + 1_000);
      await writeOutputDirectory(out, [{ path: "e.py", content: "five" }], symlinkLayout);
    } finally {
      vi.useRealTimers();
    }
    // Past it, the current and the previous version are kept; older ones and leftovers are gone.
    expect(readdirSync(outputLayout(out).versionsDir)).toHaveLength(2);
    expect(tree(out)).toEqual({ "e.py": "five" });
  });

  it("refuses a version to which the user added a file", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }], symlinkLayout);
    writeFileSync(join(out, "notes.txt"), "mine");
    await expect(writeOutputDirectory(out, [{ path: "b.py", content: "two" }], symlinkLayout)).rejects.toSatisfy((e: unknown) =>
      isFloeError(e, "FLOE_OUTPUT_NOT_OWNED"),
    );
    expect(tree(out)).toEqual({ "a.py": "one", "notes.txt": "mine" });
  });

  it("leaves <dir> untouched and nothing staged when a path is invalid", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }], symlinkLayout);
    const link = readlinkSync(out);
    await expect(
      writeOutputDirectory(
        out,
        [
          { path: "ok.py", content: "" },
          { path: "../x", content: "x" },
        ],
        symlinkLayout,
      ),
    ).rejects.toSatisfy((e: unknown) => isFloeError(e, "FLOE_INTERNAL"));
    expect(readlinkSync(out)).toBe(link);
    expect(readdirSync(outputLayout(out).versionsDir).filter((e) => e.endsWith(".staging"))).toEqual([]);
  });

  it("migrates a floe-written plain directory, keeping it until the next write", async () => {
    await writeOutputDirectory(out, [{ path: "old/gen.py", content: "plain" }]);
    await writeOutputDirectory(out, [{ path: "new.py", content: "generated" }], symlinkLayout);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(tree(out)).toEqual({ "new.py": "generated" });
    expect(tree(outputLayout(out).legacyDir)).toEqual({ "old/gen.py": "plain" });
    await writeOutputDirectory(out, [{ path: "newer.py", content: "again" }], symlinkLayout);
    expect(existsSync(outputLayout(out).legacyDir)).toBe(false);
  });

  it("refuses to migrate a directory of the user's files", async () => {
    mkdirSync(out);
    writeFileSync(join(out, "hand.py"), "by hand");
    await expect(writeOutputDirectory(out, [{ path: "new.py", content: "generated" }], symlinkLayout)).rejects.toSatisfy((e: unknown) =>
      isFloeError(e, "FLOE_OUTPUT_NOT_OWNED"),
    );
    expect(tree(out)).toEqual({ "hand.py": "by hand" });
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  it("recovers <dir> when a writer died between the two renames of the migration", async () => {
    await writeOutputDirectory(out, [{ path: "gen.py", content: "plain" }]);
    const { versionsDir, legacyDir } = outputLayout(out);
    mkdirSync(versionsDir);
    renameSync(out, legacyDir); // what a killed first run leaves behind
    await recoverOutputDirectory(out);
    expect(tree(out)).toEqual({ "gen.py": "plain" });
    // And the next write starts from the recovered state.
    await writeOutputDirectory(out, [{ path: "g.py", content: "g" }], symlinkLayout);
    expect(tree(out)).toEqual({ "g.py": "g" });
  });

  it("removes the staging leftovers of dead writers but not unknown files", async () => {
    const { versionsDir } = outputLayout(out);
    mkdirSync(join(versionsDir, "v-1-999999-abcd.staging"), { recursive: true });
    mkdirSync(join(versionsDir, "v-1-999998-abcd"), { recursive: true });
    writeFileSync(join(versionsDir, "notes.txt"), "mine");
    await writeOutputDirectory(out, [{ path: "a", content: "a" }], symlinkLayout);
    expect(readdirSync(versionsDir).sort()).toEqual(["notes.txt", readlinkSync(out).split("/")[1]].sort());
  });
});
