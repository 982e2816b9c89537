#!/usr/bin/env bash
# Builds kokeilu's libFuzzer targets with clang (AddressSanitizer and UndefinedBehaviorSanitizer on)
# and runs each, and the atheris targets for the Python parsers, for KOKEILU_FUZZ_SECONDS (default
# 30) from the seed corpus in tests/fuzz/corpus, after replaying every input in
# tests/fuzz/regressions/<target> (inputs that once made a target fail). New corpus entries go to
# build/fuzz/corpus, so the repository's seeds stay as they are.
#
# Needs the Debian packages clang and libclang-rt-14-dev, and atheris from PyPI in $PYTHON's
# environment (default: python3). Usage: tests/fuzz/run.sh [target ...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${KOKEILU_FUZZ_BUILD:-$root/build/fuzz}
seconds=${KOKEILU_FUZZ_SECONDS:-30}
cxx=${KOKEILU_FUZZ_CXX:-clang++}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_time fuzz_tracker_file fuzz_csv_import fuzz_json)
python=${PYTHON:-python3}

flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -DBOOST_ALL_NO_LIB -I"$root/libkokeilu/include" -I"$root/libkokeilu/src")
mkdir -p "$out/obj" "$out/corpus"

# The library, compiled once with the sanitizers and fuzzer instrumentation; a source is compiled
# again when it or any header is newer than its object.
needs_cpp=0
for target in "${targets[@]}"; do [ -f "$root/tests/fuzz/$target.cpp" ] && needs_cpp=1; done
newest_header=$(find "$root/libkokeilu" -name '*.hpp' -printf '%T@\n' | sort -n | tail -1)
objects=()
for src in $( [ $needs_cpp = 1 ] && find "$root/libkokeilu/src" -name '*.cpp' | sort); do
  obj="$out/obj/$(echo "${src#"$root"/}" | tr / _).o"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || \
     awk -v h="$newest_header" -v o="$(stat -c %Y "$obj")" 'BEGIN { exit !(h > o) }'; then
    "$cxx" "${flags[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
  fi
  objects+=("$obj")
done

status=0
for target in "${targets[@]}"; do
  if [ -f "$root/tests/fuzz/$target.py" ]; then
    run=("$python" "$root/tests/fuzz/$target.py")
  else
    "$cxx" "${flags[@]}" -fsanitize=fuzzer "$root/tests/fuzz/$target.cpp" "${objects[@]}" \
      -lSQLiteCpp -lsqlite3 -lboost_date_time -o "$out/$target"
    run=("$out/$target")
  fi
  regressions="$root/tests/fuzz/regressions/$target"
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "== $target: replaying $(ls "$regressions" | wc -l) regression inputs"
    "${run[@]}" "$regressions"/* >"$out/$target-regressions.log" 2>&1 || { status=1; tail -30 "$out/$target-regressions.log"; }
  fi
  rm -f "$out"/crash-"$target"-*
  mkdir -p "$out/corpus/$target"
  echo "== $target: fuzzing for $seconds s"
  "${run[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/crash-$target-" "$out/corpus/$target" "$root/tests/fuzz/corpus/$target" \
    >"$out/$target.log" 2>&1 || true
  grep -E "^(#[0-9]+ +DONE|Done [0-9]+ runs)" "$out/$target.log" || true
  if ls "$out"/crash-"$target"-* >/dev/null 2>&1; then
    tail -40 "$out/$target.log"
    echo "!! $target failed on $(ls "$out"/crash-"$target"-*); once fixed, add the input to $regressions"
    status=1
  fi
done
exit $status
