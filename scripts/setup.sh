#!/usr/bin/env bash
# One-time (and idempotent) set-up: system tools for media, npm packages, and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

# --tests also installs what the test suites need beyond the main job (a headless Chromium).
with_tests=false
for argument in "$@"; do
  case "$argument" in
    --tests) with_tests=true ;;
    -h|--help) echo "usage: scripts/setup.sh [--tests]"; exit 0 ;;
    *) echo "setup: unknown option $argument (use --tests or nothing)" >&2; exit 2 ;;
  esac
done

need=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
# The face burned-in captions are drawn in (libass finds it through fontconfig).
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if $with_tests; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
fi
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "setup: installing ${need[*]} with apt-get" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    echo "setup: installing ${need[*]} with sudo apt-get" >&2
    sudo apt-get update -qq >&2
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  else
    echo "setup: cutroom needs ${need[*]} (ffmpeg 5+ with libx264, espeak-ng; chromium for the browser tests). Install them with your package manager and run this again." >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
node_minor=$(node -p 'process.versions.node.split(".")[1]')
if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; }; then
  echo "setup: cutroom needs Node.js 20.19 or newer (found $(node -v))." >&2
  exit 1
fi

# npm install (not npm ci): see README, the lockfile is honoured and left unchanged.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund >&2
fi
npm run --silent build >&2
echo "setup: ready" >&2
