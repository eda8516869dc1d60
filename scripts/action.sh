#!/usr/bin/env bash
# The steps of goodhart's GitHub Action (action.yml), kept here so that they
# can be run, and tested, outside GitHub.
#
#   action.sh install   build goodhart from this checkout of the action into
#                       $RUNNER_TEMP and add it to $GITHUB_PATH
#   action.sh check     work out the range from the event, fetch enough
#                       history, run goodhart, write the outputs and summary
#
# check reads the action's inputs from INPUT_FAIL_ON, INPUT_ASSUME_AGENT,
# INPUT_SARIF_FILE, INPUT_SUMMARY and INPUT_ARGS, and GitHub's own variables
# (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
# RUNNER_TEMP). It fails closed: when it cannot see the whole range, the step
# fails with a message; it never passes having checked nothing.
#
# GOODHART_DEEPEN_FROM and GOODHART_DEEPEN_MAX tune how history is deepened
# (the tests make them small).
set -euo pipefail

action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
zero_sha=0000000000000000000000000000000000000000

# fd 3 is the step's standard output, where workflow commands are read, even
# inside $(...).
exec 3>&1

# fail stops the step with an error annotation.
fail() {
  local msg=${1//%/%25}
  echo "::error title=goodhart::${msg//$'\n'/%0A}" >&3
  exit 2
}

log() { echo "goodhart: $*"; }

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed on this runner; goodhart's action needs it"
  done
}

install() {
  need go
  local bin=${RUNNER_TEMP:?RUNNER_TEMP is not set}/goodhart-bin
  mkdir -p "$bin"
  (cd "$action_dir" && go build -ldflags "-X main.version=${GOODHART_VERSION:-}" -o "$bin/goodhart" ./cmd/goodhart) ||
    fail "could not build goodhart from $action_dir"
  echo "$bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
  log "built $("$bin/goodhart" version)"
}

# event_sha reads a commit hash from the event payload.
event_sha() {
  local v
  v=$(jq -r "$1 // empty" "$GITHUB_EVENT_PATH")
  [[ $v =~ ^[0-9a-f]{40}$ ]] || fail "the $GITHUB_EVENT_NAME event has no commit at $1 (got '${v}')"
  echo "$v"
}

is_shallow() { [ "$(git rev-parse --is-shallow-repository)" = true ]; }

# fetch_commit makes sure a commit is in the clone, without turning a full
# clone into a shallow one.
fetch_commit() {
  git cat-file -e "$1^{commit}" 2>/dev/null && return
  local shallow_args=()
  if is_shallow; then shallow_args=(--depth=1); fi
  git fetch --no-tags --quiet "${shallow_args[@]}" origin "$1" ||
    fail "cannot fetch commit $1 from origin"
  git cat-file -e "$1^{commit}" 2>/dev/null || fail "origin has no commit $1"
}

# range_complete reports whether the clone holds the merge base of base and
# head and every commit between it and either tip. A shallow boundary among
# those commits could hide a better merge base, or commits of the range.
range_complete() {
  local mb shallow inside
  mb=$(git merge-base "$base" "$head" 2>/dev/null) || return 1
  shallow=$(git rev-parse --git-path shallow)
  [ -s "$shallow" ] || return 0
  inside=$(git rev-list "$base" "$head" "^$mb") || return 1
  # A here-string, not a pipe: with pipefail, grep -q closing a pipe early
  # would fail the writer and turn "found" into "not found".
  ! grep -qxFf "$shallow" <<<"$mb"$'\n'"$inside"
}

# deepen fetches more history, doubling the depth each time, until the range
# is complete; past GOODHART_DEEPEN_MAX it fetches the whole history.
deepen() {
  local depth=${GOODHART_DEEPEN_FROM:-32} max=${GOODHART_DEEPEN_MAX:-4096}
  while ! range_complete; do
    if ! is_shallow; then
      return # the whole history is here: goodhart says what is wrong
    fi
    if [ "$depth" -gt "$max" ]; then
      log "fetching the whole history"
      git fetch --no-tags --quiet --unshallow origin "$base" "$head" ||
        fail "cannot fetch the history of $base and $head from origin"
    else
      log "fetching $depth more commits of history to find the merge base"
      git fetch --no-tags --quiet --deepen="$depth" origin "$base" "$head" ||
        fail "cannot deepen the history of $base and $head from origin"
      depth=$((depth * 2))
    fi
  done
}

# work_out_range sets base and head from the event, and for a pull request
# who opened it from which branch (an agent's account or branch prefix makes
# it an agent's pull request).
work_out_range() {
  author='' branch=''
  case "$GITHUB_EVENT_NAME" in
  pull_request | pull_request_target)
    base=$(event_sha .pull_request.base.sha)
    head=$(event_sha .pull_request.head.sha)
    author=$(jq -r '.pull_request.user.login // empty' "$GITHUB_EVENT_PATH")
    branch=$(jq -r '.pull_request.head.ref // empty' "$GITHUB_EVENT_PATH")
    ;;
  push)
    head=$(jq -r '.after // empty' "$GITHUB_EVENT_PATH")
    if [ "$head" = "$zero_sha" ]; then
      head= # a deleted branch: no commits to check
      return
    fi
    head=$(event_sha .after)
    base=$(jq -r '.before // empty' "$GITHUB_EVENT_PATH")
    local ref default
    ref=$(jq -r '.ref // empty' "$GITHUB_EVENT_PATH")
    default=$(jq -r '.repository.default_branch // empty' "$GITHUB_EVENT_PATH")
    if [ "$base" = "$zero_sha" ]; then
      base=$(default_branch_tip)
    elif [[ $ref == refs/heads/* ]] && [ -n "$default" ] && [ "${ref#refs/heads/}" != "$default" ]; then
      # A push to another branch than the default one: judge the whole
      # branch against the default branch, not only this push's commits,
      # so that one more commit cannot bury a shortcut an earlier push made.
      log "a push to ${ref#refs/heads/}: checking the whole branch against $default"
      base=$(default_branch_tip)
    else
      base=$(event_sha .before)
    fi
    ;;
  *)
    fail "cannot tell what to check on a '${GITHUB_EVENT_NAME:-}' event: run goodhart's action on pull_request or push"
    ;;
  esac
}

# default_branch_tip is where a newly pushed branch is compared from: the
# tip of the repository's default branch.
default_branch_tip() {
  local branch
  branch=$(jq -r '.repository.default_branch // empty' "$GITHUB_EVENT_PATH")
  [ -n "$branch" ] || fail "a new branch was pushed and the event does not name the default branch to compare it with"
  local shallow_args=()
  if is_shallow; then shallow_args=(--depth=1); fi
  git fetch --no-tags --quiet "${shallow_args[@]}" origin "+refs/heads/$branch:refs/remotes/origin/$branch" >&2 ||
    fail "cannot fetch the default branch $branch from origin"
  git rev-parse "refs/remotes/origin/$branch^{commit}"
}

# output appends name=value to the step's outputs.
output() { echo "$1=$2" >>"$GITHUB_OUTPUT"; }

check() {
  need git jq goodhart
  : "${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH is not set}" "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
  local fail_on=${INPUT_FAIL_ON:-error} assume=${INPUT_ASSUME_AGENT:-auto} summary=${INPUT_SUMMARY:-true}
  case "$assume" in auto | true | false) ;; *) fail "assume-agent must be auto, true or false, not '$assume'" ;; esac
  case "$summary" in true | false) ;; *) fail "summary must be true or false, not '$summary'" ;; esac
  git rev-parse --git-dir >/dev/null 2>&1 || fail "$(pwd) is not a git repository: run actions/checkout before goodhart"

  work_out_range
  if [ -z "$head" ]; then
    log "the push deleted a branch: there are no commits to check"
    output findings 0
    output errors 0
    output report-path ""
    return
  fi
  fetch_commit "$base"
  fetch_commit "$head"
  deepen
  run_goodhart "$fail_on" "$assume" "$summary"
}

# accept_file sets accept_path to the file to give --accept. A file of the repository is
# one the checked change could have written: it is read as the base revision
# has it (none there is an empty list). Any other file (one a previous step
# wrote outside the checkout, say) is used as it is.
accept_file() {
  local path=$1 dir=$2
  if [[ $path != /* ]] && { git cat-file -e "$base:$path" 2>/dev/null || git ls-files --error-unmatch -- "$path" >/dev/null 2>&1; }; then
    git show "$base:$path" >"$dir/accept.yml" 2>/dev/null || : >"$dir/accept.yml"
    log "accept-file $path is a file of the repository: reading it as the base revision ${base:0:12} has it"
    accept_path=$dir/accept.yml
    return
  fi
  [ -f "$path" ] || fail "accept-file '$path' does not exist"
  accept_path=$path
}

run_goodhart() {
  local fail_on=$1 assume=$2 summary=$3
  local dir=${RUNNER_TEMP:-$(mktemp -d)}/goodhart
  mkdir -p "$dir"
  local md=$dir/goodhart.md json=$dir/goodhart.json
  local args=(check --repo . --base "$base" --head "$head" --fail-on "$fail_on"
    --format github --format "json=$json" --format "markdown=$md")
  if [ -n "${INPUT_SARIF_FILE:-}" ]; then args+=(--format "sarif=$INPUT_SARIF_FILE"); fi
  case "$assume" in
  true) args+=(--assume-agent) ;;
  auto)
    if [ -n "$author" ]; then args+=(--pr-author "$author"); fi
    if [ -n "$branch" ]; then args+=(--pr-branch "$branch"); fi
    ;;
  esac
  if [ -n "${GITHUB_RUN_ID:-}" ]; then
    # The github format prints the whole text report in that log group; the
    # annotations' closing notice and a markdown report cut short point there.
    args+=(--report-link "the \"goodhart report\" group of the step log at ${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/$GITHUB_RUN_ID")
  fi
  if [ -n "${INPUT_ACCEPT_FILE:-}" ]; then
    accept_file "$INPUT_ACCEPT_FILE" "$dir"
    args+=(--accept "$accept_path")
  fi
  local extra=()
  read -r -a extra <<<"${INPUT_ARGS:-}"

  log "checking $base..$head"
  local status=0
  goodhart "${args[@]}" "${extra[@]}" || status=$?
  if [ "$status" -gt 1 ]; then
    fail "goodhart could not check $base..$head (exit status $status; its message is above)"
  fi
  output findings "$(jq '.findings | length' "$json")"
  output errors "$(jq '.summary.error' "$json")"
  output report-path "$md"
  if [ "$summary" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$md" >>"$GITHUB_STEP_SUMMARY"
  fi
  return "$status"
}

case "${1:-}" in
install) install ;;
check) check ;;
*)
  echo "usage: $0 install|check" >&2
  exit 2
  ;;
esac
