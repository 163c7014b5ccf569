import { notBuiltCommand } from "./not-built.js";

export const helmValuesCommand = notBuiltCommand(
  ["helm-values"],
  "print values for the orchestrator's Helm chart (YAML)",
  "floe helm-values --orchestrator <name> [--size small|medium|large] [--artifacts <file>]",
);
