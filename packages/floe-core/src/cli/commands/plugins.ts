import { notBuiltCommand } from "./not-built.js";

export const pluginsCommand = notBuiltCommand(
  ["plugins"],
  "list the orchestrator plugins installed in this project",
  "floe plugins [--json]",
);
