#!/usr/bin/env bash
# Runs the whole test suite: unit tests, and integration tests against a throwaway PostgreSQL, a real
# SMTP server (maildev) and, where needed, Chromium. Installs what it needs first. Ends with one line:
# "N passed, N failed, N skipped", counted from the test results.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/local/prerequisites.sh
need_postgres
need_maildev
need_smtp_sink
need_aiosmtpd
need_dovecot
need_chromium
need_docker_compose

results="TestResults"
rm -rf "$results"
mkdir -p "$results"
# The integration tests say there which PostgreSQL they ran on (Testcontainers or a throwaway local cluster).
export DIGEST_TEST_RESULTS="$PWD/$results"
echo "==> Building"
dotnet build Digest.sln -c Release -nologo -v quiet -clp:ErrorsOnly
echo "==> Testing"
set +e
dotnet test Digest.sln -c Release --no-build -nologo --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results"
status=$?
set -e
[ -f "$results/database.txt" ] && cat "$results/database.txt"

# Sum the counters of every TRX file: passed, failed (failed, error, timeout, aborted), skipped (not executed).
summary=$(cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
  function v(name,   m) { if (match($0, name "=\"[0-9]+\"")) { m = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0 } return 0 }
  { p += v("passed"); f += v("failed") + v("error") + v("timeout") + v("aborted"); s += v("notExecuted") }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }')
[ -n "$summary" ] || summary="0 passed, 0 failed, 0 skipped"
echo "$summary"
exit $status
