#!/usr/bin/env bash
# Installs what Blumpo needs on a Debian machine, and only what is missing.
# Works as root or through sudo. Safe to run again.
set -euo pipefail

need_debian=()

# PostgreSQL 15+ server binaries (initdb, pg_ctl) for the embedded cluster.
have_postgres=false
for dir in /usr/lib/postgresql/*/bin; do
    version=$(basename "$(dirname "$dir")")
    if [[ "$version" =~ ^[0-9]+$ ]] && (( version >= 15 )) && [[ -x "$dir/initdb" ]]; then have_postgres=true; fi
done
if ! $have_postgres && command -v initdb >/dev/null 2>&1; then have_postgres=true; fi
$have_postgres || need_debian+=(postgresql)

# openssl makes the test SMTP server's certificate.
command -v openssl >/dev/null 2>&1 || need_debian+=(openssl)
command -v python3 >/dev/null 2>&1 || need_debian+=(python3 python3-pip)

# C libraries behind the HTML parser (libxml2) and the image codec (libvips, with its SVG,
# WEBP, PNG, JPEG and GIF loaders), found through pkg-config at build time.
command -v pkg-config >/dev/null 2>&1 || need_debian+=(pkg-config)
pkg-config --exists libxml-2.0 2>/dev/null || need_debian+=(libxml2-dev)
pkg-config --exists vips 2>/dev/null || need_debian+=(libvips-dev)
pkg-config --exists libbrotlidec 2>/dev/null || need_debian+=(libbrotli-dev)

# Font families the ad renderer maps brand fonts onto (sans, serif, display, mono). Golden
# image tests expect these exact families.
if command -v fc-list >/dev/null 2>&1; then families=$(fc-list : family 2>/dev/null); else families=""; fi
for pair in "Inter:fonts-inter" "Lato:fonts-lato" "Open Sans:fonts-open-sans" "Roboto:fonts-roboto-unhinted" "Liberation Serif:fonts-liberation2" "DejaVu Sans:fonts-dejavu-core"; do
    grep -q "^${pair%%:*}" <<<"$families" || need_debian+=("${pair##*:}")
done

# runuser lets a root-run blumpo hand the cluster to an unprivileged account.
command -v runuser >/dev/null 2>&1 || need_debian+=(util-linux)

if (( ${#need_debian[@]} > 0 )); then
    if [[ $(id -u) -eq 0 ]]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "setup: missing Debian packages: ${need_debian[*]}; install them as root" >&2
        exit 1
    fi
    echo "setup: installing ${need_debian[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_debian[@]}"
fi

# Test-only Python servers speaking real protocols (SMTP).
# pip first; a Debian-managed Python refuses pip, so fall back to the Debian package.
if [[ "${BLUMPO_SETUP_TESTS:-0}" == "1" ]] && ! python3 -c "import aiosmtpd" 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check aiosmtpd 2>/dev/null \
        || { [[ $(id -u) -eq 0 ]] && sudo="" || sudo="sudo"; $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd; }
fi

# Test-only S3-compatible server (moto in server mode, with signature checks) and brotli for
# the fixture websites.
if [[ "${BLUMPO_SETUP_TESTS:-0}" == "1" ]] && ! python3 -c "import moto.server, boto3, flask_cors, brotli" 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check "moto[server,s3]" brotli
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift 6 toolchain is not on PATH; install it from swift.org (see README)" >&2
    exit 1
fi
