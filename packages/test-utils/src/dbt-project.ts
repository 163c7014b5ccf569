import { cpSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's checkout (the folder that holds packages/, examples/ and test/). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The dbt projects the end-to-end tests run beyond the example (test/fixtures/dbt). */
export const DBT_FIXTURES = join(REPO_ROOT, "test", "fixtures", "dbt");

/**
 * Copies a dbt project to `dest` without what a run of it left behind: `target/`, `logs/` and DuckDB files
 * (and folders named in `skip`, e.g. the example's `products/`), so each test starts from the sources alone.
 */
export function copyDbtProject(source: string, dest: string, skip: string[] = []): void {
  const left = new RegExp(`[\\\\/](${["target", "logs", ...skip].join("|")})$|\\.duckdb(\\.wal)?$`);
  cpSync(source, dest, { recursive: true, filter: (src) => !left.test(src) });
}
