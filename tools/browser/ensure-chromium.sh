#!/usr/bin/env bash
# Browser tests drive Debian's Chromium with playwright-core (no browser download at run time).
# Installs the `chromium` package when it is missing and this user may (root, or sudo without a
# password); otherwise says so, and the browser specs skip with that message.
set -uo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[reclaim] no Chromium and no apt-get: browser tests will be skipped (set CHROMIUM_PATH)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "[reclaim] no Chromium, and installing it needs root: browser tests will be skipped" >&2
    exit 0
  fi
fi
echo "[reclaim] installing Debian's chromium for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
  $SUDO apt-get update >/dev/null 2>&1 || true
  $SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
    echo "[reclaim] could not install chromium: browser tests will be skipped" >&2
fi
exit 0
