#!/usr/bin/env bash
# Creates, without any registry, the base images the sample's Dockerfiles name, under the same
# tags, so `docker build` uses them as they are: eclipse-temurin:17-jdk and :17-jre (a minimal
# Debian, debian:bookworm-slim made with debootstrap, with OpenJDK 17 from Debian's packages) and
# busybox:1.36 (busybox, for test fixtures); with `all`, the language templates' images too
# (python, node, maven, golang, from Debian's packages: one image on the JDK under all their tags). An image that already exists is left alone. Useful on any air-gapped machine.
# Needs root, debootstrap and busybox-static (apt-get install debootstrap busybox-static).
set -euo pipefail

exists() { docker image inspect "$1" >/dev/null 2>&1; }

busybox_image() {
  exists busybox:1.36 && return
  local dir; dir=$(mktemp -d)
  mkdir -p "$dir/bin" "$dir/tmp" "$dir/www"
  cp /bin/busybox "$dir/bin/busybox"
  for tool in sh ash ls cat echo httpd sleep wget mkdir rm cp test true false env sed grep dd head kill; do
    ln -s busybox "$dir/bin/$tool"
  done
  tar -C "$dir" -c . | docker import -c 'ENV PATH=/bin' - busybox:1.36 >/dev/null
  rm -rf "$dir"
  echo "==> created busybox:1.36" >&2
}

# The JDK image as the other toolchains are made (below); the JRE is the same image under its tag.
jdk_image() {
  language_image eclipse-temurin:17-jdk openjdk-17-jdk-headless
  exists eclipse-temurin:17-jre || docker tag eclipse-temurin:17-jdk eclipse-temurin:17-jre
}

debian_image() {
  exists debian:bookworm-slim && return
  local root; root=$(mktemp -d)
  echo "==> debootstrap of debian:bookworm-slim (about 30 s, once): the other images start from it" >&2
  debootstrap --variant=minbase bookworm "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - debian:bookworm-slim >/dev/null
  rm -rf "$root"
}

# A toolchain image: debian:bookworm-slim plus Debian's packages (containers reach the Debian mirror).
# Like the official images, pip may install into the system Python (no PEP 668 marker), and the
# image trusts the CAs the official ones would: here, this machine's bundle (the npm registry and
# Maven Central are reached through it), in the system store, for Java (ca-certificates-java) and
# for node (NODE_EXTRA_CA_CERTS). An image made before it carried them (no pipkit.ca label) is made again.
language_image() {
  local tag=$1 from=${FROM:-debian:bookworm-slim}; shift
  [[ "$(docker image inspect --format '{{index .Config.Labels "pipkit.ca"}}' "$tag" 2>/dev/null)" == host ]] && return
  echo "==> building $tag from Debian's $*" >&2
  local context java=""; context=$(mktemp -d)
  cp /etc/ssl/certs/ca-certificates.crt "$context/host-ca.crt"
  [[ " $* " == *" openjdk-17-jdk-headless "* ]] && java="ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"
  cat > "$context/Dockerfile" <<DOCKERFILE
FROM $from
COPY host-ca.crt /tmp/host-ca.crt
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates $* >/dev/null \\
 && mkdir -p /usr/local/share/ca-certificates/host && cd /usr/local/share/ca-certificates/host \\
 && awk '/BEGIN CERTIFICATE/ {n++} n {print > ("host-" n ".crt")}' /tmp/host-ca.crt && update-ca-certificates >/dev/null 2>&1 \\
 && rm -rf /var/lib/apt/lists/* /usr/lib/python3*/EXTERNALLY-MANAGED /tmp/host-ca.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
$java
LABEL pipkit.ca=host
DOCKERFILE
  docker build -q --force-rm -t "$tag" "$context" >/dev/null
  rm -rf "$context"
}

# Debian's static busybox for arm64, for a two-platform base image (the multi-platform tests): the
# signed chain InRelease (gpgv, Debian's archive keyring) -> Packages.xz -> the .deb, each checked by
# its SHA-256, and the binary kept in ~/.cache/pipkit-busybox-arm64 for the next run. Prints its path.
busybox_arm64() {
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/pipkit-busybox-arm64" mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}" work want file sum
  [ -x "$cache/busybox" ] && { echo "$cache/busybox"; return; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  curl -fsS -o "$work/InRelease" "$mirror/dists/bookworm/InRelease"
  gpgv --keyring /usr/share/keyrings/debian-archive-keyring.gpg --output "$work/Release" "$work/InRelease" 2>/dev/null ||
    { echo "[ERROR] base-images: bookworm's InRelease signature does not hold" >&2; exit 1; }
  want=$(awk '/^SHA256:/{s=1; next} /^[A-Za-z]/{s=0} s && $3=="main/binary-arm64/Packages.xz"{print $1}' "$work/Release")
  curl -fsS -o "$work/Packages.xz" "$mirror/dists/bookworm/main/binary-arm64/Packages.xz"
  echo "$want  $work/Packages.xz" | sha256sum --quiet -c - || { echo "[ERROR] base-images: Packages.xz does not match InRelease" >&2; exit 1; }
  read -r file sum < <(xz -dc "$work/Packages.xz" | awk '$0=="Package: busybox-static"{f=1} f&&/^Filename:/{n=$2} f&&/^SHA256:/{s=$2} f&&/^$/{print n, s; exit}')
  curl -fsS -o "$work/busybox.deb" "$mirror/$file"
  echo "$sum  $work/busybox.deb" | sha256sum --quiet -c - || { echo "[ERROR] base-images: $file does not match Packages" >&2; exit 1; }
  dpkg-deb -x "$work/busybox.deb" "$work/root"
  mkdir -p "$cache"
  install -m 755 "$work/root/bin/busybox" "$cache/busybox"
  echo "$cache/busybox"
}
if [[ "${1:-}" == busybox-arm64 ]]; then
  busybox_arm64
  exit 0
fi

docker info >/dev/null 2>&1 || { echo "[ERROR] base-images: no Docker engine answers (docker info failed)" >&2; exit 1; }
busybox_image
debian_image
jdk_image &
jdk=$!
# like the official image: git and the ssh client, for builds that fetch private git dependencies (small: tests save its images)
[[ "${1:-}" != all ]] || language_image buildpack-deps:bookworm-scm git openssh-client ca-certificates curl
wait "$jdk"
[[ "${1:-}" == all ]] || exit 0
# The other toolchains as one image on the JDK under every tag the templates name: one apt run, each
# package fetched and unpacked once. The tests need each image's tools, not its size.
toolchains=(python:3.11-slim node:18-slim maven:3-eclipse-temurin-17 golang:1.19)
missing=()
for tag in "${toolchains[@]}"; do
  [[ "$(docker image inspect --format '{{index .Config.Labels "pipkit.ca"}}' "$tag" 2>/dev/null)" == host ]] || missing+=("$tag")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  # Maven (on the JDK), python, node (and npm), Go with a C compiler
  FROM=eclipse-temurin:17-jdk language_image pipkit-toolchains:bookworm maven python3 python3-pip python-is-python3 nodejs npm golang-go gcc libc6-dev
  for tag in "${missing[@]}"; do
    docker tag pipkit-toolchains:bookworm "$tag"
  done
fi
