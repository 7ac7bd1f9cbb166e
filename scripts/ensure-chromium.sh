#!/bin/sh
# The dashboard's browser tests drive headless Chromium. When none is on the
# PATH (and RAIN_CHROMIUM names none), install Debian's package if we can
# (root with apt-get); otherwise say how, and let those tests fail saying the
# same: they are never skipped.
if [ -n "${RAIN_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 ||
  command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "rain: installing chromium for the dashboard tests (apt-get install chromium)..." >&2
  if apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2; then
    exit 0
  fi
fi
echo "rain: Chromium is missing: the dashboard tests will fail. Install it with" \
  "'apt-get update && apt-get install -y chromium' (as root) or set RAIN_CHROMIUM." >&2
