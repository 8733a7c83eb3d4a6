#!/usr/bin/env bash
# Installs what the tests need from Debian's packages, if missing: wine (cmd.exe and a
# Windows loader) and mingw-w64 (to build the ProcessPrng shim) for the wine end-to-end
# suite, python3-aiosmtpd for the status mail tests (an SMTP server on loopback), chromium
# for the browser test of the history and fleet pages (make e2e-browser); for
# `make fleet-check`: ansible (with the ansible.windows and community.windows
# collections), ansible-lint, and prometheus (its promtool).
set -euo pipefail
need=()
command -v wine >/dev/null 2>&1 || need+=(wine wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64-win32)
/usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1 || need+=(python3-aiosmtpd)
{ command -v ansible-playbook >/dev/null 2>&1 && [ -d /usr/lib/python3/dist-packages/ansible_collections/community/windows ]; } || need+=(ansible)
command -v ansible-lint >/dev/null 2>&1 || need+=(ansible-lint)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing ${need[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
