// Part of `pnpm build`: copies floe-runtime's pure-Python sources (python/floe-runtime) into
// dist/floe-runtime/, from which `floe generate` writes the package's wheel into each output.
// Node only: building floe-core needs no Python.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../../../python/floe-runtime/", import.meta.url));
const target = fileURLToPath(new URL("../dist/floe-runtime/", import.meta.url));
if (!existsSync(`${source}src/floe_runtime/__init__.py`)) {
  console.error(`copy-floe-runtime: no floe-runtime sources at ${source}`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
mkdirSync(`${target}src/floe_runtime`, { recursive: true });
for (const file of ["README.md", "LICENSE"]) cpSync(`${source}${file}`, `${target}${file}`);
for (const name of readdirSync(`${source}src/floe_runtime`)) {
  if (name.endsWith(".py") || name === "py.typed") cpSync(`${source}src/floe_runtime/${name}`, `${target}src/floe_runtime/${name}`);
}
