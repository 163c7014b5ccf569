import { notBuiltCommand } from "./not-built.js";

export const artifactsFromDbtCommand = notBuiltCommand(
  ["artifacts", "from-dbt"],
  "build CompiledArtifacts from a dbt manifest.json",
  "floe artifacts from-dbt <manifest.json> --product <name> [--out <file>]",
);
