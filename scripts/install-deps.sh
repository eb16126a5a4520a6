#!/usr/bin/env bash
# Installs every Debian package evenhand needs to build, test and benchmark.
# Idempotent: does nothing when everything is already installed. Run as root.
set -euo pipefail

PACKAGES=(
  build-essential cmake ccache pkg-config git
  libvectorscan-dev libicu-dev libcld2-dev
  libsqlite3-dev sqlite3 libyaml-cpp-dev nlohmann-json3-dev libsimdjson-dev
  postgresql-15 libpq-dev  # the PostgreSQL store (src/store/postgres); its tests start a throwaway cluster
  libnats-dev nats-server  # stream ingest and workers (src/stream); their tests start a nats-server of their own
  libcli11-dev libfmt-dev libssl-dev
  libfasttext-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libjpeg62-turbo-dev libpng-dev libwebp-dev libgif-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev  # video decoding for vPDQ (src/media)
  ffmpeg  # the tests make their robustness videos with it (re-encode, scale, crop, overlay, excerpt)
  libfaiss-dev  # bench/faiss_bank_bench (the bank-search peer); optional for the build
  libboost1.81-dev  # evenhand serve's HTTP transport (Boost.Beast/Asio, header-only)
  libcpp-httplib-dev wrk  # the server tests' HTTP client, and the load test (bench/http_load.sh)
  clang libclang-rt-14-dev  # libFuzzer targets (tests/fuzz, scripts/fuzz.sh)
  python3 curl
  libtesseract-dev libleptonica-dev tesseract-ocr-urd tesseract-ocr-eng  # text in images (src/media/ocr)
  libexpat1-dev  # NCMEC hash-sharing XML (src/exchange/ncmec_xml)
  python3-pil libraqm0 python3-numpy fonts-noto-core  # tools/ocr_testset: renders the OCR test set (Urdu shaping, Noto Nastaliq/Naskh)
  chromium fonts-dejavu-core  # e2e_report_test looks at the HTML report in headless Chromium
)
# scripts/browser-test.sh (tests/browser, playwright-core) needs Node.js >= 18 and npm;
# a Node.js already on the PATH (e.g. from another repository) is kept.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
