// The API report check (scripts/api-report.mjs --check, run by floe-core's `pnpm lint`): it passes on the committed
// report and fails, naming the changed export and the one command that updates the report, when the built surface
// and the report differ. Runs against the built floe-core (pnpm build first).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT, tempDir } from "../hardening/support.js";

const SCRIPT = join(ROOT, "scripts", "api-report.mjs");
const REPORT = join(ROOT, "packages", "floe-core", "etc", "floe-core.api.md");

function check(report: string) {
  return spawnSync(process.execPath, [SCRIPT, "--check"], {
    cwd: ROOT,
    env: { ...process.env, FLOE_API_REPORT: report },
    encoding: "utf8",
  });
}

it("passes on the committed report and fails on an unreviewed surface change with the update command", () => {
  const ok = check(REPORT);
  expect(ok.stderr).toBe("");
  expect(ok.status).toBe(0);

  // As if shellQuote had just been added to floe-core's root: the committed report does not list it.
  const committed = readFileSync(REPORT, "utf8");
  const entry = "// shellQuote (emit/shell-quote)\nfunction shellQuote(value: string): string;\n";
  expect(committed).toContain(entry);
  const stale = join(tempDir("api-report"), "floe-core.api.md");
  writeFileSync(stale, committed.replace(entry, ""));
  const changed = check(stale);
  expect(changed.status).toBe(1);
  expect(changed.stderr).toContain("public API differs from the reviewed report");
  expect(changed.stderr).toContain("+ floe-core: shellQuote (emit/shell-quote)");
  expect(changed.stderr).toContain("pnpm --filter floe-core build && pnpm --filter floe-core api:update");
  expect(readFileSync(stale, "utf8")).toBe(committed.replace(entry, ""));
});
