# Installs what Digest needs on a fresh Debian machine, only when it is missing. Sourced by run.sh and test.sh.

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

need_postgres() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v pg_config >/dev/null 2>&1; then
    echo "==> Installing PostgreSQL (apt)"
    apt_install postgresql
  fi
}

need_node() {
  if ! command -v npm >/dev/null 2>&1; then
    echo "==> Installing Node.js and npm (apt)"
    apt_install nodejs npm
  fi
}

need_maildev() {
  need_node
  if [ ! -x deploy/local/node_modules/.bin/maildev ]; then
    echo "==> Installing maildev (npm)"
    (cd deploy/local && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

need_smtp_sink() {
  if [ ! -x /usr/sbin/smtp-sink ]; then
    echo "==> Installing smtp-sink (apt: postfix, left unconfigured and stopped)"
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
    apt_install postfix
  fi
}

# An SMTP server that speaks STARTTLS, implicit TLS, AUTH and SMTPUTF8 for the sending tests, with openssl
# for its throwaway certificate. Debian's package, run with the system python (not any other on the PATH).
need_aiosmtpd() {
  if ! /usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1; then
    echo "==> Installing aiosmtpd (apt: python3-aiosmtpd)"
    apt_install python3-aiosmtpd
  fi
  if ! command -v openssl >/dev/null 2>&1; then
    echo "==> Installing openssl (apt)"
    apt_install openssl
  fi
}

# The bounce mailbox tests start their own Dovecot in the foreground; the package's service is not used.
need_dovecot() {
  if ! command -v dovecot >/dev/null 2>&1; then
    echo "==> Installing Dovecot IMAP (apt: dovecot-imapd)"
    apt_install dovecot-imapd
  fi
}

need_docker_compose() {
  if ! command -v docker-compose >/dev/null 2>&1; then
    echo "==> Installing docker-compose (apt; only to validate docker-compose.yml, no engine needed)"
    apt_install docker-compose
  fi
}

need_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    echo "==> Installing Chromium (apt)"
    apt_install chromium
  fi
}
