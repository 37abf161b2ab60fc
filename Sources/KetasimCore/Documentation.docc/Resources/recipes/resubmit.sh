#!/bin/bash
# After a failed task: resubmits only the missing shards, then the merge again.
set -euo pipefail
RECIPES=${RECIPES:-$(dirname "$0")}
KETASIM=${KETASIM:-ketasim}
status=0
missing=$("$KETASIM" merge --missing --quiet shards/pop-*.kspop) || status=$?
case $status in
  0) echo "no shard missing"; exit 0 ;;
  1) ;;                     # missing shard numbers, one per line
  *) exit "$status" ;;      # a bad shard (named on stderr): remove it, then run this again
esac
array=$(sbatch --parsable --array="$(echo "$missing" | paste -sd, -)" "$RECIPES/population-array.sbatch")
sbatch --parsable --dependency="afterok:${array%%;*}" --kill-on-invalid-dep=yes "$RECIPES/population-merge.sbatch"
