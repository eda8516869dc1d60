#!/usr/bin/env bash
# Benchmark on a real repository: goodhart beside git on the same work.
#
#   scripts/bench-real.sh REPO [RANGE]
#
# REPO is a repository (a bare mirror is fine). RANGE (default HEAD~200..HEAD)
# is the range `goodhart check` judges, measured beside `git log -p` of the
# same commits and `git diff` of the range. Then `goodhart scan` of the N
# newest commits (N, default 300) is measured beside `git log -p -n N` with
# the same merge handling. Environment:
#
#   N=300            commits of the scan; N=0 skips the scan
#   SCAN_FLAGS=...   more scan flags, e.g. "--all-authors --no-merges"
#   CHECK=0          skips the check
#   GOODHART=PATH    the binary to measure (default: built from this tree)
#   LIMIT=600        seconds after which a command is stopped (reported as such)
#
# Each command runs once (real repositories are slow and the machine noisy:
# read the ratios, which are taken in the same run). For each, the table
# gives the wall time, the CPU time (user + system, with its children: on a
# shared machine the steadier figure), the peak resident memory of the
# command's own process (its VmHWM), the largest peak of any process of its
# tree (GNU time's %M: for goodhart, often a git child), the largest sum of
# the tree's resident memory seen at one moment (sampled every 0.2 s), and
# the ratios of wall and CPU time to git log -p.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repo=${1:?usage: bench-real.sh REPO [RANGE]}
range=${2:-HEAD~200..HEAD}
n=${N:-300}
limit=${LIMIT:-600}
read -r -a scanflags <<<"${SCAN_FLAGS:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x /usr/bin/time ] || { echo "bench-real: needs /usr/bin/time (GNU time)" >&2; exit 2; }
case $range in
  *..*) base=${range%%..*} head=${range##*..} ;;
  *) echo "bench-real: RANGE must be BASE..HEAD" >&2; exit 2 ;;
esac
bin=${GOODHART:-}
if [ -z "$bin" ]; then
  bin=$work/goodhart
  (cd "$root" && go build -o "$bin" ./cmd/goodhart)
fi
base=$(git -C "$repo" rev-parse --verify "$base^{commit}")
head=$(git -C "$repo" rev-parse --verify "$head^{commit}")

# descendants PID: the process ids of PID's tree below it.
descendants() {
  local p
  for p in $(pgrep -P "$1" || true); do
    echo "$p"
    descendants "$p"
  done
}

# measure NAME COMMAND...: one run, output to /dev/null; prints
# "NAME wall own_kb tree_kb sum_kb status".
measure() {
  local name=$1 tpid cpid own=0 sum peaksum=0 key value p status wall tree user sys
  shift
  /usr/bin/time -o "$work/time" -f "%e %M %U %S" timeout "$limit" "$@" >/dev/null 2>"$work/stderr" &
  tpid=$!
  while kill -0 "$tpid" 2>/dev/null; do
    # time runs timeout, which runs the command.
    cpid=$(pgrep -P "$tpid" | head -n 1 || true)
    [ -z "$cpid" ] || cpid=$(pgrep -P "$cpid" | head -n 1 || true)
    if [ -n "$cpid" ] && [ -r "/proc/$cpid/status" ]; then
      while read -r key value _; do
        if [ "$key" = VmHWM: ] && [ "$value" -gt "$own" ]; then own=$value; fi
      done <"/proc/$cpid/status" 2>/dev/null || true
      sum=0
      for p in $cpid $(descendants "$cpid"); do
        value=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
        sum=$((sum + ${value:-0}))
      done
      [ "$sum" -le "$peaksum" ] || peaksum=$sum
    fi
    sleep 0.2
  done
  status=ok
  wait "$tpid" || status="exit=$?"
  [ "$status" != "exit=124" ] || status="stopped after ${limit}s"
  # goodhart exits 1 when it has findings: that is a finished run.
  [ "$status" != "exit=1" ] || ! grep -q goodhart <<<"$*" || status=ok
  # GNU time puts "Command exited with non-zero status N" first then.
  read -r wall tree user sys < <(tail -n 1 "$work/time")
  echo "$name|$wall|$own|$tree|$peaksum|$status|$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
}

commits=$(git -C "$repo" rev-list --count "$base..$head")
git -C "$repo" log -p "$base..$head" >/dev/null # warm the page cache
{
  if [ "${CHECK:-1}" != 0 ]; then
    measure "git log -p $range" git -C "$repo" log -p "$base..$head"
    measure "git diff $range" git -C "$repo" diff "$base" "$head"
    measure "goodhart check" "$bin" check --repo "$repo" --base "$base" --head "$head" --format json --fail-on never
  fi
  if [ "$n" != 0 ]; then
    logflags=()
    for f in "${scanflags[@]}"; do
      [ "$f" != --no-merges ] || logflags+=(--no-merges)
    done
    # scan checks a merge against its first parent: git log -p's
    # --diff-merges=first-parent does the same work.
    measure "git log -p -n $n" git -C "$repo" log -p --diff-merges=first-parent "${logflags[@]}" -n "$n" "$head"
    measure "goodhart scan $n" "$bin" scan --repo "$repo" --rev "$head" --max-commits "$n" "${scanflags[@]}" --format json
  fi
} >"$work/results"

echo "repository: $repo; range $range ($commits commits); scan of $n commits ${SCAN_FLAGS:-}; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-34s %9s %9s %10s %10s %10s %7s %7s  %s\n" command wall cpu "own peak" "tree max" "tree sum" "wall x" "cpu x" status
awk -F'|' '
  $1 ~ /^git log -p/ { wall = $2; cpu = $7 }
  {
    rw = "-"; rc = "-"
    if ($1 ~ /^goodhart/ && wall > 0) rw = sprintf("%.1fx", $2 / wall)
    if ($1 ~ /^goodhart/ && cpu > 0) rc = sprintf("%.1fx", $7 / cpu)
    printf "%-34s %7.2f s %7.2f s %7.0f MB %7.0f MB %7.0f MB %7s %7s  %s\n", $1, $2, $7, $3 / 1024, $4 / 1024, $5 / 1024, rw, rc, $6
  }' "$work/results"
echo "(wall x, cpu x: ratios to the git log -p above; cpu: user + system time of the command and its children, the steadier"
echo " figure on a busy machine; own peak: the command's VmHWM; tree max: the largest process of its tree; tree sum:"
echo " its processes' resident memory together, sampled every 0.2 s)"
