#!/usr/bin/env bash
# Make sure a Chromium-family browser is there for the browser tests. On this project's
# Debian machines: Debian's chromium, installed when missing (as root, or with sudo).
# GitHub's Ubuntu runners already have Google Chrome. Never downloads a browser of its own
# (`playwright install` does not work offline).
set -euo pipefail
for browser in chromium chromium-browser google-chrome; do
  if command -v "$browser" >/dev/null 2>&1; then
    exit 0
  fi
done
if [ "$(id -u)" = "0" ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo"
else
  echo "No Chromium and no way to install it: the browser tests will be skipped (or fail where CI is set)." >&2
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  ($as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq chromium >/dev/null) \
    || echo "Could not install chromium: the browser tests will be skipped (or fail where CI is set)." >&2
fi
