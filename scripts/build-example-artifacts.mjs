// Rebuilds examples/jaffle_shop/compiled_artifacts.json: `dbt parse` on a temporary copy of the
// example (the dagster venv's dbt), then `floe artifacts from-dbt`. With --check it writes nothing and
// exits 1 when the committed copy differs from a fresh build. Needs `pnpm build` (uses bin/floe.js).
//
//   node scripts/build-example-artifacts.mjs [--check]
//
// compiled_at is pinned (--compiled-at) and source_hash is a hash of the models floe read, so a
// rebuild of an unchanged project is byte-identical.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const EXAMPLE_DIR = join(root, "examples", "jaffle_shop");
export const EXAMPLE_ARTIFACTS = join(EXAMPLE_DIR, "compiled_artifacts.json");
export const EXAMPLE_COMPILED_AT = "2026-01-01T00:00:00Z";

/** Copies the example's sources (not target/, logs or DuckDB files) into `dest`. */
export function copyExample(dest) {
  cpSync(EXAMPLE_DIR, dest, {
    recursive: true,
    filter: (src) => !/[\\/](target|logs|dbt_packages)$|\.duckdb(\.wal)?$/.test(src),
  });
}

/** `dbt parse` in `projectDir` with the dagster venv's dbt; returns the manifest's path. */
export function dbtParse(projectDir) {
  const venv = execFileSync(join(root, "scripts", "python-env.sh"), ["dagster"], { encoding: "utf8" }).trim();
  execFileSync(join(venv, "bin", "dbt"), ["parse", "--project-dir", projectDir, "--profiles-dir", projectDir, "--quiet"], {
    cwd: projectDir,
    env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: "false", FLOE_DUCKDB_PATH: join(projectDir, "parse.duckdb") },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return join(projectDir, "target", "manifest.json");
}

/** The example's CompiledArtifacts from a fresh parse, as text. */
export function buildExampleArtifacts() {
  const work = mkdtempSync(join(tmpdir(), "floe-example-"));
  try {
    const project = join(work, "jaffle_shop");
    copyExample(project);
    const manifest = dbtParse(project);
    return execFileSync(
      process.execPath,
      [
        join(root, "packages", "floe-core", "bin", "floe.js"),
        "artifacts",
        "from-dbt",
        manifest,
        "--product",
        "jaffle_shop",
        "--product-version",
        "1.0.0",
        "--orchestration",
        join(EXAMPLE_DIR, "orchestration.yml"),
        "--compiled-at",
        EXAMPLE_COMPILED_AT,
      ],
      { encoding: "utf8" },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const fresh = buildExampleArtifacts();
  if (process.argv.includes("--check")) {
    const committed = readFileSync(EXAMPLE_ARTIFACTS, "utf8");
    if (committed !== fresh) {
      console.error(`${EXAMPLE_ARTIFACTS} is stale; run: node scripts/build-example-artifacts.mjs`);
      process.exit(1);
    }
    console.log(`${EXAMPLE_ARTIFACTS} is up to date`);
  } else {
    writeFileSync(EXAMPLE_ARTIFACTS, fresh);
    console.log(`wrote ${EXAMPLE_ARTIFACTS}`);
  }
}
