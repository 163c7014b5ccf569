#!/usr/bin/env bash
# The README's first command: set up a fresh machine and run the main job on the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1; then
  npm install -g "pnpm@$(node -p 'require("./package.json").packageManager.split("@")[1]')"
fi
pnpm install --frozen-lockfile
pnpm build
pnpm example
