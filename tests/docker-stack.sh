#!/usr/bin/env bash
# Starts the Docker engine of one of the two stacks the kit is tested on, stopping the other first
# (one dockerd at a time; both use /var/lib/docker, so images made under one stay for the other):
#   legacy   Debian 12's docker.io (dockerd 20.10: the legacy builder) and docker-compose 1.29
#   current  Debian unstable's docker.io, docker-buildx and docker-compose (dockerd 28, BuildKit,
#            the `docker compose` v2 plugin), unpacked into $PREFIX, never installed with dpkg -i
#   unpack   only that unpacking (the multi-platform tests start a dockerd of it of their own)
# Each engine listens on /var/run/docker.sock and on tcp://127.0.0.1:2375 (the tests' "remote" engine).
# The docker client is the machine's own (28.x); for `current` the buildx and compose plugins are
# linked into /usr/local/lib/docker/cli-plugins (removed again for `legacy`), so `docker build` is
# BuildKit and `docker compose` is v2, while the standalone docker-compose 1.29 stays on PATH.
# Every download is checked: InRelease's signature against Debian's archive keyring, Packages.xz
# against InRelease, each .deb against Packages. Prints the versions of the stack it started.
# Needs root, curl, xz, gpgv, and docker.io + docker-compose from Debian 12 for `legacy`.
set -euo pipefail

PREFIX=${PIPKIT_DOCKER_CURRENT:-/opt/pipkit-docker-current}
SUITE=${PIPKIT_DOCKER_SUITE:-sid}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PLUGINS=/usr/local/lib/docker/cli-plugins
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

fail() { echo "[ERROR] docker-stack: $*" >&2; exit 1; }

stop_engine() {
  local pid
  pid=$(cat /var/run/docker.pid 2>/dev/null) || return 0
  kill -0 "$pid" 2>/dev/null || { rm -f /var/run/docker.pid; return 0; }
  kill "$pid"
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && fail "dockerd ($pid) did not stop within 30 s"
  rm -f /var/run/docker.pid
}

start_engine() {
  local dockerd=$1 log=$2
  nohup "$dockerd" -H unix:///var/run/docker.sock -H tcp://127.0.0.1:2375 >"$log" 2>&1 &
  for _ in $(seq 1 150); do docker info >/dev/null 2>&1 && return 0; sleep 0.2; done
  tail -20 "$log" >&2
  fail "$dockerd did not start; its log is $log"
}

# The .deb files of the current stack, each checked, unpacked into $PREFIX once.
unpack_current() {
  [ -x "$PREFIX/usr/sbin/dockerd" ] && [ -x "$PREFIX/usr/libexec/docker/cli-plugins/docker-buildx" ] &&
    [ -x "$PREFIX/usr/libexec/docker/cli-plugins/docker-compose" ] && return 0
  local work; work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  echo "==> fetching docker.io, docker-buildx and docker-compose from Debian $SUITE" >&2
  curl -fsS -o "$work/InRelease" "$MIRROR/dists/$SUITE/InRelease"
  gpgv --keyring "$KEYRING" --output "$work/Release" "$work/InRelease" 2>/dev/null ||
    fail "the signature of $SUITE's InRelease does not hold against $KEYRING"
  local want
  want=$(awk '/^SHA256:/{s=1; next} /^[A-Za-z]/{s=0} s && $3=="main/binary-amd64/Packages.xz"{print $1}' "$work/Release")
  [ -n "$want" ] || fail "InRelease lists no main/binary-amd64/Packages.xz"
  curl -fsS -o "$work/Packages.xz" "$MIRROR/dists/$SUITE/main/binary-amd64/Packages.xz"
  echo "$want  $work/Packages.xz" | sha256sum --quiet -c - || fail "Packages.xz does not match InRelease"
  xz -dc "$work/Packages.xz" > "$work/Packages"
  rm -rf "$PREFIX.new"
  mkdir -p "$PREFIX.new"
  local package file sum
  for package in docker.io docker-buildx docker-compose; do
    read -r file sum < <(awk -v p="$package" '$0=="Package: "p{f=1} f&&/^Filename:/{n=$2} f&&/^SHA256:/{s=$2} f&&/^$/{print n, s; exit}' "$work/Packages")
    [ -n "$file" ] && [ -n "$sum" ] || fail "Packages of $SUITE has no $package"
    curl -fsS -o "$work/package.deb" "$MIRROR/$file"
    echo "$sum  $work/package.deb" | sha256sum --quiet -c - || fail "$file does not match its SHA-256 in Packages"
    dpkg-deb -x "$work/package.deb" "$PREFIX.new"
  done
  rm -rf "$PREFIX"
  mv "$PREFIX.new" "$PREFIX"
}

link_plugins() {
  mkdir -p "$PLUGINS"
  for plugin in docker-buildx docker-compose; do
    ln -sfn "$PREFIX/usr/libexec/docker/cli-plugins/$plugin" "$PLUGINS/$plugin"
  done
}

# Only the links this script made: a plugin installed otherwise is the machine's own.
unlink_plugins() {
  for plugin in docker-buildx docker-compose; do
    if [ -L "$PLUGINS/$plugin" ] && [[ "$(readlink "$PLUGINS/$plugin")" == "$PREFIX/"* ]]; then
      rm -f "$PLUGINS/$plugin"
    fi
  done
}

case "${1:-}" in
  legacy)
    command -v dockerd >/dev/null && command -v docker-compose >/dev/null ||
      fail "the legacy stack needs Debian's docker.io and docker-compose (apt-get install docker.io docker-compose)"
    stop_engine
    unlink_plugins
    start_engine "$(command -v dockerd)" /tmp/dockerd-legacy.log
    echo "==> legacy stack: dockerd $(docker version --format '{{.Server.Version}}'), client $(docker version --format '{{.Client.Version}}')," \
      "$(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /'), builder: legacy" >&2
    ;;
  current)
    unpack_current
    stop_engine
    link_plugins
    PATH="$PREFIX/usr/sbin:$PREFIX/usr/bin:$PATH"
    start_engine "$PREFIX/usr/sbin/dockerd" /tmp/dockerd-current.log
    echo "==> current stack: dockerd $(docker version --format '{{.Server.Version}}'), client $(docker version --format '{{.Client.Version}}')," \
      "buildx $(docker buildx version | awk '{print $2}'), compose $(docker compose version --short), builder: BuildKit" >&2
    ;;
  unpack)
    unpack_current
    ;;
  *)
    echo "usage: tests/docker-stack.sh legacy|current|unpack" >&2
    exit 2
    ;;
esac
