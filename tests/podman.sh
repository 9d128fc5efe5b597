#!/usr/bin/env bash
# Starts Podman's Docker-compatible API on /run/pipkit-podman/podman.sock (a second engine for the
# tests, reached with DOCKER_HOST=unix:///run/pipkit-podman/podman.sock) and loads busybox:1.36 into
# Podman's own image store from dockerd's. Does nothing when the socket answers already.
set -euo pipefail
dir=/run/pipkit-podman
socket="$dir/podman.sock"
curl -sf --unix-socket "$socket" http://podman/_ping >/dev/null 2>&1 && exit 0

command -v podman >/dev/null || { echo "[ERROR] podman.sh: podman is not installed (apt-get install podman)" >&2; exit 1; }
mkdir -p "$dir"
# This kind of machine refuses podman's default rlimits for containers.
printf '[containers]\ndefault_ulimits = []\n' > "$dir/containers.conf"
export CONTAINERS_CONF="$dir/containers.conf"
# Not `podman pull docker-daemon:...`: that speaks Docker API 1.22, which Docker 25 and later refuse.
podman image exists docker.io/library/busybox:1.36 ||
  DOCKER_HOST=unix:///var/run/docker.sock docker save busybox:1.36 | podman load -q >/dev/null
# from a folder that stays: conmon fails on a service whose working folder was deleted since
cd "$dir"
nohup podman system service --time=0 "unix://$socket" >"$dir/service.log" 2>&1 &
for _ in $(seq 1 100); do
  curl -sf --unix-socket "$socket" http://podman/_ping >/dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "[ERROR] podman.sh: the Podman API did not start; see $dir/service.log" >&2
exit 1
