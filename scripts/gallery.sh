#!/usr/bin/env bash
# Regenerates the README gallery (docs/gallery/*.png) from the bundled
# scenarios. Usage: scripts/gallery.sh   (from anywhere inside the repository)
#
# Each image is a plot from one report folder, copied as
# docs/gallery/<scenario>-<plot>.png. compare.png needs `outage compare`;
# when the binary does not have that command yet the image is skipped.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cargo build --release --quiet
bin="$root/target/release/outage"
out="$root/docs/gallery"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# scenario  plot-file  [command]
shots=(
  "instances-sweep availability.png run"
  "paradox-coverage-sweep availability.png run"
  "zones-packed survival.png run"
  "failover-untested causes.png run"
  "failover-untested outage_durations.png run"
  "zones-packed compare.png compare"
  "paradox-crossover availability.png run"
)

for shot in "${shots[@]}"; do
  read -r scenario plot command <<<"$shot"
  dir="$work/$command-$scenario"
  if [ ! -d "$dir" ]; then
    if [ "$command" = compare ] && ! "$bin" compare --help >/dev/null 2>&1; then
      echo "skip $scenario-$plot: this build has no 'outage compare'" >&2
      continue
    fi
    echo "$command scenarios/$scenario.toml" >&2
    "$bin" "$command" "scenarios/$scenario.toml" --out "$dir" --force --quiet >/dev/null
  fi
  cp "$dir/$plot" "$out/$scenario-$plot"
  echo "wrote docs/gallery/$scenario-$plot" >&2
done
