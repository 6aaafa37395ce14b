#!/usr/bin/env bash
# Installs the Chromium the browser test drives (Debian's, at /usr/bin/chromium), and a Korean
# font so that screenshots show KCP's Korean messages instead of empty boxes. Idempotent: does
# nothing when both are there. Playwright's own browser download is never used.
# CI machines are fresh and run as root; elsewhere it uses sudo when it can.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
KOREAN_FONT_DIR=/usr/share/fonts/truetype/nanum
if [ -x "$CHROMIUM" ] && [ -d "$KOREAN_FONT_DIR" ]; then
  echo "[install-browser] $CHROMIUM present: $("$CHROMIUM" --version 2>/dev/null || echo unknown version)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "[install-browser] $CHROMIUM is missing and this is not root (no sudo): install the packages chromium and fonts-nanum" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# `apt-get update` once, only if the package lists do not know chromium yet (fresh images ship
# with empty lists).
if ! apt-cache show chromium fonts-nanum >/dev/null 2>&1; then
  echo "[install-browser] apt-get update"
  $SUDO apt-get update -qq
fi
echo "[install-browser] apt-get install -y chromium fonts-nanum"
$SUDO apt-get install -y -qq chromium fonts-nanum >/dev/null
"$CHROMIUM" --version
