// vitest sequencer for the root run: files with the longest measured time start first (longest-processing-time
// first: the long files must not be the last ones to start), from test/ci-budget.json, which
// `node scripts/ci-timings.mjs <reports> --write-budget test/ci-budget.json` writes. A file not in the budget (new)
// gets an estimate by its place: real-orchestrator/corpus/hardening tests as medium, unit tests as short.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const ROOT = join(import.meta.dirname, "..");

function budget(): Record<string, number> {
  try {
    return (JSON.parse(readFileSync(join(ROOT, "test", "ci-budget.json"), "utf8")) as { seconds: Record<string, number> }).seconds;
  } catch {
    return {};
  }
}

export function estimate(file: string, seconds: Record<string, number>): number {
  const known = seconds[file];
  if (known !== undefined) return known;
  if (/(^|\/)(e2e|corpus|hardening|deploy)\//.test(file)) return 60;
  return 1;
}

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = budget();
    const key = (spec: TestSpecification) => relative(ROOT, spec.moduleId).split("\\").join("/");
    return [...files].sort((a, b) => estimate(key(b), seconds) - estimate(key(a), seconds) || key(a).localeCompare(key(b)));
  }
}
