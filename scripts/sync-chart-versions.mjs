#!/usr/bin/env node
// After `changeset version`: a plugin's chart is released with its package, so each chart's
// Chart.yaml `version` and `appVersion` are set to the version of the package it deploys.
// Usage: node scripts/sync-chart-versions.mjs [--root <repo dir>]
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** chart folder (charts/…) → the package (packages/…) whose version it carries. */
export const CHART_PACKAGES = {
  "floe-dagster": "floe-orchestrator-dagster",
  "floe-airflow": "floe-orchestrator-airflow",
};

/**
 * Sets the top-level `version:` and `appVersion:` lines of a Chart.yaml text, keeping every other
 * line (comments, order, formatting) as it is. `appVersion` is added when the chart has none.
 */
export function setChartVersions(chartYaml, version) {
  const lines = chartYaml.split("\n");
  let sawVersion = false;
  let sawAppVersion = false;
  const out = lines.map((line) => {
    if (/^version:/.test(line)) {
      sawVersion = true;
      return `version: ${version}`;
    }
    if (/^appVersion:/.test(line)) {
      sawAppVersion = true;
      return `appVersion: "${version}"`;
    }
    return line;
  });
  if (!sawVersion) throw new Error("Chart.yaml has no top-level `version:` line");
  if (!sawAppVersion) {
    const at = out.findIndex((line) => /^version:/.test(line));
    out.splice(at + 1, 0, `appVersion: "${version}"`);
  }
  return out.join("\n");
}

/** Syncs every chart under `root`; returns one result per chart, missing charts reported, not fatal to the others. */
export async function syncChartVersions(root) {
  const results = [];
  for (const [chart, pkg] of Object.entries(CHART_PACKAGES)) {
    const chartFile = join(root, "charts", chart, "Chart.yaml");
    const pkgFile = join(root, "packages", pkg, "package.json");
    let text;
    try {
      text = await readFile(chartFile, "utf8");
    } catch (error) {
      if (error.code !== "ENOENT") throw error;
      results.push({ chart, pkg, error: `charts/${chart}/Chart.yaml not found: chart not synced with ${pkg}` });
      continue;
    }
    const { version } = JSON.parse(await readFile(pkgFile, "utf8"));
    const updated = setChartVersions(text, version);
    if (updated !== text) await writeFile(chartFile, updated);
    results.push({ chart, pkg, version, changed: updated !== text });
  }
  return results;
}

async function main(argv) {
  const at = argv.indexOf("--root");
  const root = at === -1 ? resolve(dirname(fileURLToPath(import.meta.url)), "..") : resolve(argv[at + 1] ?? ".");
  const results = await syncChartVersions(root);
  let failed = false;
  for (const r of results) {
    if (r.error) {
      failed = true;
      console.error(
        `sync-chart-versions: ${r.error} (hint: create the chart, or remove it from CHART_PACKAGES in scripts/sync-chart-versions.mjs)`,
      );
    } else {
      console.log(`charts/${r.chart}: version ${r.version}${r.changed ? "" : " (unchanged)"}`);
    }
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`sync-chart-versions: ${error.message}`);
      process.exit(1);
    },
  );
}
