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
# resident memory of the command's own process and of its whole process
# tree (/usr/bin/time's %M), and the ratio to git log -p. N (default 1000)
# is the number of commits. COMMENTS (default 70) is the percent of the
# generated edits that only add comment lines; the rest remove or copy
# functions (COMMENTS=10 is code-heavy).
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

# measure NAME COMMAND...: the median wall time of RUNS runs, output to
# /dev/null, and the largest peak memory: of the command's own process
# (its VmHWM, read while it runs) and of it with its children (GNU time's
# %M is the largest of the tree: for scan, often a git cat-file process,
# whose pack mappings and delta cache count).
measure() {
  local name=$1 i tpid cpid own key value
  shift
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -o "$work/time" -f "%e %M" "$@" >/dev/null &
    tpid=$!
    own=0 cpid=
    while kill -0 "$tpid" 2>/dev/null; do
      # Cheap on purpose: the machine is the one being measured.
      [ -n "$cpid" ] || cpid=$(pgrep -P "$tpid" | head -n 1 || true)
      if [ -n "$cpid" ] && [ -r "/proc/$cpid/status" ]; then
        while read -r key value _; do
          if [ "$key" = VmHWM: ] && [ "$value" -gt "$own" ]; then own=$value; fi
        done <"/proc/$cpid/status" 2>/dev/null || true
      fi
      sleep 0.5
    done
    wait "$tpid"
    echo "$(cat "$work/time") $own"
  done | sort -n | awk -v name="$name" -v runs="$runs" '
    { wall[NR] = $1; if ($2 > tree) tree = $2; if ($3 > own) own = $3 }
    END { printf "%s %.2f %.0f %.0f\n", name, wall[int((runs + 1) / 2)], own / 1024, tree / 1024 }'
}

git -C "$repo" log -p --no-merges -n "$n" >/dev/null # warm the page cache
{
  measure "git-log-p" git -C "$repo" log -p --no-merges -n "$n"
  GOODHART_GIT=git measure "scan(git)" "$work/goodhart" scan --repo "$repo" --all-authors --max-commits "$n"
  GOODHART_GIT=go-git measure "scan(go-git)" "$work/goodhart" scan --repo "$repo" --all-authors --max-commits "$n"
} >"$work/results"

echo "repository: $repo ($(git -C "$repo" rev-list --count HEAD) commits), $n commits, median of $runs runs, $(nproc) cores"
printf "%-14s %10s %12s %14s %7s\n" command time "peak (own)" "peak (+ git)" ratio
awk '
  NR == 1 { base = $2 }
  { printf "%-14s %8.2f s %9.0f MB %11.0f MB %6.1fx\n", $1, $2, $3, $4, $2 / base }' "$work/results"
echo
echo "commands:"
echo "  git -C $repo log -p --no-merges -n $n"
echo "  goodhart scan --repo $repo --all-authors --max-commits $n   (GOODHART_GIT=git, then go-git)"
