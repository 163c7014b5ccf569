// The main job on the bundled example. TODO(dagster): generate the example's Dagster code location.
console.error("floe example: not implemented yet (the bundled example arrives with the Dagster plugin)");
process.exit(1);
