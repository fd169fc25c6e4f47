#!/usr/bin/env bash
# Debian's Chromium for the quality console's browser test (test/console), driven by
# playwright-core with executablePath: no browser is downloaded by npm. Does nothing when
# /usr/bin/chromium is already there. Needs root (CI runs as root).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-liberation >/dev/null
/usr/bin/chromium --version
