#!/bin/bash
# Queues the shard array, then the merge to run only after every task succeeded.
# Run from the campaign directory (shards/, bands.csv and subjects.csv go there).
set -euo pipefail
RECIPES=${RECIPES:-$(dirname "$0")}
mkdir -p shards
array=$(sbatch --parsable "$RECIPES/population-array.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "$RECIPES/population-merge.sbatch")
echo "array $array, merge ${merge%%;*}"
