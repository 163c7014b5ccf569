// The corpus's reference cache (harness.ts cachedReference/referenceKey): a passing reference is reused for equal
// inputs, a failed one never kept, any input change is a new key, FLOE_CORPUS_REFERENCE_CACHE=0 always recomputes.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cachedReference, referenceKey, type Venvs } from "./harness.js";

const work = mkdtempSync(join(tmpdir(), "floe-reference-cache-"));
const venv = join(work, "venv-dagster-0123");
mkdirSync(venv);
const venvs: Venvs = { dagster: venv, airflow: join(work, "venv-airflow") };
const project = { name: "jaffle_shop_duckdb" };

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("corpus reference cache", () => {
  let cache: string;
  beforeEach(() => {
    writeFileSync(join(venv, ".floe-freeze.txt"), "dbt-core==1.11.0\nduckdb==1.4.0\n");
    cache = mkdtempSync(join(work, "cache-"));
    vi.stubEnv("FLOE_CACHE_DIR", cache);
    vi.stubEnv("FLOE_CORPUS_REFERENCE_CACHE", undefined);
  });
  afterEach(() => vi.unstubAllEnvs());

  it("computes a passing reference once and then reads it back, marked cached", async () => {
    const compute = vi.fn(async () => ({ ok: true, relations: { "main.orders": { rows: 99 } } }));
    const first = await cachedReference(venvs, ["dbt build", project], compute);
    const second = await cachedReference(venvs, ["dbt build", project], compute);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(first).toEqual({ ok: true, relations: { "main.orders": { rows: 99 } } });
    expect(second).toEqual({ ...first, cached: true });
    expect(readdirSync(join(cache, "corpus-reference"))).toHaveLength(1);
  });

  it("never keeps a failed reference", async () => {
    const compute = vi.fn(async () => ({ ok: false, relations: {} }));
    await cachedReference(venvs, ["dbt build", project], compute);
    await cachedReference(venvs, ["dbt build", project], compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it("recomputes every time with FLOE_CORPUS_REFERENCE_CACHE=0", async () => {
    vi.stubEnv("FLOE_CORPUS_REFERENCE_CACHE", "0");
    const compute = vi.fn(async () => ({ ok: true }));
    await cachedReference(venvs, ["dbt build", project], compute);
    await cachedReference(venvs, ["dbt build", project], compute);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it("keys on what is built (command, project and its options) and on the installed packages", () => {
    const key = referenceKey(venvs, ["dbt build", project]);
    expect(referenceKey(venvs, ["dbt build", project])).toBe(key);
    expect(referenceKey(venvs, ["dbt build", { name: "model_version" }])).not.toBe(key);
    expect(referenceKey(venvs, ["dbt build", { ...project, env: { X: "1" } }])).not.toBe(key);
    expect(referenceKey(venvs, ["dbt build --exclude orders", project])).not.toBe(key);
    writeFileSync(join(venv, ".floe-freeze.txt"), "dbt-core==1.11.1\nduckdb==1.4.0\n");
    expect(referenceKey(venvs, ["dbt build", project])).not.toBe(key);
  });

  it("keys on the day", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2026-12-02T23:59:00Z"));
      const today = referenceKey(venvs, ["dbt build", project]);
      vi.setSystemTime(new Date("2026-12-03T00:01:00Z"));
      expect(referenceKey(venvs, ["dbt build", project])).not.toBe(today);
    } finally {
      vi.useRealTimers();
    }
  });
});
