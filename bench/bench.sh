#!/usr/bin/env bash
# Benchmarks the kit against the same docker and compose commands run from plain sh, on the sample
# service, and prints the figures P1-P7 (README, Performance). Each figure is a median over
# alternating runs in this one invocation: the machines are noisy, so only side-by-side ratios
# mean anything. Usage: bash bench/bench.sh [RUNS]   (default 5; P7_RUNS=N runs of P7, default 3;
# P7_ONLY=1 measures P7 alone; needs a running engine)
set -euo pipefail
runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/pipkit-bench-XXXXXX)
name="pipkit-bench-$$"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18093)
export HTTP_PORT=$port NO_COLOR=1 PIPKIT_COMPONENT=$name   # the sh steps label what compose builds, as the kit does
export PATH="$root:$PATH"   # the shebang lines find ./jbang

cleanup() {
  (cd "$work/repo" 2>/dev/null && "$root/jbang" clean.java --latest --all-builds --quiet >/dev/null 2>&1) || true
  (cd "$work/p7" 2>/dev/null && "$root/jbang" clean.java --latest --all-builds --quiet >/dev/null 2>&1) || true
  docker rm -f "$name-sh" >/dev/null 2>&1 || true
  [ -z "${registry_pid:-}" ] || kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
# The sh steps use the compose the kit picks by default: the plugin where docker has it, else docker-compose.
if [ -x /usr/local/lib/docker/cli-plugins/docker-compose ] || [ -x "$HOME/.docker/cli-plugins/docker-compose" ]; then
  compose() { docker compose "$@"; }
else
  compose() { docker-compose "$@"; }
fi
fail() { echo "bench: $1 failed" >&2; exit 1; }   # the sh steps hide docker's chatter (the legacy builder's notice)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local start=$1; awk -v s="$start" -v e="$(now)" 'BEGIN {printf "%.3f", e-s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

bash "$root/tests/base-images.sh"
mkdir -p "$work/repo"
cp -r "$root"/{build.java,test.java,package.java,publish.java,pipeline.java,release.java,clean.java,lib,docker,src,dependencies.txt,.dockerignore,jbang} "$work/repo/"
sed "s/\"name\": \"beacons\"/\"name\": \"$name\"/" "$root/component.json" > "$work/repo/component.json"
cd "$work/repo"
image="localhost:5000/$name:1.0.0-0"

# The same steps as plain sh: what the scripts run, nothing more.
sh_build() {
  rm -rf obj dist/lib && mkdir -p dist
  docker build -q --force-rm -f docker/Dockerfile.build -t "$image-build" --label "pipkit.component=$name" . >/dev/null 2>&1 || fail "sh: docker build"
  docker create --name "$name-sh" "$image-build" true >/dev/null
  docker cp "$name-sh:/app/obj" obj && docker cp "$name-sh:/app/lib" dist/lib
  docker rm -f "$name-sh" >/dev/null
}
sh_test() {
  local project="$name-shtest"
  IMAGE="$image-test" compose -p "$project" -f docker/docker-compose.test.yml down -v --remove-orphans -t 5 >/dev/null 2>&1
  IMAGE="$image-test" compose -p "$project" -f docker/docker-compose.test.yml build >/dev/null 2>&1
  IMAGE="$image-test" compose -p "$project" -f docker/docker-compose.test.yml up --no-build --abort-on-container-exit --exit-code-from test >/dev/null 2>&1
  docker inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.StartedAt}}' "$(docker ps -a -q --filter "label=com.docker.compose.project=$project" \
    --filter label=com.docker.compose.service=test)" >/dev/null
  IMAGE="$image-test" compose -p "$project" -f docker/docker-compose.test.yml down -v --remove-orphans -t 5 >/dev/null 2>&1
}
sh_package() {
  local project="$name-shpackage"
  docker build -q --force-rm -f docker/Dockerfile -t "$image-rc" -t "localhost:5000/$name:latest" --label "pipkit.component=$name" . >/dev/null 2>&1 || fail "sh: docker build"
  IMAGE="$image-rc" compose -p "$project" -f docker/docker-compose.yml down -v --remove-orphans -t 5 >/dev/null 2>&1
  IMAGE="$image-rc" compose -p "$project" -f docker/docker-compose.yml up -d >/dev/null 2>&1
  until curl -sf "http://localhost:$port/heartbeat" >/dev/null; do sleep 0.1; done
  curl -sf -X POST -d '{"filter":{"site_id":"1"}}' "http://localhost:$port/v1/beacons/get_beacons" >/dev/null
  IMAGE="$image-rc" compose -p "$project" -f docker/docker-compose.yml down -v --remove-orphans -t 5 >/dev/null 2>&1
}

# A JDK 25 or later, for P1 with the AOT cache (the wrapper trains it over its first runs).
jdk25=""
for release in /usr/lib/jvm/*/release; do
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  [[ "${v:-0}" -ge 25 ]] && jdk25=${release%/release} && break
done
aot_ready() {   # until no background JVM is making a cache from a recorded run
  for _ in $(seq 1 300); do pgrep -f -- "-XX:AOTMode=create" >/dev/null || return 0; sleep 0.1; done
}

if [ -z "${P7_ONLY:-}" ]; then   # P7_ONLY=1: P7 alone
echo "==> warming up (layer cache, JBang cache)" >&2
./jbang build.java -q && ./jbang test.java -q >/dev/null && ./jbang package.java -q && sh_build && sh_test && sh_package
./jbang clean.java -q >/dev/null && ./jbang build.java -q
if [ -n "$jdk25" ]; then
  for _ in 1 2 3; do JAVA_HOME=$jdk25 ./jbang build.java -q; aot_ready; done
fi

# P1 on its own, kit and sh back to back (after a P2 run the engine is still busy removing what it
# ran, which would weigh on whichever build came next).
p1_kit=(); p1_sh=(); p1_25=(0); p2_kit=(); p2_sh=(); p2_pipeline=()
for i in $(seq 1 $((runs * 3))); do
  t=$(now); ./jbang build.java -q; p1_kit+=("$(seconds "$t")")
  t=$(now); sh_build; p1_sh+=("$(seconds "$t")")
  if [ -n "$jdk25" ]; then t=$(now); JAVA_HOME=$jdk25 ./jbang build.java -q; p1_25+=("$(seconds "$t")"); fi
done
[ -z "$jdk25" ] || p1_25=("${p1_25[@]:1}")
# Where P1's start-up goes (PIPKIT_STARTUP=1: the kit's own line, "startup: wrapper 0.021 s, ..."),
# median of each part, so that a regression shows which part grew.
for i in $(seq 1 "$runs"); do
  PIPKIT_STARTUP=1 ./jbang build.java -q 2>&1 >/dev/null | grep '^startup: ' >> "$work/startup"
done
part() { sed -n "s/.* $1 \([0-9.]*\) s.*/\1/p" "$work/startup" | median; }
# (greedy: "first command" alone is the last one, the command's own time)
startup="wrapper $(part wrapper) s, JVM to main $(part 'JVM to main') s, picocli model $(part 'picocli model') s, kit to first command $(part 'kit to first command') s, first command (docker) $(part 'first command') s"
for i in $(seq 1 "$runs"); do
  echo "==> run $i of $runs" >&2
  t=$(now); sh_build; sh_test; sh_package; p2_sh+=("$(seconds "$t")")
  rm -rf obj dist && rm -f .pipkit-outputs
  t=$(now); ./jbang build.java -q && ./jbang test.java -q >/dev/null && ./jbang package.java -q; p2_kit+=("$(seconds "$t")")
  rm -rf obj dist && rm -f .pipkit-outputs
  t=$(now); ./jbang pipeline.java -q >/dev/null; p2_pipeline+=("$(seconds "$t")")
done
p1k=$(printf '%s\n' "${p1_kit[@]}" | median); p1s=$(printf '%s\n' "${p1_sh[@]}" | median); p1j=$(printf '%s\n' "${p1_25[@]}" | median)
p2k=$(printf '%s\n' "${p2_kit[@]}" | median); p2s=$(printf '%s\n' "${p2_sh[@]}" | median)
p2p=$(printf '%s\n' "${p2_pipeline[@]}" | median)

# P3: an outside poller every 10 ms marks when the service first answers; package.java's next
# line (the smoke request) marks when it noticed.
p3=()
for i in $(seq 1 "$runs"); do
  rm -f "$work/ready" "$work/noticed"
  (until curl -sf -m 1 "http://localhost:$port/heartbeat" >/dev/null 2>&1; do sleep 0.01; done; now > "$work/ready") &
  poller=$!
  ./jbang package.java 2>&1 >/dev/null | while IFS= read -r line; do
    if [[ "$line" == "==> smoke:"* && ! -f "$work/noticed" ]]; then now > "$work/noticed"; fi
  done
  wait $poller || true
  p3+=("$(awk -v r="$(cat "$work/ready")" -v n="$(cat "$work/noticed")" 'BEGIN {printf "%.3f", n-r}')")
done
p3m=$(printf '%s\n' "${p3[@]}" | median)

# P4: a source-only change: every step before COPY src must come from the cache; and the context.
# The legacy builder prints "Step N/M : ...", "Using cache" and "Sending build context to Docker
# daemon  23kB"; BuildKit (plain progress) "#7 [2/5] COPY ...", "#7 CACHED" and "#3 transferring context: 23kB".
echo "// $(date +%s%N)" >> src/main/java/beacons/Beacons.java
log=$(BUILDKIT_PROGRESS=plain ./jbang build.java 2>&1)
read -r cached before_sources < <(awk '
  /^Step [0-9]+\/[0-9]+ : COPY src/ { done = 1 }
  /^Step [0-9]+\/[0-9]+ : / && !done { legacy++ }
  /Using cache/ && !done { hits++ }
  /^#[0-9]+ \[[^]]*[0-9]+\/[0-9]+\] / && !($1 in seen) {
    seen[$1] = 1
    if ($0 ~ /\] COPY src/) done = 1; else if (!done && $0 !~ /[ \[]1\/[0-9]+\] FROM/) before[$1] = 1
  }
  /^#[0-9]+ CACHED/ && ($1 in before) { hits++ }
  END { n = 0; for (id in before) n++; print hits + 0, (legacy ? legacy - 1 : n) }' <<<"$log")
context=$( (grep -m1 'Sending build context' <<<"$log" || grep -A1 'load build context' <<<"$log" | grep -m1 'transferring context' || echo "unknown") |
  sed -E 's/.*(Docker daemon|transferring context:) *//; s/ done$//')
printf 'FROM busybox:1.36\nCOPY . /context\nRUN find /context -maxdepth 2 | sort\n' > "$work/Dockerfile.context"
out=$(BUILDKIT_PROGRESS=plain docker build --no-cache --force-rm -t "$name-context" -f "$work/Dockerfile.context" . 2>&1 || true)
listing=$(grep -oE '/context(/[^ ]*)?$' <<<"$out" || true)
docker rmi "$name-context" >/dev/null 2>&1 || true
leaks=$(grep -cE '^/context/(\.git|obj|tests|lib|bench|jbang)(/|$)' <<<"$listing" || true)
[ -n "$listing" ] || leaks="unknown (no listing)"

# P5: the first run of a fresh clone (JBang compiles the script, dependencies already local; the
# JVM also writes the class-data archive as it exits) and the second (the wrapper checks that
# archive), each over a warm run. New content in lib/ makes every run here a first one.
p5=(); p5b=()
for i in $(seq 1 "$runs"); do
  fresh="$work/fresh-$i"; mkdir -p "$fresh"
  cp -r "$work/repo"/{build.java,lib,jbang,docker,src,dependencies.txt,.dockerignore,component.json} "$fresh/"
  echo "// fresh $i $$ $(date +%s%N)" >> "$fresh/lib/Kit.java"
  (cd "$fresh" && { t=$(now); ./jbang build.java -q; echo "$(seconds "$t")"; t=$(now); ./jbang build.java -q; echo "$(seconds "$t")";
    t=$(now); ./jbang build.java -q; echo "$(seconds "$t")"; }) > "$work/p5"
  { read -r cold; read -r second; read -r warm; } < "$work/p5"
  p5+=("$(awk -v c="$cold" -v w="$warm" 'BEGIN {printf "%.3f", c-w}')")
  p5b+=("$(awk -v c="$second" -v w="$warm" 'BEGIN {printf "%.3f", c-w}')")
  rm -rf "$fresh"
done
p5m=$(printf '%s\n' "${p5[@]}" | median); p5bm=$(printf '%s\n' "${p5b[@]}" | median)

# P6: peak memory (max RSS) of a build, as GNU time reports it: the wrapper execs into the
# script's JVM, so this is that JVM (with its archive mapped), or a docker CLI if one were bigger.
command -v /usr/bin/time >/dev/null || { apt-get install -y -q time >/dev/null; }
p6=$(/usr/bin/time -f %M ./jbang build.java -q 2>&1 >/dev/null | tail -1)
fi

# P7: a cold engine, as a fresh CI runner has it (the component's images gone and, with BuildKit,
# the build cache of its RUN lines: only those, marked with the run's name), building the Java
# template, whose dependency layer resolves real plugins and libraries from Maven Central: with the
# registry cache an earlier run filled, against the same cold build without it, and against a warm
# local build: the same command (--cache, which reads the cache manifest and pushes the next cache)
# and one without the setting. The registry is Debian's docker-registry on a free loopback port.
p7_runs=${P7_RUNS:-3}
registry_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])')
mkdir -p "$work/p7" "$work/registry"
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$work/registry/data" "$registry_port" > "$work/registry/config.yml"
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 & registry_pid=$!
bash "$root/tests/base-images.sh" all >/dev/null
cp -r "$root"/{build.java,clean.java,lib,jbang} "$work/p7/"
cp -r "$root"/templates/java/docker "$root"/tests/fixtures/java/{pom.xml,src} "$work/p7/"
sed -i "s/^RUN /RUN : $name \&\& /" "$work/p7/docker/Dockerfile.build"   # the mark that finds its cache records
printf '{"name": "%s-p7", "registry": "localhost:%s", "version": "1.0.0", "build": "0", "language": "java"}\n' "$name" "$registry_port" > "$work/p7/component.json"
cd "$work/p7"
cold() {
  docker rmi "localhost:$registry_port/$name-p7:1.0.0-0-build" >/dev/null 2>&1 || true
  # and what an earlier build left untagged (with the legacy builder, its parent layers: a cache too)
  docker image prune --force --filter "label=pipkit.component=$name-p7" >/dev/null
  if docker buildx version >/dev/null 2>&1; then docker builder prune --all --force --filter "description~=$name" >/dev/null; fi
}
for _ in $(seq 1 30); do curl -sf "http://127.0.0.1:$registry_port/v2/" >/dev/null && break; sleep 0.2; done
echo "==> P7: filling the registry cache (a full Maven build)" >&2
./jbang build.java -q --cache
p7_none=(); p7_cache=(); p7_warm=(); p7_warm_cache=()
for i in $(seq 1 "$p7_runs"); do
  echo "==> P7 run $i of $p7_runs" >&2
  # warm right after the build without the cache: the legacy builder reuses only layers it built
  # itself (a pulled cache image only through --cache-from)
  cold; t=$(now); ./jbang build.java -q --cache=false; p7_none+=("$(seconds "$t")")
  t=$(now); ./jbang build.java -q; p7_warm+=("$(seconds "$t")")
  # the same command warm, as a machine that always runs it has it: once untimed, so the engine
  # holds the image the registry's cache is (the legacy builder pulls it before it builds)
  ./jbang build.java -q --cache; t=$(now); ./jbang build.java -q --cache; p7_warm_cache+=("$(seconds "$t")")
  cold; t=$(now); ./jbang build.java -q --cache; p7_cache+=("$(seconds "$t")")
done
p7n=$(printf '%s\n' "${p7_none[@]}" | median); p7c=$(printf '%s\n' "${p7_cache[@]}" | median); p7w=$(printf '%s\n' "${p7_warm[@]}" | median)
p7wc=$(printf '%s\n' "${p7_warm_cache[@]}" | median)
cd "$work/repo"

p7="P7 cold engine, Java template (median of ${p7_runs}): no cache ${p7n} s, registry cache ${p7c} s, warm local ${p7wc} s with --cache (${p7w} s without);\
 cache/warm $(ratio "$p7c" "$p7wc")x with the same command, $(ratio "$p7c" "$p7w")x against no setting (target <= 1.3x); speed-up over no cache (target >= 3x): $(ratio "$p7n" "$p7c")x"
[ -z "${P7_ONLY:-}" ] || { echo "$p7"; exit 0; }
if [ -n "$jdk25" ]; then
  p1_jdk25="P1 on JDK 25 (AOT cache): kit ${p1j} s / sh ${p1s} s = $(ratio "$p1j" "$p1s")x   (target <= 1.25x)"
else
  p1_jdk25="P1 on JDK 25: no JDK 25 or later under /usr/lib/jvm"
fi
cat <<REPORT

Figures (median of $runs alternating runs each, of $((runs * 3)) for P1):
P1 build, every layer cached: kit ${p1k} s / sh ${p1s} s = $(ratio "$p1k" "$p1s")x   (target <= 2.0x)
${p1_jdk25}
   where the kit's start-up goes (median of $runs): ${startup}
P2 build+test+package:        kit ${p2k} s / sh ${p2s} s = $(ratio "$p2k" "$p2s")x   (target <= 1.10x)
   the same with pipeline.java (one JVM): ${p2p} s / sh ${p2s} s = $(ratio "$p2p" "$p2s")x
P3 service answering -> package.java noticing: ${p3m} s   (target <= 0.3 s)
P4 after a source-only change: ${cached} of ${before_sources} steps before the sources from cache; context ${context}; .git/obj/tests/lib/bench/jbang in context: ${leaks}
P5 first run of a fresh clone over a warm run: ${p5m} s   (target <= 3 s); the second run (archive check): +${p5bm} s
P6 peak memory of build.java's JVM: $(awk -v k="$p6" 'BEGIN {printf "%.1f", k/1024}') MiB   (target <= 96 MiB)
${p7}
REPORT
