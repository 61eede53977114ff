#!/usr/bin/env bash
# Makes sure the base images this repository builds on exist locally.
# Each one is pulled; where the pull fails (no Docker Hub, air-gapped lab) an
# offline stand-in is built from Debian bookworm packages and tagged with the
# official name, so the Dockerfiles need no change. Images already present are
# kept as they are. Building stand-ins needs root on Debian or Ubuntu
# (debootstrap) and the package mirrors.
#
#   tools/standins/build.sh                      # every base image the series uses
#   tools/standins/build.sh python:3.11-slim     # only these
#   STANDINS_ONLY=1 tools/standins/build.sh      # do not try to pull
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
debian_base=dockerizing-python-standin/debian:bookworm
ca_bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(python:3.11 python:3.11-slim postgres:15)

log() { printf '[standins] %s\n' "$*" >&2; }

# Use BuildKit where the client has it; these Dockerfiles also build without it.
# On failure, show the end of the build log.
docker_build() {
    local build_log status=0
    build_log=$(mktemp)
    if docker buildx version >/dev/null 2>&1; then
        docker build "$@" >"$build_log" 2>&1 || status=$?
    else
        DOCKER_BUILDKIT=0 docker build "$@" >"$build_log" 2>&1 || status=$?
    fi
    if [ "$status" != 0 ]; then
        log "docker build failed; its log ends with:"
        tail -n 30 "$build_log" >&2
    fi
    rm -f "$build_log"
    return "$status"
}

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

ensure_debian_base() {
    have_image "$debian_base" && return
    if ! command -v debootstrap >/dev/null; then
        [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || {
            log "debootstrap is missing: install it (Debian/Ubuntu, as root) to build stand-ins"
            exit 1
        }
        apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null
    fi
    local rootfs
    rootfs=$(mktemp -d)
    log "debootstrap bookworm (minbase) into a temporary folder"
    debootstrap --variant=minbase bookworm "$rootfs" >"$rootfs.log" 2>&1 || {
        tail -n 20 "$rootfs.log" >&2
        exit 1
    }
    # Keep apt's caches out of every layer built on top, as Debian's official images do.
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import \
        --change 'CMD ["bash"]' \
        --change 'LABEL org.dockerizing-python.standin="true"' \
        - "$debian_base" >/dev/null
    rm -rf "$rootfs" "$rootfs.log"
}

# Where pip's index is served (mirror or proxy), Poetry gets the same address.
pip_index_url() {
    python3 -c 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)' 2>/dev/null || true
}

build_standin() {
    local image=$1 context
    context=$(mktemp -d)
    case $image in
        python:3.11 | python:3.11-slim)
            local variant=full
            [ "$image" = python:3.11-slim ] && variant=slim
            cp "$here/python.Dockerfile" "$context/Dockerfile"
            # Generated at build time, never committed.
            cp "$ca_bundle" "$context/ca-certificates.crt"
            docker_build -t "$image" \
                --build-arg DEBIAN_BASE="$debian_base" \
                --build-arg VARIANT="$variant" \
                --build-arg STANDIN_FOR="$image" \
                --build-arg POETRY_PYPI_MIRROR_URL="$(pip_index_url)" \
                "$context"
            ;;
        postgres:15)
            cp "$here/postgres.Dockerfile" "$context/Dockerfile"
            cp "$here/postgres-entrypoint.sh" "$context/"
            docker_build -t "$image" \
                --build-arg DEBIAN_BASE="$debian_base" \
                --build-arg STANDIN_FOR="$image" \
                "$context"
            ;;
        *)
            log "no stand-in recipe for $image"
            exit 1
            ;;
    esac
    rm -rf "$context"
}

for image in "${images[@]}"; do
    if have_image "$image"; then
        log "$image: present"
        continue
    fi
    if [ -z "${STANDINS_ONLY:-}" ] && timeout 120 docker pull -q "$image" >/dev/null 2>&1; then
        log "$image: pulled"
        continue
    fi
    log "$image: cannot be pulled, building an offline stand-in"
    ensure_debian_base
    started=$SECONDS
    build_standin "$image"
    log "$image: stand-in built in $((SECONDS - started)) s"
done
