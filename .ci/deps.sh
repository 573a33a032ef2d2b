#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages AuditDesk builds and tests with, only
# those missing, saying which; through sudo when not root; one retry (apt
# has been seen to fail once with "rename failed ... partial"). Extra
# packages a target needs may be named as arguments.
set -euo pipefail

packages=(
  build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev # build
  xvfb xauth xdotool x11-utils imagemagick                      # window tests, screenshots
  chromium                                                      # UI tests (never a downloaded browser)
  fonts-noto-cjk fonts-noto-color-emoji                         # Japanese, Vietnamese, emoji
  sqlite3 curl                                                  # benchmarks' peer; e2e readiness probe
  libreoffice-calc-nogui                                        # a report opened as a spreadsheet app opens it
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "deps: missing ${missing[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
install() {
  "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
if ! install; then
  echo "deps: apt-get failed; retrying once" >&2
  sleep 3
  install
fi
