#!/usr/bin/env bash
# One-command setup, idempotent: .venv with the locked dependencies (requirements.lock) and both
# distributions of this repository (mailgun-setup, mailgun-setup-sandbox), the Pulumi engine
# (a matching `pulumi` on PATH, or one built from the Go module proxy and cached outside the
# clone), and `dig` for the DNS fidelity tests. A second run on a set-up machine takes seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PULUMI_VERSION=$(tr -d '[:space:]' < engine/VERSION)  # the engine version, written once
LANGHOST_SDK_VERSION=$(sed -n 's/.*github.com\/pulumi\/pulumi\/sdk\/v3 \(v[0-9.]*\).*/\1/p' engine/langhost/go.mod)
CACHE_ROOT=${MAILGUN_SETUP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mailgun-setup}
ENGINE_DIR="$CACHE_ROOT/engine/v$PULUMI_VERSION"
TOOLS_BIN="$ROOT/tools/pulumi/bin"
ENGINE_FILES=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python)

say() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

setup_venv() {
  local stamp=".venv/.setup-stamp" want
  command -v python3 >/dev/null || die "python3 (3.10 or newer) is required"
  want=$( (cat requirements.lock pyproject.toml sandbox/pyproject.toml; python3 --version) | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/python ]; then
    say "python deps: up to date"
    return
  fi
  say "python deps: installing into .venv"
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  # exactly the lock, then the two local distributions on top of it (editable, nothing else pulled)
  .venv/bin/python -m pip install -q -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e . -e ./sandbox
  echo "$want" > "$stamp"
}

engine_version_of() { "$1" version 2>/dev/null | head -1; }

link_engine_from() {
  local dir=$1
  mkdir -p "$TOOLS_BIN"
  for f in "${ENGINE_FILES[@]}"; do
    [ -e "$dir/$f" ] || die "$dir/$f is missing"
    ln -sfn "$dir/$f" "$TOOLS_BIN/$f"
  done
}

build_engine() {
  command -v go >/dev/null || die "Go is needed to build the Pulumi engine v$PULUMI_VERSION (no pulumi v$PULUMI_VERSION on PATH).
  Install Go 1.26.6 or newer (Debian/Ubuntu: 'apt-get install golang-go' if recent enough, or the tarball from go.dev),
  or install Pulumi v$PULUMI_VERSION so that 'pulumi version' prints v$PULUMI_VERSION, then run this again."
  local staging="$ENGINE_DIR.partial.$$"
  rm -rf "$staging"; mkdir -p "$staging"
  say "engine: building pulumi v$PULUMI_VERSION from the Go module proxy (first time only; several minutes)"
  (cd engine && GOFLAGS=-mod=mod go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
      -o "$staging/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  say "engine: building the Python language host (sdk $LANGHOST_SDK_VERSION)"
  (cd engine/langhost && GOFLAGS=-mod=mod go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$LANGHOST_SDK_VERSION" \
      -o "$staging/pulumi-language-python" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python)
  local sdk_dir
  (cd engine && GOFLAGS=-mod=mod go mod download github.com/pulumi/pulumi/sdk/v3)
  sdk_dir=$(cd engine && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
  cp "$sdk_dir/python/cmd/pulumi-language-python-exec" "$staging/"
  cp "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$staging/"
  chmod 0755 "$staging"/*
  [ "$(engine_version_of "$staging/pulumi")" = "v$PULUMI_VERSION" ] || die "built pulumi reports '$(engine_version_of "$staging/pulumi")', expected v$PULUMI_VERSION"
  rm -rf "$ENGINE_DIR"; mkdir -p "$(dirname "$ENGINE_DIR")"; mv "$staging" "$ENGINE_DIR"
}

setup_engine() {
  if [ -x "$TOOLS_BIN/pulumi" ] && [ "$(engine_version_of "$TOOLS_BIN/pulumi")" = "v$PULUMI_VERSION" ] \
     && [ -x "$TOOLS_BIN/pulumi-language-python" ]; then
    say "engine: pulumi v$PULUMI_VERSION ready in tools/"
    return
  fi
  local on_path on_path_dir f complete=1
  on_path=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -v "^$TOOLS_BIN\$" | paste -sd:) command -v pulumi || true)
  if [ -n "$on_path" ] && [ "$(engine_version_of "$on_path")" = "v$PULUMI_VERSION" ]; then
    on_path_dir=$(dirname "$(readlink -f "$on_path")")
    for f in "${ENGINE_FILES[@]}"; do [ -e "$on_path_dir/$f" ] || complete=0; done
    if [ "$complete" = 1 ]; then
      say "engine: using $on_path (v$PULUMI_VERSION)"
      link_engine_from "$on_path_dir"
      return
    fi
  fi
  if [ ! -x "$ENGINE_DIR/pulumi" ] || [ "$(engine_version_of "$ENGINE_DIR/pulumi")" != "v$PULUMI_VERSION" ]; then
    build_engine
  else
    say "engine: reusing the build cached in $ENGINE_DIR"
  fi
  link_engine_from "$ENGINE_DIR"
}

setup_dig() {
  if command -v dig >/dev/null; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "dig: installing bind9-dnsutils"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bind9-dnsutils >/dev/null
  else
    die "dig is needed by the DNS tests: install it (Debian/Ubuntu: apt-get install bind9-dnsutils)"
  fi
}

setup_venv
setup_engine
setup_dig
say "ready: $("$TOOLS_BIN/pulumi" version), $(.venv/bin/python --version)"
