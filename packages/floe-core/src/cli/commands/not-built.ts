import { notImplemented } from "../../errors.js";
import type { Command } from "../context.js";

/** A command listed in the CLI contract whose implementation has not landed yet. */
export function notBuiltCommand(path: string[], summary: string, usage: string): Command {
  return {
    path,
    summary,
    usage,
    options: {},
    async run() {
      throw notImplemented(`floe ${path.join(" ")}`);
    },
  };
}
