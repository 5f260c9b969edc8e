#!/usr/bin/env bash
# Whole-process timelines/s of `outage` against the minimal loop of
# ../shared/bench/minimal-loop on S3 (2-of-3, 1000 h / 10 h, 8760 h), alternating the
# two in one sitting and quoting medians; then thread scaling on 10^7 timelines and
# peak RSS at 10^5 and 10^7 timelines.
#
#   benches/side_by_side.sh [REPS]        (default 5; needs ../shared/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:-5}
N=2000000
MIN=../shared/bench/minimal-loop
cargo build --release --quiet
# ../shared is read-only: build the minimal loop into our own target folder.
CARGO_TARGET_DIR=target/minimal-loop cargo build --release --quiet --manifest-path "$MIN/Cargo.toml"
MINBIN=target/minimal-loop/release/minimal-loop
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Whole-process wall time of one outage run, in seconds.
outage_time() { # timelines threads
  /usr/bin/time -f "%e %M" -o "$OUT/t" ./target/release/outage run benches/scenarios/s3_2of3.toml \
    --timelines "$1" --threads "$2" --quiet --force --out "$OUT/r" > /dev/null
  cat "$OUT/t"
}
minimal_rate() { # threads
  "$MINBIN" S3 "$N" --threads "$1" --reps 1 | grep -o '"timelines_per_s":[0-9]*' | tail -1 | cut -d: -f2
}

for T in 1 2; do
  : > "$OUT/o$T"; : > "$OUT/m$T"
  for _ in $(seq "$REPS"); do
    read -r secs _ < <(outage_time "$N" "$T")
    awk -v n="$N" -v s="$secs" 'BEGIN {printf "%.0f\n", n / s}' >> "$OUT/o$T"
    minimal_rate "$T" >> "$OUT/m$T"
  done
  o=$(median < "$OUT/o$T"); m=$(median < "$OUT/m$T")
  awk -v t="$T" -v o="$o" -v m="$m" 'BEGIN {printf "S3 %d thread(s): outage %.0f timelines/s (whole process), minimal loop %.0f, ratio %.2f\n", t, o, m, o / m}'
done

read -r s1 _ < <(outage_time 10000000 1)
read -r s2 _ < <(outage_time 10000000 2)
awk -v a="$s1" -v b="$s2" 'BEGIN {printf "10^7 timelines: 1 thread %.2f s, 2 threads %.2f s, speed-up %.2fx\n", a, b, a / b}'

read -r _ r5 < <(outage_time 100000 2)
read -r _ r7 < <(outage_time 10000000 2)
awk -v a="$r5" -v b="$r7" 'BEGIN {printf "peak RSS: 10^5 timelines %d KiB, 10^7 timelines %d KiB (ratio %.3f)\n", a, b, b / a}'
