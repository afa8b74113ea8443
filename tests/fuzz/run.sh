#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz for a bounded time (tests/fuzz/README.md).
#
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]
#
# Configures BUILD_DIR (default build-fuzz) with clang and -DCREDERE_FUZZ=ON when it
# has no CMakeCache.txt, builds the targets, then runs each target in turn for
# SECONDS seconds (one fuzzing process at a time) on a scratch copy of its corpus
# (the repository's corpus is not changed). libFuzzer runs in fork mode (-fork=1:
# one child at a time) and keeps going after a finding, so the whole time is used;
# afterwards every reproducer is run again and classified by the first frame of its
# stack that is not the sanitizer runtime:
#   - in libhdf5: a bug of the HDF5 library on a damaged file (third party; HDF5
#     1.10 does not validate what it reads), or the target's report that HDF5
#     refused to close a damaged file ("libhdf5 keeps it open"): reported, not a
#     failure unless FUZZ_STRICT=1;
#   - anywhere else: a finding in credere: the script fails (exit status 1);
#   - no failure when run again (a timeout under load): reported, not a failure
#     unless FUZZ_STRICT=1.
# Environment: FUZZ_TARGETS (default "experiment edgelist results"), FUZZ_STRICT,
# FUZZ_JOBS (build jobs), FUZZ_WORK (scratch directory; default a new one in $TMPDIR),
# FUZZ_ARGS (extra libFuzzer arguments), CC (default clang).
set -euo pipefail

usage() {
    echo "usage: tests/fuzz/run.sh SECONDS [BUILD_DIR]" >&2
    exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
case "$1" in '' | *[!0-9]*) usage ;; esac
seconds=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${2:-$src/build-fuzz}
targets=${FUZZ_TARGETS:-experiment edgelist results}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

if [ ! -f "$build/CMakeCache.txt" ]; then
    CC=${CC:-clang} cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCREDERE_WERROR=ON -DCREDERE_FUZZ=ON -DCREDERE_TESTS=OFF
fi
build_targets=()
for t in $targets; do build_targets+=(--target "fuzz_$t"); done
cmake --build "$build" -j "$jobs" "${build_targets[@]}"

work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/credere-fuzz-run.XXXXXX")}
mkdir -p "$work"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
asan=detect_leaks=1

# Prints "KIND | WHERE" for a reproducer: the report's first line and the first frame
# of its stack outside the sanitizer and fuzzer runtime and libc. For a bad access to
# a heap block, the block's allocation decides when credere allocated it (HDF5
# writing past a buffer credere gave it is credere's bug).
runtime='in (__asan|__lsan|__ubsan|__sanitizer|__interceptor|fuzzer::|operator new|malloc|calloc|realloc|free|strdup|strndup|abort|raise|__libc|gsignal)|/libc\.so|sysdeps/|in __(mem|str|wmem)[a-z0-9_]*|libclang_rt|libstdc\+\+|fuzz_util\.h|compiler-rt|sanitizer_common'
first_frame() {
    grep -E '^ +#[0-9]+ ' | grep -vE "$runtime" | head -1 |
        sed -E 's/^ +#[0-9]+ 0x[0-9a-f]+ (in )?//; s/ \(BuildId.*//' || true
}
classify() {
    local bin=$1 input=$2 out kind frame alloc
    out=$(timeout 120 "$bin" -timeout=10 -rss_limit_mb=2048 "$input" 2>&1 || true)
    kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-zA-Z-]+( [a-zA-Z-]+)?|runtime error: .{0,80}|fuzz check failed: .{0,80}|unexpected answer.{0,80}' <<<"$out" || true)
    frame=$(sed '/allocated by thread/,$d' <<<"$out" | first_frame)
    alloc=$(sed -n '/allocated by thread/,/^$/p' <<<"$out" | first_frame)
    if [ -n "$alloc" ] && [[ "$alloc" != *libhdf5* ]]; then
        frame="$frame (the block was allocated in $alloc)"
    fi
    echo "${kind:-no failure when run again} | ${frame:-?}"
}

failed=0
third=0
for t in $targets; do
    bin=$build/tests/fuzz/fuzz_$t
    dir=$work/$t
    mkdir -p "$dir/corpus" "$dir/artifacts"
    cp -R "$src/tests/fuzz/corpus/$t/." "$dir/corpus/"
    args=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10
        -artifact_prefix="$dir/artifacts/" -print_final_stats=1)
    [ -f "$src/tests/fuzz/$t.dict" ] && args+=(-dict="$src/tests/fuzz/$t.dict")
    lsan=
    [ "$t" = results ] && lsan=suppressions=$src/tests/fuzz/lsan-hdf5.supp
    echo "== fuzz_$t: $seconds s, corpus $(ls "$dir/corpus" | wc -l) files, log $dir/fuzz.log"
    ASAN_OPTIONS=$asan LSAN_OPTIONS=$lsan "$bin" "${args[@]}" ${FUZZ_ARGS:-} "$dir/corpus" \
        >"$dir/fuzz.log" 2>&1 || true
    grep -E '^#[0-9]+: cov:' "$dir/fuzz.log" | tail -1 || true
    for a in "$dir"/artifacts/*; do
        [ -e "$a" ] || continue
        line=$(ASAN_OPTIONS=$asan LSAN_OPTIONS=$lsan classify "$bin" "$a")
        if [[ "$line" == "no failure when run again"* ]]; then
            echo "   not reproduced (a timeout or leak under load?): $a"
            [ "${FUZZ_STRICT:-0}" = 1 ] && failed=1
        elif [[ "$line" == *libhdf5* && "$line" != *"allocated in"* ]]; then
            third=$((third + 1))
            echo "   HDF5 library (third party): $a: $line"
            [ "${FUZZ_STRICT:-0}" = 1 ] && failed=1
        else
            failed=1
            echo "   FINDING: reproducer $a: $line"
        fi
    done
done
echo "fuzzing done: scratch directory $work ($third finding(s) inside the HDF5 library)"
if [ "$failed" != 0 ]; then
    echo "fuzzing FAILED: reproduce with $build/tests/fuzz/fuzz_TARGET REPRODUCER (tests/fuzz/README.md)" >&2
    exit 1
fi
