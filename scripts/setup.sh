#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine (run as root, or with sudo available).
# Usage: scripts/setup.sh [base|search|s3|all]
#   base   - Debian packages (Tesseract + ara, poppler, fonts), .venv, editable install, ara best_int model
#   search - Java 17 + Maven and the embedded OpenSearch node's jars (index/node)
#   s3     - versitygw S3 server for tests (Go)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3}
VENV=$ROOT/.venv
CACHE=$ROOT/.cache
mkdir -p "$CACHE"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; fi
fi

APT_UPDATED=0
APT_FLAGS=()
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing Debian packages: ${missing[*]}; install them with your package manager."
  if [ "$(id -u)" != 0 ] && [ -z "$SUDO" ]; then
    die "missing Debian packages: ${missing[*]}; run 'sudo apt-get install ${missing[*]}' or run make as root."
  fi
  say "installing Debian packages: ${missing[*]}"
  if [ $APT_UPDATED = 0 ]; then $SUDO apt-get update -qq || die "apt-get update failed; check the network/package mirror."; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${APT_FLAGS[@]}" "${missing[@]}" >/dev/null \
    || die "could not install ${missing[*]} with apt-get; install them by hand and re-run."
}

setup_base() {
  apt_install tesseract-ocr tesseract-ocr-ara tesseract-ocr-script-arab poppler-utils \
    fonts-hosny-amiri fonts-dejavu-core libraqm0 python3-venv
  # typefaces of the held-out development set (bench/heldout; about 12 MB together)
  apt_install fonts-sil-scheherazade fonts-sil-lateef fonts-arabeyes fonts-kacst-one fonts-sil-harmattan
  # PostgreSQL: the shared state store of many machines; the tests start their own server on a temp dir
  APT_FLAGS=(--no-install-recommends); apt_install postgresql; APT_FLAGS=()
  # Headless Chromium + driver for the web tests (Debian's; no browser download). Recommends pull in
  # ~100 desktop packages (cups, avahi, ...): not needed headless.
  APT_FLAGS=(--no-install-recommends); apt_install chromium chromium-driver; APT_FLAGS=()
  command -v "$PY" >/dev/null || die "python3 not found; install Python 3.11+."
  "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11+ is required ($PY is older)."
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    "$PY" -m venv "$VENV" || die "could not create a virtualenv; install python3-venv."
  fi
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "installing Python packages into .venv"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    "$VENV/bin/pip" install -q -e ".[dev]" || die "pip install failed; see the messages above."
    # camel-tools declares torch+transformers (GBs of CUDA wheels) that its data-free utilities never use.
    "$VENV/bin/pip" install -q --no-deps "camel-tools==1.6.0" || die "could not install camel-tools."
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
  # Arabic model: Athar's fine-tuned ara (ocr/data/ara.traineddata, from ocr/train/finetune.py), installed
  # beside Debian's models (Tesseract wants osd and the digit-pass model next to ara with --tessdata-dir).
  mkdir -p "$CACHE/tessdata"
  for f in /usr/share/tesseract-ocr/5/tessdata/*.traineddata; do
    [ "$(basename "$f")" = ara.traineddata ] || ln -sf "$f" "$CACHE/tessdata/"
  done
  if ! cmp -s ocr/data/ara.traineddata "$CACHE/tessdata/ara.traineddata"; then
    say "installing Athar's fine-tuned ara model"
    cp ocr/data/ara.traineddata "$CACHE/tessdata/ara.traineddata.part"
    mv "$CACHE/tessdata/ara.traineddata.part" "$CACHE/tessdata/ara.traineddata"
  fi
  # The model it was fine-tuned from (integerised 'best' ara, npm @tesseract.js-data/ara); needed only to
  # fine-tune again, or to compare (ATHAR_TESSDATA_DIR=.cache/tessdata-base).
  if [ ! -s "$CACHE/tessdata-base/ara.traineddata" ]; then
    if command -v npm >/dev/null; then
      say "fetching the base ara best_int model (npm @tesseract.js-data/ara)"
      local tmp; tmp=$(mktemp -d)
      if (cd "$tmp" && npm pack --silent @tesseract.js-data/ara@1.0.0 >/dev/null 2>&1); then
        mkdir -p "$CACHE/tessdata-base"
        tar xzf "$tmp"/*.tgz -C "$tmp"
        for f in /usr/share/tesseract-ocr/5/tessdata/*.traineddata; do
          [ "$(basename "$f")" = ara.traineddata ] || ln -sf "$f" "$CACHE/tessdata-base/"
        done
        gunzip -c "$tmp/package/4.0.0_best_int/ara.traineddata.gz" > "$CACHE/tessdata-base/ara.traineddata.part"
        mv "$CACHE/tessdata-base/ara.traineddata.part" "$CACHE/tessdata-base/ara.traineddata"
      else
        say "note: npm could not fetch @tesseract.js-data/ara (only needed to fine-tune the model again)."
      fi
      rm -rf "$tmp"
    else
      say "note: npm not found (only needed to fetch the base model for fine-tuning the model again)."
    fi
  fi
}

setup_search() {
  command -v javac >/dev/null || apt_install openjdk-17-jdk-headless  # javac: Maven compiles the launcher
  command -v mvn >/dev/null || apt_install maven
  if [ -f index/node/pom.xml ]; then
    local sources stamp
    sources=$(find index/node/pom.xml index/node/src -type f | sort)
    # shellcheck disable=SC2086
    stamp="$CACHE/node-$(sha256sum $sources | sha256sum | cut -c1-16)"
    if [ ! -f "$stamp" ] || [ ! -d index/node/target/lib ] || [ ! -d index/node/target/classes ]; then
      say "resolving the embedded OpenSearch node's jars with Maven (first time: a few minutes)"
      rm -rf index/node/target/lib  # no stale jars of another version on the classpath
      (cd index/node && mvn -q -B package dependency:copy-dependencies -DoutputDirectory=target/lib -DincludeScope=runtime) \
        || die "Maven could not build index/node; check Java 17 and Maven Central access."
      rm -f "$CACHE"/node-*; touch "$stamp"
    fi
  fi
}

GO_TOOLCHAIN=go1.25.0  # versitygw v1.7.0 declares go 1.25.0

# A Go able to build versitygw: the system one if >= 1.21 (it fetches the toolchain named by go.mod
# from the Go module proxy itself), else the toolchain module from the proxy (Debian 12 ships 1.19).
go_binary() {
  if command -v go >/dev/null; then
    local minor; minor=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
    if [ -n "$minor" ] && [ "$minor" -ge 21 ]; then command -v go; return 0; fi
  fi
  local dir="$CACHE/go-toolchain/$GO_TOOLCHAIN" arch
  if [ ! -x "$dir/bin/go" ]; then
    case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) die "no Go toolchain for $(uname -m)";; esac
    apt_install curl unzip ca-certificates
    local module="golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.linux-$arch"
    say "fetching the Go toolchain $GO_TOOLCHAIN from the Go module proxy"
    local tmp; tmp=$(mktemp -d)
    curl -fsSL -o "$tmp/go.zip" "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-$GO_TOOLCHAIN.linux-$arch.zip" \
      || die "could not download the Go toolchain; check access to proxy.golang.org (or install Go >= 1.21)."
    unzip -q "$tmp/go.zip" -d "$tmp" || die "the downloaded Go toolchain is damaged; re-run make."
    mkdir -p "$(dirname "$dir")"
    rm -rf "$dir"; mv "$tmp/$module" "$dir"; rm -rf "$tmp"
  fi
  echo "$dir/bin/go"
}

setup_s3() {
  local bin="$CACHE/bin/versitygw"
  if [ ! -x "$bin" ]; then
    local go; go=$(go_binary)
    say "building versitygw v1.7.0 (S3 server for tests; first time: a few minutes)"
    GOBIN="$CACHE/bin" GOTOOLCHAIN=auto "$go" install github.com/versity/versitygw/cmd/versitygw@v1.7.0 \
      || die "could not build versitygw with Go; check the Go module proxy (proxy.golang.org) is reachable."
  fi
  "$bin" --version >/dev/null 2>&1 || die "$bin does not run; delete it and re-run make."
}

case "${1:-all}" in
  base) setup_base ;;
  search) setup_search ;;
  s3) setup_s3 ;;
  all) setup_base; setup_search; setup_s3 ;;
  *) die "unknown step '$1' (use base, search, s3 or all)" ;;
esac
