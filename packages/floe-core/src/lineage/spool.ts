/**
 * The on-disk spool for lineage events that could not be delivered. Each process appends to its own
 * file; every record is one line `<bytes>:<crc32>:<json>` written with O_APPEND and fsync'd, so a crash
 * mid-write leaves at most one torn last line, which readers detect by length and checksum and skip.
 * A flush claims a file by renaming it (atomic: two flushes never read the same file), redelivers,
 * writes what was not acknowledged to a fresh spool file, and only then deletes the claimed one.
 */
import { createReadStream, promises as fsp } from "node:fs";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { crc32 } from "node:zlib";
import { randomBytes } from "node:crypto";
import { isProcessAlive } from "../process-alive.js";
import { FloeError } from "../errors.js";
import { shortInput } from "../redact.js";

const SPOOL_PREFIX = "spool-";
const CLAIM_PREFIX = "claimed-";
const SUFFIX = ".jsonl";

/** FLOE_LINEAGE_SPOOL_DIR, else $XDG_STATE_HOME/floe/lineage-spool, else ~/.local/state/floe/lineage-spool. */
export function defaultSpoolDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOE_LINEAGE_SPOOL_DIR) return path.resolve(env.FLOE_LINEAGE_SPOOL_DIR);
  const state = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), ".local", "state");
  return path.join(state, "floe", "lineage-spool");
}

export function encodeRecord(json: string): string {
  const bytes = Buffer.from(json, "utf8");
  return `${bytes.length}:${crc32(bytes).toString(16).padStart(8, "0")}:${json}\n`;
}

/** The JSON of a record line, or undefined when the line is torn or corrupt. */
export function decodeRecord(line: string): string | undefined {
  const first = line.indexOf(":");
  const second = first < 0 ? -1 : line.indexOf(":", first + 1);
  if (first <= 0 || second < 0) return undefined;
  const length = Number(line.slice(0, first));
  const checksum = line.slice(first + 1, second);
  const json = line.slice(second + 1);
  const bytes = Buffer.from(json, "utf8");
  if (!Number.isInteger(length) || bytes.length !== length) return undefined;
  if (crc32(bytes).toString(16).padStart(8, "0") !== checksum) return undefined;
  return json;
}

const hostTag =
  os
    .hostname()
    .replace(/[^A-Za-z0-9.-]/g, "_")
    .slice(0, 64) || "host";

function ownFileName(prefix: string): string {
  return `${prefix}${hostTag}~${process.pid}~${Date.now()}~${randomBytes(4).toString("hex")}${SUFFIX}`;
}

/** One line on what is wrong with the spool directory, from the file-system error. */
export function spoolFailed(dir: string, error: unknown, consequence: string): FloeError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const what =
    code === "EEXIST" || code === "ENOTDIR"
      ? "it (or a folder above it) is a file, not a directory"
      : code === "EACCES" || code === "EPERM"
        ? "writing there is not permitted (permissions, or an immutable directory)"
        : code === "ENOSPC" || code === "EDQUOT"
          ? "the disk is full"
          : code === "EROFS"
            ? "the file system is read-only"
            : `the file system said ${code || (error as Error).message}`;
  return new FloeError("FLOE_LINEAGE_FAILED", `cannot use the lineage spool ${shortInput(dir)}: ${what}; ${consequence}`, {
    path: "FLOE_LINEAGE_SPOOL_DIR",
    hint: "point FLOE_LINEAGE_SPOOL_DIR at a writable directory with free space",
    cause: error,
  });
}

/** The host and pid a spool or claim file name carries. */
function fileOwner(name: string): { host: string; pid: number } | undefined {
  const match = /^(?:spool-|claimed-)([^~]+)~(\d+)~/.exec(name);
  return match ? { host: match[1]!, pid: Number(match[2]) } : undefined;
}

/** Appends records to this process's own spool file; each append is fsync'd before it returns. */
export class SpoolWriter {
  private fd: number | undefined;
  private filePath: string | undefined;

  constructor(readonly dir: string) {}

  /** Throws FLOE_LINEAGE_FAILED, saying the event was not kept, when the spool cannot take it. */
  append(json: string): void {
    try {
      if (this.fd === undefined) {
        fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        this.filePath = path.join(this.dir, ownFileName(SPOOL_PREFIX));
        this.fd = fs.openSync(this.filePath, "a", 0o600);
      }
      fs.writeSync(this.fd, encodeRecord(json));
      fs.fsyncSync(this.fd);
    } catch (error) {
      throw spoolFailed(this.dir, error, "the lineage event was not kept");
    }
  }

  get file(): string | undefined {
    return this.filePath;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface FlushReport {
  delivered: number;
  kept: number;
  /** Entries with a spool-like name that are not regular files (a FIFO, a directory…), left alone. */
  ignored: string[];
  /** Torn or corrupt lines skipped (a torn last line is what a crash mid-write leaves). */
  skipped: number;
  files: number;
}

/**
 * Redelivers every spooled event through `deliver` (resolves true when the backend acknowledged it).
 * Files still being written by a live process on this host are left alone; files of dead processes
 * and abandoned claims are taken over.
 */
export async function flushSpool(
  dir: string,
  deliver: (json: string) => Promise<boolean>,
  options: { concurrency?: number } = {},
): Promise<FlushReport> {
  const report: FlushReport = { delivered: 0, kept: 0, ignored: [], skipped: 0, files: 0 };
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return report;
    throw spoolFailed(dir, error, "nothing was flushed");
  }
  const writer = new SpoolWriter(dir);
  try {
    for (const name of names.sort()) {
      if (!name.endsWith(SUFFIX) || !(name.startsWith(SPOOL_PREFIX) || name.startsWith(CLAIM_PREFIX))) continue;
      const owner = fileOwner(name);
      if (owner && owner.host === hostTag && owner.pid !== process.pid && isProcessAlive(owner.pid)) continue;
      // Only regular files: reading a FIFO would block forever, and a directory would stop every later flush.
      const info = await fsp.lstat(path.join(dir, name)).catch(() => undefined);
      if (!info) continue; // another flush claimed it
      if (!info.isFile()) {
        report.ignored.push(name);
        continue;
      }
      const claimed = path.join(dir, ownFileName(CLAIM_PREFIX));
      try {
        await fsp.rename(path.join(dir, name), claimed);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // another flush claimed it
        throw spoolFailed(dir, error, "the spooled events stay where they are");
      }
      report.files++;
      await redeliverFile(claimed, deliver, writer, report, options.concurrency ?? 8);
      await fsp.unlink(claimed);
    }
  } finally {
    writer.close();
  }
  return report;
}

async function redeliverFile(
  file: string,
  deliver: (json: string) => Promise<boolean>,
  writer: SpoolWriter,
  report: FlushReport,
  concurrency: number,
): Promise<void> {
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  const inFlight = new Set<Promise<void>>();
  for await (const line of lines) {
    if (line === "") continue;
    const json = decodeRecord(line);
    if (json === undefined) {
      report.skipped++;
      continue;
    }
    const task = deliver(json)
      .catch(() => false)
      .then((ok) => {
        if (ok) report.delivered++;
        else {
          writer.append(json);
          report.kept++;
        }
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}
