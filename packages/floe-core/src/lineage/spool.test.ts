import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeRecord, defaultSpoolDir, encodeRecord, flushSpool, spoolFailed, SpoolWriter } from "./spool.js";
import { formatErrorLine } from "../errors.js";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-spool-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const event = (i: number) => JSON.stringify({ run: { runId: `r${i}` }, eventType: "START", note: "ünïcode ✓" });

describe("spool records", () => {
  it("round-trip, and a torn or altered record is detected", () => {
    const line = encodeRecord(event(1)).trimEnd();
    expect(decodeRecord(line)).toBe(event(1));
    expect(decodeRecord(line.slice(0, -3))).toBeUndefined();
    expect(decodeRecord(line.replace("r1", "r2"))).toBeUndefined();
    expect(decodeRecord("garbage")).toBeUndefined();
  });

  it("defaults to a per-user state directory", () => {
    expect(defaultSpoolDir({ FLOE_LINEAGE_SPOOL_DIR: "/x/y" })).toBe("/x/y");
    expect(defaultSpoolDir({ XDG_STATE_HOME: "/state" })).toBe("/state/floe/lineage-spool");
    expect(defaultSpoolDir({})).toBe(path.join(os.homedir(), ".local/state/floe/lineage-spool"));
  });
});

describe("flushSpool", () => {
  it("removes only what was acknowledged and skips a torn last line", async () => {
    const writer = new SpoolWriter(dir);
    for (let i = 0; i < 10; i++) writer.append(event(i));
    writer.close();
    fs.appendFileSync(writer.file!, encodeRecord(event(99)).slice(0, 25)); // a crash mid-write
    const seen: string[] = [];
    const report = await flushSpool(dir, async (json) => {
      seen.push(json);
      return JSON.parse(json).run.runId !== "r3";
    });
    expect(report).toEqual({ delivered: 9, kept: 1, ignored: [], skipped: 1, files: 1 });
    expect(seen).toHaveLength(10);
    const again: string[] = [];
    const second = await flushSpool(dir, async (json) => (again.push(json), true));
    expect(again).toEqual([event(3)]);
    expect(second).toMatchObject({ delivered: 1, kept: 0 });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("never hands the same event to two concurrent flushes", async () => {
    for (let f = 0; f < 6; f++) {
      const writer = new SpoolWriter(dir);
      for (let i = 0; i < 50; i++) writer.append(event(f * 100 + i));
      writer.close();
    }
    const delivered: string[] = [];
    const deliver = async (json: string) => {
      await new Promise((r) => setTimeout(r, Math.random() * 2));
      delivered.push(JSON.parse(json).run.runId);
      return true;
    };
    const reports = await Promise.all([flushSpool(dir, deliver), flushSpool(dir, deliver), flushSpool(dir, deliver)]);
    expect(reports.reduce((n, r) => n + r.delivered, 0)).toBe(300);
    expect(new Set(delivered).size).toBe(300);
    expect(delivered).toHaveLength(300);
  });

  it("leaves files of a live writer alone", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      const name = `spool-${os
        .hostname()
        .replace(/[^A-Za-z0-9.-]/g, "_")
        .slice(0, 64)}~${child.pid}~1~abcd.jsonl`;
      fs.writeFileSync(path.join(dir, name), encodeRecord(event(1)));
      const report = await flushSpool(dir, async () => true);
      expect(report.files).toBe(0);
      expect(fs.readdirSync(dir)).toEqual([name]);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("reads a spool left by a process SIGKILLed while spooling", async () => {
    // The child runs the built module (Node 20 cannot strip types); `pnpm test` builds first.
    const spoolModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/lineage/spool.js");
    expect(fs.existsSync(spoolModule), `${spoolModule} missing: run pnpm build`).toBe(true);
    const script = `
      const { SpoolWriter } = await import(${JSON.stringify(spoolModule)});
      const w = new SpoolWriter(${JSON.stringify(dir)});
      const pad = "x".repeat(2000);
      for (let i = 0; ; i++) {
        w.append(JSON.stringify({ run: { runId: "k" + i }, eventType: "START", pad }));
        if (i === 20) process.stdout.write("ready\\n");
      }`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
      child.on("exit", (code) => reject(new Error(`writer exited early (${code})`)));
    });
    await new Promise((r) => setTimeout(r, 150));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("close", r));
    const ids: string[] = [];
    const report = await flushSpool(dir, async (json) => (ids.push(JSON.parse(json).run.runId), true));
    expect(report.delivered).toBeGreaterThan(20);
    expect(report.kept).toBe(0);
    expect(report.skipped).toBeLessThanOrEqual(1);
    // Every record before the tear arrived, in order, none twice.
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))).toEqual(ids.map((_, i) => `k${i}`));
  });
});

describe("spool faults", () => {
  it("a spool path that is a file: FLOE_LINEAGE_FAILED saying the event was not kept", () => {
    const file = path.join(dir, "spool");
    fs.writeFileSync(file, "x");
    for (const target of [file, path.join(file, "below")]) {
      const writer = new SpoolWriter(target);
      expect(() => writer.append(event(1))).toThrow(
        expect.objectContaining({ code: "FLOE_LINEAGE_FAILED", path: "FLOE_LINEAGE_SPOOL_DIR" }),
      );
      writer.close();
    }
  });

  it("names each file-system failure in words (immutable, full, read-only)", () => {
    const line = (code: string) =>
      formatErrorLine(spoolFailed("/s", Object.assign(new Error(code), { code }), "the lineage event was not kept"));
    expect(line("EPERM")).toContain(
      "writing there is not permitted (permissions, or an immutable directory); the lineage event was not kept",
    );
    expect(line("ENOSPC")).toContain("the disk is full; the lineage event was not kept");
    expect(line("EROFS")).toContain("the file system is read-only");
    expect(line("EEXIST")).toContain("is a file, not a directory");
  });

  it("flush leaves a FIFO and a directory with spool-like names alone and reports them", async () => {
    const writer = new SpoolWriter(dir);
    writer.append(event(1));
    writer.close();
    fs.mkdirSync(path.join(dir, "spool-h~1~1~aaaaaaaa.jsonl"));
    const fifo = path.join(dir, "claimed-h~2~2~bbbbbbbb.jsonl");
    spawnSyncMkfifo(fifo);
    const report = await flushSpool(dir, async () => true);
    expect(report).toMatchObject({ delivered: 1, kept: 0, files: 1 });
    expect(report.ignored.sort()).toEqual(["claimed-h~2~2~bbbbbbbb.jsonl", "spool-h~1~1~aaaaaaaa.jsonl"]);
  });
});

function spawnSyncMkfifo(file: string): void {
  const r = spawnSync("mkfifo", [file]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}
