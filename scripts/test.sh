#!/usr/bin/env bash
# THE test command: installs and starts the local services, runs every test project of the
# solution against them, stops what it started, and ends with ONE line:
#
#   N passed, N failed, N skipped
#
# The whole solution is built first (Release), then tested with --no-build. Exit status is
# non-zero when a test failed, the build failed, a test host crashed or hung, or no test ran.
# In the summary line, a project that did not compile and a test whose host crashed or hung are
# counted as failed, so the line never looks green when something broke. The full output is kept
# in .services/dotnet-test.log. Extra arguments go to `dotnet test`, e.g.
#
#   scripts/test.sh --filter "FullyQualifiedName~Purchase"
#
# Knobs (environment):
#   FLASHSALE_TEST_HANG_TIMEOUT  per-test hang timeout (default 5m; 0 disables). A test running
#                                longer is reported and its test host killed, so CI stays in budget.
#   FLASHSALE_TEST_SKIP_INSTALL  set to 1 to skip `services.sh install` (apt-get).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
SERVICES=(bash "$ROOT/scripts/services.sh")
LOG_DIR="$ROOT/.services"
LOG="$LOG_DIR/dotnet-test.log"
mkdir -p "$LOG_DIR"

say() { printf '[test] %s\n' "$*"; }

# One run at a time on this machine: the services use fixed ports, and a second run would share
# (and then have stopped under it) the first run's services.
LOCK=/tmp/flashsale-test.lock
exec 9>"$LOCK"
if ! flock -n 9; then
  say "another scripts/test.sh is running on this machine; waiting for it (lock $LOCK)"
  flock -w 1800 9 || { say "ERROR: gave up waiting for $LOCK"; printf '0 passed, 0 failed, 0 skipped\n'; exit 1; }
fi

# ---- services: start what is not running yet, and stop exactly that on exit
started=()
stopped_already=0
stop_started() {
  ((stopped_already)) && return 0
  stopped_already=1
  local s
  for s in "${started[@]}"; do
    "${SERVICES[@]}" stop "$s" || say "warning: could not stop $s"
  done
}
trap stop_started EXIT
trap 'say "interrupted"; exit 130' INT TERM

finish() { # passed failed skipped exit-code
  stop_started
  printf '%d passed, %d failed, %d skipped\n' "$1" "$2" "$3"
  exit "$4"
}

if [[ ${FLASHSALE_TEST_SKIP_INSTALL:-0} != 1 ]]; then
  "${SERVICES[@]}" install || { say "ERROR: installing system packages failed"; finish 0 0 0 1; }
fi
for s in redis cluster postgres; do
  if "${SERVICES[@]}" status "$s"; then
    say "$s already running: using it, leaving it running"
  else
    started+=("$s")
  fi
done
for s in "${started[@]}"; do
  # 9>&-: daemons must not inherit the lock, or they would hold it after this run ends.
  "${SERVICES[@]}" start "$s" 9>&- || { say "ERROR: could not start $s"; finish 0 0 0 1; }
done
eval "$("${SERVICES[@]}" env)"
export FLASHSALE_TEST_REDIS FLASHSALE_TEST_REDIS_CLUSTER FLASHSALE_TEST_POSTGRES FLASHSALE_TEST_CHROMIUM

# ---- dotnet build + dotnet test
# Classic console output (the terminal logger prints no per-project "Passed!  - Failed: ..." line),
# and no build processes that outlive the run: a lingering MSBuild node or compiler server would
# inherit our stdout pipe and keep CI waiting.
export MSBUILDTERMINALLOGGER=off
export MSBUILDDISABLENODEREUSE=1
export DOTNET_CLI_USE_MSBUILD_SERVER=0
export UseSharedCompilation="${UseSharedCompilation:-false}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Build the whole solution first (dotnet test alone compiles only test projects and what they
# reference, so a broken tool project such as the drill would go unnoticed), then test without
# rebuilding.
say "dotnet build FlashSale.slnx -c Release"
start_ts=$SECONDS
dotnet build FlashSale.slnx -c Release 9>&- 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
say "dotnet build exited with $rc after $((SECONDS - start_ts)) s"

args=(test FlashSale.slnx -c Release --no-build)
hang=${FLASHSALE_TEST_HANG_TIMEOUT:-5m}
if [[ $hang != 0 ]]; then
  args+=(--blame-hang-timeout "$hang" --blame-hang-dump-type none)
fi
args+=("$@")

if ((rc == 0)); then
  say "dotnet ${args[*]}"
  start_ts=$SECONDS
  # 9>&-: a server process a test leaves behind must not keep the lock (and every later run) waiting.
  dotnet "${args[@]}" 9>&- 2>&1 | tee -a "$LOG"
  rc=${PIPESTATUS[0]}
  say "dotnet test exited with $rc after $((SECONDS - start_ts)) s (full log: ${LOG#"$ROOT"/})"
fi

# ---- sum the per-project summary lines, e.g.
#   Passed!  - Failed:     0, Passed:     8, Skipped:     0, Total:     8, Duration: 41 ms - X.Tests.dll (net10.0)
#   Failed!  - Failed:     1, Passed:     7, Skipped:     0, Total:     8, Duration: 52 ms - X.Tests.dll (net10.0)
clean=$(sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r$//' "$LOG")
summaries=$(grep -E '^[[:space:]]*(Passed|Failed|Skipped)![[:space:]]+-[[:space:]]+Failed:' <<<"$clean" || true)
read -r passed failed skipped projects < <(
  awk '{
      line = $0
      if (match(line, /Failed:[[:space:]]*[0-9]+/))  { s = substr(line, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); f += s }
      if (match(line, /Passed:[[:space:]]*[0-9]+/))  { s = substr(line, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); p += s }
      if (match(line, /Skipped:[[:space:]]*[0-9]+/)) { s = substr(line, RSTART, RLENGTH); gsub(/[^0-9]/, "", s); k += s }
      n++
    }
    END { printf "%d %d %d %d\n", p, f, k, n }' <<<"$summaries"
)

echo
if [[ -n $summaries ]]; then
  say "per project:"
  sed 's/^[[:space:]]*/  /' <<<"$summaries"
fi
# "  Failed Name [12 ms]" then "  Error Message:" and the message, up to "  Stack Trace:".
failed_tests=$(awk '
    /^[[:space:]]+Failed [^ ].* \[[^]]+\]$/ { sub(/^[[:space:]]*/, ""); print "  " $0; inmsg = 0; n = 0; next }
    /^[[:space:]]+Error Message:[[:space:]]*$/ { inmsg = 1; next }
    /^[[:space:]]+Stack Trace:[[:space:]]*$/ || /^[[:space:]]*$/ { inmsg = 0; next }
    inmsg && n < 6 { sub(/^[[:space:]]*/, ""); print "      " $0; n++ }
  ' <<<"$clean")
if [[ -n $failed_tests ]]; then
  say "failed tests (messages and stack traces are above and in ${LOG#"$ROOT"/}):"
  printf '%s\n' "$failed_tests"
fi

# A crashed or hung test host prints no summary line: count the tests it was running as failed.
aborted_runs=$(grep -c 'Test Run Aborted' <<<"$clean" || true)
if ((aborted_runs > 0)); then
  culprits=$(awk '
      /tests? running when the crash occurred:/ { grab = 1; next }
      grab && /^[[:space:]]*$/ { grab = 0; next }
      grab { sub(/^[[:space:]]*/, ""); print "  " $0 }
    ' <<<"$clean" | sort -u)
  n_culprits=$(grep -c . <<<"$culprits" || true)
  ((n_culprits > aborted_runs)) || n_culprits=$aborted_runs
  failed=$((failed + n_culprits))
  say "ERROR: $aborted_runs test run(s) aborted (test host crashed, or a test exceeded the ${hang} hang timeout);"
  say "       the other tests of that project were not counted; counted as failed:"
  if [[ -n $culprits ]]; then printf '%s\n' "$culprits"; else echo "  (test host died before naming a test)"; fi
fi

status=0
if ((rc != 0)); then
  status=1
  # Build errors: "path(l,c): error CS0029: ... [/path/Project.csproj]". Each project that did not
  # build is counted as one failure, so the summary line never looks green when code did not compile.
  errors=$(grep -E ': error [A-Z]+[0-9]+:|error MSB[0-9]+|error NU[0-9]+' <<<"$clean" | sed 's/^[[:space:]]*/  /' | sort -u || true)
  if [[ -n $errors ]]; then
    broken=$(grep -oE '\[[^]]+\.(cs|fs|vb)proj[^]]*\]$' <<<"$errors" | sort -u | grep -c . || true)
    ((broken > 0)) || broken=1
    failed=$((failed + broken))
    say "ERROR: build failed ($broken project(s), counted as failed):"
    printf '%s\n' "$errors" | head -n 40
  elif ((failed == 0)); then
    say "ERROR: dotnet test exited with $rc although no test reported a failure; see ${LOG#"$ROOT"/}"
  fi
fi
((failed > 0)) && status=1
if ((passed + failed == 0)); then
  say "ERROR: no test ran"
  status=1
fi
finish "$passed" "$failed" "$skipped" "$status"
