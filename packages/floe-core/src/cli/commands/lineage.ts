import { notBuiltCommand } from "./not-built.js";

export const lineageEmitCommand = notBuiltCommand(
  ["lineage", "emit"],
  "send one OpenLineage run event; prints the run id",
  "floe lineage emit --type START|COMPLETE|FAIL --job <name> [--namespace <ns>] [--run-id <uuid>] [--input <ns>::<name>]... [--output <ns>::<name>]...",
);

export const lineageFlushCommand = notBuiltCommand(
  ["lineage", "flush"],
  "redeliver the lineage events kept in the spool",
  "floe lineage flush",
);
