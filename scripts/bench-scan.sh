#!/usr/bin/env bash
# Benchmark: goodhart scan against git log -p on the same history.
#
#   scripts/bench-scan.sh [REPO]
#
# REPO defaults to a history generated once by scripts/genhistory (1,200
# commits editing the Go standard library's files, people and agents, no
# merges) in ${TMPDIR:-/tmp}/goodhart-bench.git; give any repository to
# measure that instead. Each command runs RUNS times (default 3) after one
# warm-up of git log -p; the table gives the median wall time, the peak
# resident memory of the largest process (/usr/bin/time's %M), and the
# ratio to git log -p. N (default 1000) is the number of commits. COMMENTS
# (default 70) is the percent of the generated edits that only add comment
# lines; the rest remove or copy functions (COMMENTS=10 is code-heavy).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
comments=${COMMENTS:-70}
default=${TMPDIR:-/tmp}/goodhart-bench.git
[ "$comments" = 70 ] || default=${TMPDIR:-/tmp}/goodhart-bench-comments$comments.git
repo=${1:-$default}
runs=${RUNS:-3}
n=${N:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x /usr/bin/time ] || { echo "bench-scan: needs /usr/bin/time (GNU time)" >&2; exit 2; }
(cd "$root" && go build -o "$work/goodhart" ./cmd/goodhart)
if [ ! -d "$repo" ]; then
  echo "generating $repo (go run ./scripts/genhistory -commits $((n + 200)) -comments $comments)" >&2
  (cd "$root" && go run ./scripts/genhistory -out "$repo" -commits $((n + 200)) -comments "$comments")
fi

# measure NAME COMMAND...: the median wall time and the largest peak memory
# of RUNS runs, output to /dev/null.
measure() {
  local name=$1 i
  shift
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$work/time" -f "%e %M" "$@" >/dev/null
    cat "$work/time"
  done | sort -n | awk -v name="$name" -v runs="$runs" '
    { wall[NR] = $1; if ($2 > mem) mem = $2 }
    END { printf "%s %.2f %.0f\n", name, wall[int((runs + 1) / 2)], mem / 1024 }'
}

git -C "$repo" log -p --no-merges -n "$n" >/dev/null # warm the page cache
{
  measure "git-log-p" git -C "$repo" log -p --no-merges -n "$n"
  GOODHART_GIT=git measure "scan(git)" "$work/goodhart" scan --repo "$repo" --all-authors --max-commits "$n"
  GOODHART_GIT=go-git measure "scan(go-git)" "$work/goodhart" scan --repo "$repo" --all-authors --max-commits "$n"
} >"$work/results"

echo "repository: $repo ($(git -C "$repo" rev-list --count HEAD) commits), $n commits, median of $runs runs, $(nproc) cores"
awk '
  NR == 1 { base = $2 }
  { printf "%-14s %8.2f s %7.0f MB %6.1fx\n", $1, $2, $3, $2 / base }' "$work/results"
echo
echo "commands:"
echo "  git -C $repo log -p --no-merges -n $n"
echo "  goodhart scan --repo $repo --all-authors --max-commits $n   (GOODHART_GIT=git, then go-git)"
