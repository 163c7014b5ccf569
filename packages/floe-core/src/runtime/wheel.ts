/**
 * A deterministic Python wheel (PEP 427) from pure-Python sources: a zip of the package files and a
 * `<name>-<version>.dist-info/` with METADATA, WHEEL and RECORD. Entries are stored (not compressed)
 * with a fixed 1980-01-01 timestamp, in a fixed order, so the same sources give the same bytes on every
 * machine and Node.js version (no zlib involved). Pure.
 */
import { createHash } from "node:crypto";

export interface WheelFile {
  /** Path inside the wheel, `/`-separated. */
  path: string;
  content: Uint8Array;
}

export interface WheelSpec {
  /** The distribution name as pip shows it (`floe-runtime`). */
  name: string;
  version: string;
  /** METADATA (core metadata 2.1) without the trailing description body. */
  metadata: string;
  /** Long description (README), after the blank line of METADATA. */
  description?: string;
  /** What wrote the wheel, for the WHEEL file. */
  generator: string;
  /** Files of the importable package(s), e.g. `floe_runtime/__init__.py`. */
  files: ReadonlyArray<WheelFile>;
  /** Extra files of the dist-info directory (a license), relative to it. */
  distInfoFiles?: ReadonlyArray<WheelFile>;
}

/** `floe-runtime` → `floe_runtime`: the file-name form of a distribution name (PEP 427/503). */
export function wheelNamePart(name: string): string {
  return name.replace(/[-_.]+/g, "_").toLowerCase();
}

/** `floe_runtime-0.1.0-py3-none-any.whl`: a pure-Python wheel for any Python 3. */
export function pureWheelFileName(name: string, version: string): string {
  return `${wheelNamePart(name)}-${version}-py3-none-any.whl`;
}

const encoder = new TextEncoder();

function recordHash(content: Uint8Array): string {
  return `sha256=${createHash("sha256").update(content).digest("base64url")}`;
}

/** The wheel's bytes. */
export function buildPureWheel(spec: WheelSpec): Uint8Array {
  const distInfo = `${wheelNamePart(spec.name)}-${spec.version}.dist-info`;
  const metadata = `${spec.metadata.trimEnd()}\n${spec.description ? `\n${spec.description}` : ""}`;
  const wheel = ["Wheel-Version: 1.0", `Generator: ${spec.generator}`, "Root-Is-Purelib: true", "Tag: py3-none-any", ""].join("\n");
  const entries: WheelFile[] = [
    ...[...spec.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    ...(spec.distInfoFiles ?? []).map((f) => ({ path: `${distInfo}/${f.path}`, content: f.content })),
    { path: `${distInfo}/METADATA`, content: encoder.encode(metadata) },
    { path: `${distInfo}/WHEEL`, content: encoder.encode(wheel) },
  ];
  const record = [...entries.map((e) => `${e.path},${recordHash(e.content)},${e.content.length}`), `${distInfo}/RECORD,,`, ""].join("\n");
  entries.push({ path: `${distInfo}/RECORD`, content: encoder.encode(record) });
  return storedZip(entries);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// 1980-01-01 00:00:00 in MS-DOS form: the zip epoch, the same for every build.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
// Version made by: Unix (3), zip 2.0; external attributes: a regular file, rw-r--r--.
const MADE_BY = (3 << 8) | 20;
const FILE_ATTRIBUTES = ((0o100644 << 16) >>> 0) as number;

/** A zip archive of `entries`, stored uncompressed (method 0), UTF-8 names. */
function storedZip(entries: ReadonlyArray<WheelFile>): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.path, "utf8");
    const crc = crc32(entry.content);
    const size = entry.content.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    chunks.push(local, name, Buffer.from(entry.content));
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(MADE_BY, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(size, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(0, 30); // extra
    header.writeUInt16LE(0, 32); // comment
    header.writeUInt16LE(0, 34); // disk
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE(FILE_ATTRIBUTES, 38);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += local.length + name.length + size;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return new Uint8Array(Buffer.concat([...chunks, ...central, end]));
}
