#!/usr/bin/env bash
# Builds job-scheduler as it ships (the image's build stage and the benchmarks run this): release, the
# Swift runtime and Foundation linked in statically, and laid out for a small resident size. Prints the
# binary's path. Extra arguments go to `swift build` (e.g. --scratch-path).
#
# The layout: every function in a section of its own, and the linker (lld) puts the ones `serve` runs
# (deploy/serve.order.gz, made by scripts/make-serve-order.sh) side by side at the front of the code.
# The kernel maps an executable's code 64 KiB around each page it runs, so the 1.4 MiB of functions
# a scheduler runs, spread over a 30 MiB code segment, kept about 20 MiB of it resident; side by side
# they keep about their own size. Not position-independent (-no-pie): the loader then has no
# relocations to apply at start-up (150,000 of them otherwise, read and written at every start). And
# no symbol table for the dynamic loader (the Swift driver exports every symbol of an executable: the
# loader reads 2.8 MiB of them when it binds libcurl and libc; nothing looks our symbols up).
# A stale order file costs only memory: symbols it names that no longer exist are skipped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=/opt/swift/usr/bin:$PATH
# The list is kept compressed (a megabyte of symbols as text); the linker reads it at a fixed path, so
# that the build's flags, and with them SwiftPM's compiled objects, stay the same from build to build.
mkdir -p .build
order=$root/.build/serve.order
gunzip -c deploy/serve.order.gz > "$order.new"
cmp -s "$order.new" "$order" && rm "$order.new" || mv "$order.new" "$order"
flags=(-c release --static-swift-stdlib --product job-scheduler
    -Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections
    -Xswiftc -use-ld=lld -Xswiftc -Xclang-linker -Xswiftc -no-pie
    -Xlinker "--symbol-ordering-file=$order" -Xlinker --no-warn-symbol-ordering
    -Xlinker --no-export-dynamic
    "$@")
swift build "${flags[@]}" >&2
echo "$(swift build "${flags[@]}" --show-bin-path)/job-scheduler"
