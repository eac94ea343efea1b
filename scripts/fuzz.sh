#!/usr/bin/env bash
# Fuzzes what a client or a config file can send, with libFuzzer: the radixconfig.yaml parser and the
# API's request bodies (through the server's own routes), each for SECONDS (default 60). Builds the
# fuzzers with -sanitize=fuzzer in .build/fuzz (apart from the normal build), starts from the corpus kept
# in Fuzz/corpus (read only: what libFuzzer finds goes to a scratch folder), and fails on any crash, 5xx
# or hang (an input taking over 10 s), leaving the input that caused it in .build/fuzz/findings.
# The two fuzzers run side by side (one core each).
#
# Usage: scripts/fuzz.sh [SECONDS]          build, then fuzz
#        scripts/fuzz.sh --build-only       build the fuzzers (scripts/test.sh does it while other tests run)
#        scripts/fuzz.sh --run-only [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=/opt/swift/usr/bin:$PATH
build=1 run=1
case "${1:-}" in
--build-only) run=0; shift ;;
--run-only) build=0; shift ;;
esac
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
if [ $build -eq 1 ]; then
    for product in radixconfig-fuzzer request-fuzzer; do
        # (pipefail: a failed build fails this script, whatever tail says.)
        swift build --scratch-path "$scratch" --product "$product" "${coverage[@]}" 2>&1 | grep -v 'Cannot export local symbol' | tail -n 3
    done
fi
[ $run -eq 1 ] || exit 0
mkdir -p "$scratch/findings"

# Fuzzes with one fuzzer; its report is printed once it ends.
fuzz() {
    local fuzzer=$1 found
    found=$(mktemp -d /tmp/jobsched-fuzz-$fuzzer.XXXXXX)
    # (timeout: should a crash's report itself hang, the run still ends.)
    if ! timeout -k 10 $((seconds + 120)) "$scratch/debug/$fuzzer-fuzzer" "$found" "Fuzz/corpus/$fuzzer" -max_total_time="$seconds" \
            -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$scratch/findings/$fuzzer-" -print_final_stats=1 >"$found.log" 2>&1; then
        echo "fuzz: $fuzzer FOUND A PROBLEM (the input: $scratch/findings/$fuzzer-*):" >&2
        tail -n 40 "$found.log" >&2
        rm -rf "$found" "$found.log"
        return 1
    fi
    grep -E '^stat::(number_of_executed_units|new_units_added)|^#[0-9]+.*DONE' "$found.log" | sed "s/^/fuzz: $fuzzer: /" || true
    rm -rf "$found" "$found.log"
}
echo "fuzz: radixconfig and request for ${seconds}s each, side by side, from Fuzz/corpus/"
fuzz radixconfig & radixconfig=$!
fuzz request & request=$!
status=0
wait $radixconfig || status=1
wait $request || status=1
exit $status
