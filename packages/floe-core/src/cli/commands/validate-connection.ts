import { notBuiltCommand } from "./not-built.js";

export const validateConnectionCommand = notBuiltCommand(
  ["validate-connection"],
  "check that the orchestrator's server answers",
  "floe validate-connection --orchestrator <name> [--url <url>] [--json]",
);
