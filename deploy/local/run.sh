#!/usr/bin/env bash
# Runs Digest locally on embedded defaults: a private PostgreSQL, a local mailbox (maildev),
# the sample listings and one demo subscriber; then web + worker in the foreground. Ctrl+C stops all.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/local/prerequisites.sh
need_postgres
need_maildev

echo "==> Building"
dotnet build src/Digest.Host -c Release -nologo -v quiet -clp:ErrorsOnly
digest() { dotnet src/Digest.Host/bin/Release/net10.0/digest.dll "$@"; }

mkdir -p .local
echo "==> Starting the local mailbox on http://localhost:1080 (SMTP on 1025)"
deploy/local/node_modules/.bin/maildev --smtp 1025 --web 1080 --ip 127.0.0.1 --web-ip 127.0.0.1 \
  --mail-directory .local/maildev >.local/maildev.log 2>&1 &
maildev_pid=$!
cleanup() {
  kill "$maildev_pid" 2>/dev/null || true
  digest localdb stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

echo "==> Preparing the database (private PostgreSQL under .local/)"
digest migrate
echo "==> Loading the sample listings"
digest ingest --source samples deploy/local/samples/* || [ $? -eq 2 ]
echo "==> Adding the demo subscriber"
digest subscriber add demo@example.org --topic 'grokking OR "length generalization" -diffusion' \
  --topic 'title:transformer*' --hour 8 --zone Europe/Berlin
echo "==> Making the local operator of the console"
# A new password each run, printed once: only its hash is stored.
operator_login=$(digest operator reset-password operator 2>/dev/null || digest operator add operator)
echo "$operator_login"
echo "==> Sending the demo digest now"
digest send-now --all

cat <<MSG

  Digest is running.
    Web:        http://localhost:5080   (subscribe here; the confirmation mail lands in the mailbox)
    Mailbox:    http://localhost:1080   (the demo digest is already there)
    Console:    http://localhost:5080/admin   (operator name: operator)
                $(echo "$operator_login" | tail -n 1)
    Inbox dir:  .local/inbox            (drop listing files here; the worker picks them up every minute)
  Ctrl+C stops Digest, the mailbox and the private PostgreSQL.

MSG
digest run --role all --urls http://127.0.0.1:5080
