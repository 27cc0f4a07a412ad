#!/usr/bin/env bash
# Performs the Dockerfile's steps on this machine, where no image can be built,
# so that the Dockerfile cannot silently rot: copy what it copies into a fresh
# directory standing in for the image's /app, run its RUN lines
# (`npm ci --omit=dev`), start its CMD as an unprivileged user (nobody, for the
# image's USER) with production settings, and wait until its HEALTHCHECK passes.
# Then stop the service with the image's STOPSIGNAL and expect a clean exit.
#
# Node: the image gets Node 24 from its base (node:24-slim). Here it is the
# Node 24 binary of the development install (the `node` dev dependency), since
# `npm ci --omit=dev` leaves it out; override with NODE_BIN.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dockerfile="$repo/Dockerfile"
node_bin="${NODE_BIN:-$repo/node_modules/node/bin/node}"
port="${PORT_FOR_CHECK:-39$((RANDOM % 900 + 100))}"
local_user=nobody local_group=nogroup

fail() { echo "verify-image-steps: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (it starts the service as $local_user, as the image runs it as a non-root user)"
"$node_bin" --version | grep -q '^v24\.' || fail "$node_bin is not Node 24"

work="$(mktemp -d /tmp/cbs-idp-image.XXXXXX)"
service_pid=""
cleanup() {
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then kill -KILL "$service_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/bin" "$work/root"
# A copy, not a link: the unprivileged user must reach it even when the checkout sits in a
# private directory (mktemp -d is 0700), or PATH would silently fall back to another Node.
cp "$node_bin" "$work/bin/node"
export PATH="$work/bin:$PATH"

# The instructions, one per line (comments and blank lines left out).
mapfile -t instructions < <(grep -Ev '^\s*(#|$)' "$dockerfile")
image_user="$(printf '%s\n' "${instructions[@]}" | sed -n 's/^USER //p' | tail -1)"
[ -n "$image_user" ] && [ "$image_user" != root ] || fail "the Dockerfile must switch to a non-root USER"

# Paths in the image (/app) live under $work/root here; the image's user is $local_user.
on_host() { sed -e "s#\(^\|[ =]\)/#\1$work/root/#g" -e "s#$image_user:$image_user#$local_user:$local_group#g" <<<"$1"; }
workdir="$work/root" cmd="" healthcheck="" stopsignal=TERM
declare -a env_vars=()
for line in "${instructions[@]}"; do
  instruction="${line%% *}" args="${line#* }"
  case "$instruction" in
    FROM) [[ "$args" == node:24* ]] || fail "base image is $args, not node:24";;
    ENV) for pair in $args; do env_vars+=("$(on_host "$pair")"); done;;
    WORKDIR) workdir="$(on_host "$args")"; mkdir -p "$workdir";;
    COPY) read -ra parts <<<"$args"; dest="${parts[-1]}"; unset 'parts[-1]'
          (cd "$repo" && cp -r "${parts[@]}" "$workdir/$dest");;
    # npm gets a cache of its own: the image's `npm cache clean` must not empty this machine's.
    RUN) echo "RUN $args"; (cd "$workdir" && env "${env_vars[@]}" "npm_config_cache=$work/npm-cache" bash -euo pipefail -c "$(on_host "$args")");;
    USER|EXPOSE) ;;
    STOPSIGNAL) stopsignal="${args#SIG}";;
    HEALTHCHECK) healthcheck="${args#*CMD }";;
    CMD) cmd="$args";;
    *) fail "this script does not know the instruction $instruction: teach it, or keep the Dockerfile simple";;
  esac
done
[ -n "$cmd" ] && [ -n "$healthcheck" ] || fail "the Dockerfile needs a CMD and a HEALTHCHECK"
mapfile -t cmd_argv < <("$node_bin" -e 'for (const a of JSON.parse(process.argv[1])) console.log(a)' "$cmd")

# Production settings, as an operator provides them: real keys, clients, SMTP, an https issuer.
secrets="$work/secrets"; mkdir -p "$secrets"
(cd "$workdir" && env "${env_vars[@]}" node src/cli/main.ts keys generate) > "$secrets/jwks.json"
# The example registrations, with real secrets in place of its placeholders (which production refuses).
sed "s/replace-with-[a-z-]*secret/$(openssl rand -hex 24)/" "$repo/config/clients.example.json" > "$secrets/clients.json"
chmod -R a+rX "$work"
production=(
  "PORT=$port" "METRICS_PORT=$((port + 1))" ISSUER=https://login.example.org TRUST_PROXY=true SMTP_URL=smtp://127.0.0.1:2525
  "JWKS_FILE=$secrets/jwks.json" "CLIENTS_FILE=$secrets/clients.json"
  "COOKIE_KEYS=$(openssl rand -hex 32)" "SECRETS_KEY=$(openssl rand -hex 32)"
)

cd "$workdir"
setpriv --reuid="$local_user" --regid="$local_group" --clear-groups -- \
  env -i "PATH=$PATH" "${env_vars[@]}" "${production[@]}" "${cmd_argv[@]}" > "$work/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 1 120); do
  kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log" >&2; fail "the service exited during start-up"; }
  if env "${env_vars[@]}" "PORT=$port" sh -c "$healthcheck"; then
    user="$(ps -o user= -p "$service_pid")"
    [ "$user" != root ] || fail "the service runs as root"
    # The CMD's launcher (bin/service-node) sets glibc's malloc settings and execs node in its place.
    grep -qz '^MALLOC_MMAP_THRESHOLD_=' "/proc/$service_pid/environ" || fail "the service runs without the malloc settings of bin/service-node"
    kill "-$stopsignal" "$service_pid"
    wait "$service_pid" && code=0 || code=$?
    service_pid=""
    [ "$code" = 0 ] || { cat "$work/service.log" >&2; fail "the service exited with $code on SIG$stopsignal"; }
    echo "image steps OK: installed without dev dependencies, ran as $user, /readyz 200, stopped cleanly on SIG$stopsignal, malloc settings in place"
    exit 0
  fi
  sleep 0.5
done
cat "$work/service.log" >&2
fail "the HEALTHCHECK did not pass within 60 s"
