#!/usr/bin/env bash
# Real pull requests of a repository, checked one by one.
#
#   scripts/bench-prs.sh REPO [N]
#
# REPO is a repository (a bare mirror is fine). Its N (default 100) newest
# merges on the first-parent history whose merged branch has at most 20
# commits are checked as the pull request was: goodhart check from the merge
# base to the merged branch's head. A repository that squashes or rebases
# (fewer than 10 merges among its 1000 newest first-parent commits) has its
# N newest commits checked each against its parent instead. It prints the
# distribution of the wall time (median, 90th and 99th percentile, largest),
# the largest peak memory, and the five slowest pull requests with their
# ranges, to profile. Environment:
#
#   GOODHART=PATH   the binary to measure (default: built from this tree)
#   OUT=FILE        also keep one row per pull request:
#                   "commits seconds cpu_seconds peak_kb base head"
#   LIMIT=60        seconds after which one check is stopped (counted as such)
#
# Each check runs once: the bar, a pull request in under a second, holds for
# the slowest as well as for the median.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repo=${1:?usage: bench-prs.sh REPO [N]}
n=${2:-100}
limit=${LIMIT:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x /usr/bin/time ] || { echo "bench-prs: needs /usr/bin/time (GNU time)" >&2; exit 2; }
bin=${GOODHART:-}
if [ -z "$bin" ]; then
  bin=$work/goodhart
  (cd "$root" && go build -o "$bin" ./cmd/goodhart)
fi
head=$(git -C "$repo" rev-parse --verify 'HEAD^{commit}')

# ranges: one "base head" line per pull request.
merges=$(git -C "$repo" rev-list --first-parent --merges -n 1000 "$head" | wc -l)
if [ "$merges" -ge 10 ]; then
  kind="merged pull requests of at most 20 commits"
  git -C "$repo" rev-list --first-parent --merges "$head" | while read -r m; do
    b=$(git -C "$repo" merge-base "$m^1" "$m^2" 2>/dev/null) || continue
    h=$(git -C "$repo" rev-parse "$m^2")
    [ "$(git -C "$repo" rev-list --count "$b..$h")" -le 20 ] || continue
    echo "$b $h"
  done | head -n "$n" >"$work/ranges" || true
else
  kind="commits, each a pull request (the repository squashes or rebases)"
  git -C "$repo" rev-list --first-parent --no-merges -n "$n" "$head" | while read -r h; do
    b=$(git -C "$repo" rev-parse --verify -q "$h^") || continue
    echo "$b $h"
  done >"$work/ranges"
fi

: >"$work/rows"
stopped=0
while read -r b h; do
  c=$(git -C "$repo" rev-list --count "$b..$h")
  status=0
  /usr/bin/time -o "$work/time" -f "%e %U %S %M" timeout "$limit" \
    "$bin" check --repo "$repo" --base "$b" --head "$h" --format json --fail-on never >/dev/null 2>"$work/stderr" || status=$?
  if [ "$status" = 124 ]; then
    stopped=$((stopped + 1))
  elif [ "$status" != 0 ]; then
    echo "bench-prs: goodhart check --base $b --head $h failed (exit $status):" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  read -r wall user sys kb < <(tail -n 1 "$work/time")
  echo "$c $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $kb $b $h" >>"$work/rows"
done <"$work/ranges"
[ -z "${OUT:-}" ] || cp "$work/rows" "$OUT"

count=$(wc -l <"$work/rows")
[ "$count" -gt 0 ] || { echo "bench-prs: no pull request to check in $repo" >&2; exit 1; }
echo "repository: $repo; $count $kind; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
sort -k2 -n "$work/rows" | awk -v stopped="$stopped" '
  { w[NR] = $2; cpu += $3; if ($4 > kb) kb = $4; if ($2 >= 1) slow++ }
  function at(q) { i = int(q * NR + 0.999); if (i < 1) i = 1; return w[i] }
  END {
    printf "wall: median %.2f s, p90 %.2f s, p99 %.2f s, max %.2f s; mean CPU %.2f s; largest peak %.0f MB\n", at(0.5), at(0.9), at(0.99), w[NR], cpu / NR, kb / 1024
    printf "%d of %d at 1 s or more; %d stopped after the limit\n", slow + 0, NR, stopped
  }'
echo "slowest (commits, wall, cpu, peak MB, base, head):"
sort -k2 -nr "$work/rows" | head -n 5 | awk '{ printf "  %3d %6.2f s %6.2f s %5.0f MB  %s %s\n", $1, $2, $3, $4 / 1024, $5, $6 }'
