#!/usr/bin/env node
// Lineage throughput: events/s from floe-core's lineage client to a loopback OpenLineage backend
// (a separate process), and memory (RSS, heap) sampled across the run. Prints numbers; asserts nothing.
//
// Reproduce:  pnpm build && node bench/lineage-throughput.mjs [events=100000] [concurrency=16] [--gzip]
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { createLineageClient } = await import(path.join(root, "packages/floe-core/dist/index.js"));

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const total = Number(args[0] ?? 100_000);
const concurrency = Number(args[1] ?? 16);
const gzip = process.argv.includes("--gzip");

// The backend: accepts every POST with 201 and counts them; runs in its own process so it does not
// share the client's event loop.
const backendSource = `
  const http = require("node:http");
  let count = 0;
  const server = http.createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => { count++; res.writeHead(201).end(); });
  });
  server.keepAliveTimeout = 30000;
  server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
  process.on("message", () => process.send(count));
`;
const backend = spawn(process.execPath, ["-e", backendSource], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
const port = await new Promise((resolve) => backend.stdout.once("data", (d) => resolve(Number(String(d).trim()))));

const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-lineage-bench-"));
const client = createLineageClient({ url: `http://127.0.0.1:${port}`, namespace: "bench", spoolDir, concurrency, gzip, transport: "http" });

const inputs = [{ namespace: "duckdb://warehouse.duckdb", name: "warehouse.main.raw_orders" }];
const outputs = [{ namespace: "duckdb://warehouse.duckdb", name: "warehouse.main.orders" }];
const samples = [];
const mb = (n) => (n / 1024 / 1024).toFixed(1);
function sample(done) {
  const m = process.memoryUsage();
  samples.push({ done, rss: m.rss, heap: m.heapUsed });
}

const statuses = { delivered: 0, spooled: 0 };
const window = concurrency * 4; // events being built/sent at once; the transport's semaphore bounds requests
const started = process.hrtime.bigint();
let next = 0;
let finished = 0;
sample(0);
async function worker() {
  while (next < total) {
    const i = next++;
    const result = await client.emit(i % 2 ? "COMPLETE" : "START", `job_${i % 100}`, inputs, outputs);
    statuses[result.status] = (statuses[result.status] ?? 0) + 1;
    finished++;
    if (finished % Math.max(1, Math.floor(total / 20)) === 0) sample(finished);
  }
}
await Promise.all(Array.from({ length: window }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
sample(finished);
await client.close();
backend.send("count");
const received = await new Promise((resolve) => backend.once("message", resolve));
backend.kill();
fs.rmSync(spoolDir, { recursive: true, force: true });

console.log(
  `floe lineage throughput: ${total} events, concurrency ${concurrency}, gzip ${gzip}, node ${process.version}, ${os.cpus().length} CPUs`,
);
console.log(
  `  ${(total / seconds).toFixed(0)} events/s  (${seconds.toFixed(2)} s; delivered ${statuses.delivered}, spooled ${statuses.spooled}, backend received ${received})`,
);
console.log("  memory across the run (events done: RSS MiB / heap used MiB):");
console.log(`   ${samples.map((s) => `${s.done}: ${mb(s.rss)}/${mb(s.heap)}`).join("\n   ")}`);
const tail = samples.slice(Math.floor(samples.length / 2));
const heaps = tail.map((s) => s.heap);
console.log(`  heap used over the second half: min ${mb(Math.min(...heaps))} MiB, max ${mb(Math.max(...heaps))} MiB`);
console.log("  reproduce: pnpm build && node bench/lineage-throughput.mjs 100000 16");
