# Sourced by the bench scripts. need COMMAND PACKAGE: returns when COMMAND is on the PATH; else installs the Debian
# package PACKAGE with apt-get when this runs as root, or stops with what to install.
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "$1 is missing: installing the Debian package $2 ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null && return 0
  fi
  echo "$(basename "$0") needs $1, which is not installed: install the package $2 (apt-get install $2) and run it again" >&2
  exit 2
}
