import type { Command } from "../context.js";
import { artifactsFromDbtCommand } from "./artifacts-from-dbt.js";
import { artifactsSchemaCommand } from "./artifacts-schema.js";
import { artifactsValidateCommand } from "./artifacts-validate.js";
import { generateCommand } from "./generate.js";
import { helmValuesCommand } from "./helm-values.js";
import { lineageEmitCommand, lineageFlushCommand } from "./lineage.js";
import { runCommand, runStatusCommand } from "./run.js";
import { pluginsCommand } from "./plugins.js";
import { schedulePreviewCommand } from "./schedule-preview.js";
import { scheduleDiffCommand } from "./schedule-diff.js";
import { validateConnectionCommand } from "./validate-connection.js";

export const COMMANDS: Command[] = [
  pluginsCommand,
  artifactsValidateCommand,
  artifactsSchemaCommand,
  artifactsFromDbtCommand,
  generateCommand,
  helmValuesCommand,
  validateConnectionCommand,
  runCommand,
  runStatusCommand,
  schedulePreviewCommand,
  scheduleDiffCommand,
  lineageEmitCommand,
  lineageFlushCommand,
];
