#!/usr/bin/env bash
# Builds kokeilu's libFuzzer targets with clang (AddressSanitizer and UndefinedBehaviorSanitizer on)
# and runs each, and the atheris targets for the Python parsers, for KOKEILU_FUZZ_SECONDS (default
# 30) from the seed corpus in tests/fuzz/corpus, after replaying every input in
# tests/fuzz/regressions/<target> (inputs that once made a target fail). KOKEILU_FUZZ_JOBS
# (default 1) targets run at a time, and as many sources compile at a time. New corpus entries go
# to build/fuzz/corpus, so the repository's seeds stay as they are; nothing is downloaded.
#
# Fails when a target finds an input that crashes it (or leaks, times out or runs out of memory),
# when a regression input fails again, or when a target does not run at all.
#
# Needs the Debian packages clang and libclang-rt-14-dev, and atheris from PyPI in $PYTHON's
# environment (default: python3). Usage: tests/fuzz/run.sh [target ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${KOKEILU_FUZZ_BUILD:-$root/build/fuzz}
seconds=${KOKEILU_FUZZ_SECONDS:-30}
jobs=${KOKEILU_FUZZ_JOBS:-1}
cxx=${KOKEILU_FUZZ_CXX:-clang++}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_time fuzz_tracker_file fuzz_csv_import fuzz_json fuzz_bundle)
python=${PYTHON:-python3}

# Line tables are all a symbolized stack trace needs, and compile faster than full debug info.
flags=(-std=c++20 -O1 -gline-tables-only -fno-omit-frame-pointer -fsanitize=address,undefined
       -fno-sanitize-recover=undefined -DBOOST_ALL_NO_LIB -I"$root/libkokeilu/include" -I"$root/libkokeilu/src")
mkdir -p "$out/obj" "$out/corpus"

# Runs "$@" in the background once fewer than $jobs background commands are running.
running=0
spawn() {
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  "$@" &
  running=$((running + 1))
}

# The library, compiled once with the sanitizers and fuzzer instrumentation; a source is compiled
# again when it or any header is newer than its object. The statistics (src/stats, two thirds of
# the compile time) only when a C++ target includes one of their headers; otherwise only the
# summary and its checks, which the store uses for its running summaries.
needs_cpp=0
needs_stats=0
for target in "${targets[@]}"; do
  if [ -f "$root/tests/fuzz/$target.cpp" ]; then
    needs_cpp=1
    grep -q '"kokeilu/stats/' "$root/tests/fuzz/$target.cpp" && needs_stats=1
  fi
done
newest_header=$(find "$root/libkokeilu" -name '*.hpp' -printf '%T@\n' | sort -n | tail -1)
sources=()
if [ $needs_cpp = 1 ]; then
  if [ $needs_stats = 1 ]; then
    mapfile -t sources < <(find "$root/libkokeilu/src" -name '*.cpp' | sort)
  else
    mapfile -t sources < <({ find "$root/libkokeilu/src" -name '*.cpp' -not -path '*/src/stats/*'
                             printf '%s\n' "$root/libkokeilu/src/stats/summary.cpp" "$root/libkokeilu/src/stats/checks.cpp"; } | sort)
  fi
fi
objects=()
for src in "${sources[@]}"; do
  obj="$out/obj/$(echo "${src#"$root"/}" | tr / _).o"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || \
     awk -v h="$newest_header" -v o="$(stat -c %Y "$obj")" 'BEGIN { exit !(h > o) }'; then
    rm -f "$obj"
    spawn "$cxx" "${flags[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
  fi
  objects+=("$obj")
done
wait
running=0
for obj in "${objects[@]}"; do [ -f "$obj" ] || { echo "!! $obj did not compile" >&2; exit 1; }; done

for target in "${targets[@]}"; do
  if [ -f "$root/tests/fuzz/$target.cpp" ]; then
    "$cxx" "${flags[@]}" -fsanitize=fuzzer "$root/tests/fuzz/$target.cpp" "${objects[@]}" \
      -lSQLiteCpp -lsqlite3 -lboost_date_time -lutf8proc -lcrypto -o "$out/$target"
  elif [ ! -f "$root/tests/fuzz/$target.py" ]; then
    echo "!! no fuzz target $target in tests/fuzz" >&2
    exit 2
  fi
done

# Replays the regressions of one target, then fuzzes it; the report goes to $out/$target.report
# and the status to $out/$target.status (0 passed, 1 failed), so parallel runs do not interleave.
fuzz_one() {
  local target=$1 failed=0 run regressions rc
  local report="$out/$target.report"
  if [ -f "$root/tests/fuzz/$target.py" ]; then run=("$python" "$root/tests/fuzz/$target.py"); else run=("$out/$target"); fi
  : >"$report"
  regressions="$root/tests/fuzz/regressions/$target"
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "== $target: replaying $(ls "$regressions" | wc -l) regression inputs" >>"$report"
    "${run[@]}" "$regressions"/* >"$out/$target-regressions.log" 2>&1 || { failed=1; tail -30 "$out/$target-regressions.log" >>"$report"; }
  fi
  rm -f "$out"/crash-"$target"-*
  mkdir -p "$out/corpus/$target"
  echo "== $target: fuzzing for $seconds s" >>"$report"
  rc=0
  "${run[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/crash-$target-" "$out/corpus/$target" "$root/tests/fuzz/corpus/$target" \
    >"$out/$target.log" 2>&1 || rc=$?
  grep -E "^(#[0-9]+ +DONE|Done [0-9]+ runs)" "$out/$target.log" >>"$report" || true
  if ls "$out"/crash-"$target"-* >/dev/null 2>&1; then
    tail -40 "$out/$target.log" >>"$report"
    echo "!! $target failed on $(ls "$out"/crash-"$target"-*); once fixed, add the input to $regressions" >>"$report"
    failed=1
  elif [ "$rc" -ne 0 ] || ! grep -qE "^(#[0-9]+ +DONE|Done [0-9]+ runs)" "$out/$target.log"; then
    # No input to blame: the target did not start, or stopped without finishing its time.
    tail -20 "$out/$target.log" >>"$report"
    echo "!! $target did not complete its run (exit status $rc); see $out/$target.log" >>"$report"
    failed=1
  fi
  echo "$failed" >"$out/$target.status"
}

for target in "${targets[@]}"; do
  rm -f "$out/$target.status"
  spawn fuzz_one "$target"
done
wait

status=0
for target in "${targets[@]}"; do
  cat "$out/$target.report"
  [ "$(cat "$out/$target.status" 2>/dev/null)" = 0 ] || status=1
done
exit $status
