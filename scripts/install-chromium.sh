#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing and we are root.
# Never downloads a browser of its own (`playwright install` does not work offline).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "Could not install chromium: the browser tests will be skipped." >&2
else
  echo "chromium is not installed and this is not root: the browser tests will be skipped." >&2
fi
