import { notBuiltCommand } from "./not-built.js";

export const generateCommand = notBuiltCommand(
  ["generate"],
  "write the orchestrator's code (and values.yaml) for compiled artifacts",
  "floe generate <artifacts.json> --orchestrator <name> --out <dir> [--dbt-project <dir>]",
);
