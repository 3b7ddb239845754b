#!/usr/bin/env bash
# Regenerates the dialect and pass docs (add_mlir_doc) and copies them to
# docs/generated, where README and docs/ link to them.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${STRATA_BUILD_DIR:-build}
ninja -C "$BUILD_DIR" mlir-doc
mkdir -p docs/generated/Dialects docs/generated/Passes
cp "$BUILD_DIR"/docs/Dialects/*.md docs/generated/Dialects/
cp "$BUILD_DIR"/docs/Passes/*.md docs/generated/Passes/
