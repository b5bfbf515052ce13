#!/usr/bin/env bash
# Installs the dependencies, builds galley and converts the feature tour into
# PDF, EPUB and DocBook (and HTML) in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
./.ci/deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p out
for ext in pdf epub xml html; do
  ./build/galley samples/feature-tour.md -o "out/feature-tour.$ext"
done
./build/galley samples/nato-ksf-article.txt -o out/nato-ksf-article.pdf
ls -l out/
