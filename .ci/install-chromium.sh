#!/usr/bin/env bash
# Installs Debian's Chromium for the browser storage tests
# (packages/terminal/src/storage/indexeddb-store.browser.test.ts), which drive /usr/bin/chromium
# with playwright-core and fail when it is missing. Nothing downloads a browser at install or run
# time: this is the only way one arrives. Does nothing when Chromium is already there, so it is
# safe to call on every run.
set -euo pipefail

CHROMIUM_PATH=/usr/bin/chromium

if [ -x "$CHROMIUM_PATH" ]; then
  echo "chromium: already installed ($("$CHROMIUM_PATH" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

echo "chromium: installing Debian's package"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "chromium: the package installed, but $CHROMIUM_PATH is still missing" >&2
  exit 1
fi
echo "chromium: installed ($("$CHROMIUM_PATH" --version 2>/dev/null || echo 'version unknown'))"
