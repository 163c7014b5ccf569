import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFloeError } from "../errors.js";
import { outputLayout, recoverOutputDirectory, writeOutputDirectory } from "./write-output.js";

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
  return files;
}

describe("writeOutputDirectory", () => {
  it("creates <dir> as a symlink to a complete version and replaces it on the next write", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }, { path: "sub/b.py", content: "two" }]);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(readlinkSync(out)).toMatch(/^\.out\.floe\/v-/);
    expect(tree(out)).toEqual({ "a.py": "one", "sub/b.py": "two" });

    await writeOutputDirectory(out, [{ path: "c.py", content: "three" }]);
    expect(tree(out)).toEqual({ "c.py": "three" });
    await writeOutputDirectory(out, [{ path: "d.py", content: "four" }]);
    // The current and the previous version are kept; older ones and leftovers are gone.
    expect(readdirSync(outputLayout(out).versionsDir)).toHaveLength(2);
  });

  it("leaves <dir> untouched and nothing staged when a path is invalid", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }]);
    const link = readlinkSync(out);
    for (const bad of ["../x", "/abs", "a//b", "", "a/./b", "dup"]) {
      const files = bad === "dup" ? [{ path: "z", content: "" }, { path: "z", content: "" }] : [{ path: "ok.py", content: "" }, { path: bad, content: "x" }];
      await expect(writeOutputDirectory(out, files)).rejects.toSatisfy((e: unknown) => isFloeError(e, "FLOE_INTERNAL"));
    }
    expect(readlinkSync(out)).toBe(link);
    expect(tree(out)).toEqual({ "a.py": "one" });
    expect(readdirSync(outputLayout(out).versionsDir).filter((e) => e.endsWith(".staging"))).toEqual([]);
  });

  it("fails with FLOE_OUTPUT_FAILED and leaves <dir> alone when the output cannot be written", async () => {
    await writeOutputDirectory(out, [{ path: "a.py", content: "one" }]);
    // A file where a directory must be created makes the staging write fail midway.
    await expect(
      writeOutputDirectory(out, [{ path: "x", content: "file" }, { path: "x/y", content: "under a file" }]),
    ).rejects.toSatisfy((e: unknown) => isFloeError(e, "FLOE_OUTPUT_FAILED"));
    expect(tree(out)).toEqual({ "a.py": "one" });
    expect(readdirSync(outputLayout(out).versionsDir).filter((e) => e.endsWith(".staging"))).toEqual([]);
  });

  it("refuses an output path that is a file", async () => {
    writeFileSync(out, "keep me");
    await expect(writeOutputDirectory(out, [{ path: "a", content: "" }])).rejects.toSatisfy((e: unknown) => isFloeError(e, "FLOE_OUTPUT_FAILED"));
    expect(readFileSync(out, "utf8")).toBe("keep me");
  });

  it("migrates a pre-existing real directory, keeping it until the next write", async () => {
    mkdirSync(join(out, "old"), { recursive: true });
    writeFileSync(join(out, "old", "hand.py"), "by hand");
    await writeOutputDirectory(out, [{ path: "new.py", content: "generated" }]);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(tree(out)).toEqual({ "new.py": "generated" });
    expect(tree(outputLayout(out).legacyDir)).toEqual({ "old/hand.py": "by hand" });
    await writeOutputDirectory(out, [{ path: "newer.py", content: "again" }]);
    expect(existsSync(outputLayout(out).legacyDir)).toBe(false);
  });

  it("recovers <dir> when a writer died between the two renames of the migration", async () => {
    mkdirSync(out);
    writeFileSync(join(out, "hand.py"), "by hand");
    const { versionsDir, legacyDir } = outputLayout(out);
    mkdirSync(versionsDir);
    renameSync(out, legacyDir); // what a killed first run leaves behind
    await recoverOutputDirectory(out);
    expect(tree(out)).toEqual({ "hand.py": "by hand" });
    // And the next write starts from the recovered state.
    await writeOutputDirectory(out, [{ path: "g.py", content: "g" }]);
    expect(tree(out)).toEqual({ "g.py": "g" });
  });

  it("removes the staging leftovers of dead writers but not unknown files", async () => {
    const { versionsDir } = outputLayout(out);
    mkdirSync(join(versionsDir, "v-1-999999-abcd.staging"), { recursive: true });
    mkdirSync(join(versionsDir, "v-1-999998-abcd"), { recursive: true });
    writeFileSync(join(versionsDir, "notes.txt"), "mine");
    await writeOutputDirectory(out, [{ path: "a", content: "a" }]);
    expect(readdirSync(versionsDir).sort()).toEqual(["notes.txt", readlinkSync(out).split("/")[1]].sort());
  });
});
