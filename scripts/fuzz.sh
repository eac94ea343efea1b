#!/usr/bin/env bash
# Fuzzes what a client or a config file can send, with libFuzzer: the radixconfig.yaml parser and the
# API's request bodies (through the server's own routes), each for SECONDS (default 60). Builds the
# fuzzers with -sanitize=fuzzer in .build/fuzz (apart from the normal build), starts from the corpus kept
# in Fuzz/corpus (read only: what libFuzzer finds goes to a scratch folder), and fails on any crash, 5xx
# or hang (an input taking over 10 s), leaving the input that caused it in .build/fuzz/findings.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=/opt/swift/usr/bin:$PATH
seconds=${1:-60}
scratch=.build/fuzz
# Every Swift module is built with libFuzzer's coverage (which needs a sanitizer: ASan, which also finds
# memory errors); only the two fuzzers link libFuzzer itself (Package.swift reads JOBSCHED_LIBFUZZER).
export JOBSCHED_LIBFUZZER=$(dirname "$(command -v swift)")/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a
JOBSCHED_LIBFUZZER=$(echo $JOBSCHED_LIBFUZZER)
[ -f "$JOBSCHED_LIBFUZZER" ] || { echo "fuzz: the toolchain has no libFuzzer (libclang_rt.fuzzer)" >&2; exit 1; }
# A crash is reported, not symbolized (no symbolizer here), and leaks are not findings (nor do they fail
# the build's own tools, the OpenAPI generator among them, built with ASan too).
export ASAN_OPTIONS=symbolize=0:detect_leaks=0
coverage=(-Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table)
for product in radixconfig-fuzzer request-fuzzer; do
    swift build --scratch-path "$scratch" --product "$product" "${coverage[@]}" 2>&1 | grep -v 'Cannot export local symbol' | tail -n 3
done
mkdir -p "$scratch/findings"
status=0
for fuzzer in radixconfig request; do
    found=$(mktemp -d /tmp/jobsched-fuzz-$fuzzer.XXXXXX)
    echo "fuzz: $fuzzer for ${seconds}s from Fuzz/corpus/$fuzzer"
    # (timeout: should a crash's report itself hang, the run still ends.)
    if ! timeout -k 10 $((seconds + 120)) "$scratch/debug/$fuzzer-fuzzer" "$found" "Fuzz/corpus/$fuzzer" -max_total_time="$seconds" \
            -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$scratch/findings/$fuzzer-" -print_final_stats=1 >"$found.log" 2>&1; then
        status=1
        echo "fuzz: $fuzzer FOUND A PROBLEM (the input: $scratch/findings/$fuzzer-*):" >&2
        tail -n 40 "$found.log" >&2
    else
        grep -E '^stat::(number_of_executed_units|new_units_added)|^#[0-9]+.*DONE' "$found.log" | sed "s/^/fuzz: $fuzzer: /" || true
    fi
    rm -rf "$found" "$found.log"
done
exit $status
