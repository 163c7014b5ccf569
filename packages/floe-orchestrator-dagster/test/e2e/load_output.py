"""Imports the code location `floe generate --orchestrator dagster` wrote, as Dagster does with its workspace.yaml.

The output directory holds the package floe_<product>/; workspace.yaml names its definitions module
(python_module). The directory goes first on sys.path (Dagster's working_directory), then the module is
imported, so the package's relative imports resolve as they do under `dagster -m <module> -d <dir>`.
"""

import importlib
import os
import sys
from pathlib import Path

import yaml


def definitions_module(output_dir):
    """The module workspace.yaml loads: `floe_<product>.definitions`."""
    workspace = yaml.safe_load((Path(output_dir) / "workspace.yaml").read_text(encoding="utf-8"))
    return workspace["load_from"][0]["python_module"]["module_name"]


def load_definitions(output_dir):
    """The imported definitions module of the output (its `defs` is the Definitions)."""
    module = definitions_module(output_dir)
    sys.path.insert(0, os.fspath(Path(output_dir).resolve()))
    return importlib.import_module(module)


def load_package_module(output_dir, name):
    """Another module of the generated package (`lineage`), imported the same way."""
    package = definitions_module(output_dir).rpartition(".")[0]
    sys.path.insert(0, os.fspath(Path(output_dir).resolve()))
    return importlib.import_module(f"{package}.{name}")
