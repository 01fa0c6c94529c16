#!/usr/bin/env bash
# Installs what Blumpo needs on a Debian machine, and only what is missing.
# Works as root or through sudo. Safe to run again.
# With BLUMPO_SETUP_TESTS=1 (`make test`) it also prepares the Python test servers: a virtual
# environment in .blumpo/venv with the packages pinned in scripts/test-requirements.txt.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tests=${BLUMPO_SETUP_TESTS:-0}

# The Swift toolchain comes first: without it nothing else is worth installing.
if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift toolchain (6.2 or newer) is not on PATH." >&2
    echo "setup: install it from https://www.swift.org/install/linux/ and put its usr/bin on PATH (see README.md), then run this again." >&2
    exit 1
fi
if ! swift_output=$(swift --version 2>&1); then
    echo "setup: $(command -v swift) is on PATH but does not run: ${swift_output##*$'\n'}" >&2
    echo "setup: install the packages the toolchain needs (listed for Debian 12 at https://www.swift.org/install/linux/), then run this again." >&2
    exit 1
fi
swift_version=$(sed -n 's/.*Swift version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' <<<"$swift_output" | head -n 1)
if [[ -n "$swift_version" ]]; then
    read -r swift_major swift_minor <<<"$swift_version"
    if (( swift_major < 6 || (swift_major == 6 && swift_minor < 2) )); then
        echo "setup: Swift ${swift_major}.${swift_minor} is on PATH ($(command -v swift)); Blumpo needs 6.2 or newer from https://www.swift.org/install/linux/" >&2
        exit 1
    fi
else
    echo "setup: warning: cannot read the version of $(command -v swift); Blumpo needs Swift 6.2 or newer" >&2
fi

# Runs a command as root: directly when already root (no sudo needed), otherwise through sudo.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Installs Debian packages; the package lists are refreshed once per run, before the first install.
apt_updated=false
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: missing packages: $*; this script installs them with apt-get (Debian), install them yourself" >&2
        exit 1
    fi
    if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
        echo "setup: missing Debian packages: $*; run scripts/setup.sh as root, or install sudo" >&2
        exit 1
    fi
    echo "setup: installing $*"
    if ! $apt_updated; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=true
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

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

# The browser tests (`make test-e2e`) drive Debian's Chromium through its chromedriver.
if [[ "$tests" == "1" ]]; then
    command -v chromium >/dev/null 2>&1 || need_debian+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || need_debian+=(chromium-driver)
fi

# gdb prints every thread's stack when the suite stalls (scripts/test.sh), so a hang is a report.
if [[ "$tests" == "1" ]]; then
    command -v gdb >/dev/null 2>&1 || need_debian+=(gdb)
fi

# The test servers' Python, able to make a virtual environment (Debian keeps venv's pip
# bootstrap, ensurepip, in python3-venv).
if [[ "$tests" == "1" ]]; then
    if ! command -v python3 >/dev/null 2>&1; then
        need_debian+=(python3 python3-venv)
    elif ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
        need_debian+=(python3-venv)
    fi
fi

if (( ${#need_debian[@]} > 0 )); then apt_install "${need_debian[@]}"; fi

[[ "$tests" == "1" ]] || exit 0

# Test-only Python servers speaking real protocols (Tests/TestSupport/Servers): SMTP (aiosmtpd),
# S3 with signature checks (moto) and brotli for the fixture websites, at the versions pinned in
# scripts/test-requirements.txt. They go into .blumpo/venv, which the tests run before any
# python3 on PATH, so Debian's externally managed Python (PEP 668) is never modified.
requirements="$root/scripts/test-requirements.txt"
venv="$root/.blumpo/venv"

# Whether a Python has every pinned package at its pinned version and can import what the
# servers import; says what is wrong on stderr.
check_test_packages() {
    "$1" - "$requirements" <<'PY'
import re, sys
from importlib.metadata import PackageNotFoundError, version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, pinned = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)", line).group(1, 2)
    try:
        installed = version(name)
    except PackageNotFoundError:
        sys.exit(f"{name} is not installed")
    if installed != pinned:
        sys.exit(f"{name} {installed} is installed, {pinned} is pinned")
import aiosmtpd.controller, boto3, brotli, flask_cors, moto.server  # noqa: E401,F401
PY
}

# pip_install PYTHON [PIP OPTIONS…]: the pinned packages.
pip_install() {
    local python=$1
    shift
    echo "setup: installing the test servers' Python packages (scripts/test-requirements.txt) for $python"
    "$python" -m pip install --quiet --disable-pip-version-check "$@" -r "$requirements"
}

if [[ -d "$venv" ]] && ! "$venv/bin/python3" -m pip --version >/dev/null 2>&1; then
    echo "setup: $venv is broken (its Python or its pip does not run); making it again"
    rm -rf "$venv"
fi
if [[ ! -d "$venv" ]]; then
    mkdir -p "$(dirname "$venv")"
    echo "setup: making the test servers' virtual environment in $venv"
    if ! python3 -m venv "$venv"; then
        echo "setup: warning: python3 -m venv failed; using the system Python instead" >&2
        rm -rf "$venv"
    fi
fi

if [[ -x "$venv/bin/python3" ]]; then
    python="$venv/bin/python3"
    check_test_packages "$python" >/dev/null 2>&1 || pip_install "$python"
else
    # No virtual environment: the system Python, with pip from Debian when it has none, past
    # the externally-managed marker (PEP 668) when there is one.
    python=$(command -v python3)
    if ! check_test_packages "$python" >/dev/null 2>&1; then
        if ! "$python" -m pip --version >/dev/null 2>&1; then
            "$python" -m ensurepip --upgrade >/dev/null 2>&1 || apt_install python3-pip
        fi
        pip_options=()
        if "$python" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
            pip_options+=(--break-system-packages)
        fi
        [[ $(id -u) -eq 0 ]] || pip_options+=(--user)
        pip_install "$python" "${pip_options[@]}"
    fi
fi

if ! problem=$(check_test_packages "$python" 2>&1); then
    echo "setup: the test servers' Python packages are not usable with $python: ${problem##*$'\n'}" >&2
    exit 1
fi
echo "setup: test servers run with $python"

# With BLUMPO_SETUP_FUZZ=1 (`make test-fuzz`): schemathesis, pinned in scripts/fuzz-requirements.txt,
# in a virtual environment of its own (.blumpo/fuzz-venv) so its dependencies never meet moto's.
[[ "${BLUMPO_SETUP_FUZZ:-0}" == "1" ]] || exit 0
fuzz_venv="$root/.blumpo/fuzz-venv"
fuzz_requirements="$root/scripts/fuzz-requirements.txt"
pinned=$(sed -n 's/^schemathesis==\([^ ]*\).*/\1/p' "$fuzz_requirements")
if [[ "$("$fuzz_venv/bin/st" --version 2>/dev/null)" != "st, version $pinned" ]]; then
    rm -rf "$fuzz_venv"
    echo "setup: making the API fuzzer's virtual environment in $fuzz_venv"
    python3 -m venv "$fuzz_venv"
    "$fuzz_venv/bin/python3" -m pip install --quiet --disable-pip-version-check -r "$fuzz_requirements"
fi
echo "setup: the API fuzzer is $("$fuzz_venv/bin/st" --version)"
