#!/usr/bin/env bash
# Run N shards on this machine in parallel, then merge. Usage:
#   recipes/local.sh scenarios/quickstart.toml 4
# The one-liners it runs (xargs -P, or GNU parallel if you prefer):
#   seq 1 4 | xargs -P 4 -I{} outage run S.toml --shard {}/4 --threads 1 --quiet --out shards/{}
#   parallel -j 4 outage run S.toml --shard {}/4 --threads 1 --quiet --out shards/{} ::: 1 2 3 4
#   outage merge shards/1 shards/2 shards/3 shards/4 --out output/S
set -euo pipefail
SCENARIO=${1:?scenario file}
N=${2:-4}
OUTAGE=${OUTAGE:-outage}
DIR=${SHARD_DIR:-shards/$(basename "$SCENARIO" .toml)}
seq 1 "$N" | xargs -P "$N" -I{} "$OUTAGE" run "$SCENARIO" --shard "{}/$N" --threads 1 --quiet --force --out "$DIR/{}"
parts=()
for ((i = 1; i <= N; i++)); do parts+=("$DIR/$i"); done
"$OUTAGE" merge "${parts[@]}" --out "output/$(basename "$SCENARIO" .toml)" --force
