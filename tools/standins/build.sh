#!/usr/bin/env bash
# Makes sure the base images this repository builds on exist locally: each is pulled, or where
# that fails (no Docker Hub, a registry proxy) an offline stand-in with the official name, so the
# Dockerfiles need no change, is built from Debian packages (a Python on the release whose python3
# it is: bookworm 3.11, trixie 3.13, bullseye 3.9; the others on bookworm). A present image is kept,
# unless it is a stand-in from an older recipe: then it is built again (pulled, where that works
# now). A pulled or your own image is never touched. Stand-ins need root on Debian or Ubuntu
# (debootstrap) and the package mirrors.
#
#   tools/standins/build.sh                      # every base image the series uses
#   tools/standins/build.sh python:3.11-slim     # only these
#   tools/standins/build.sh python:3.9-slim      # the suite's old Python (not a base)
#   STANDINS_ONLY=1 tools/standins/build.sh      # do not try to pull
#   STANDINS_DRY_RUN=1 tools/standins/build.sh   # say what is there, pull and build nothing
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ca_bundle=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(python:3.11 python:3.11-slim python:3.13 postgres:15 registry:2 haproxy:2.6)

log() { printf '[standins] %s\n' "$*" >&2; }

# Every stand-in carries these labels; the second holds a digest of its recipe.
standin_label=org.dockerizing-python.standin
recipe_label=org.dockerizing-python.standin-recipe
old_debian_bases=()

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

label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null; }

# The files each stand-in is built from: its Dockerfile first, then the rest of its build context.
recipe_files() {
    case $1 in
        python:3.11 | python:3.11-slim | python:3.13 | python:3.13-slim | python:3.9-slim) echo python.Dockerfile ;;
        postgres:15) echo postgres.Dockerfile postgres-entrypoint.sh ;;
        registry:2) echo registry.Dockerfile registry-config.yml ;;
        haproxy:2.6) echo haproxy.Dockerfile ;;
        *) return 1 ;;
    esac
}

# A stand-in's recipe: its name (the python variant follows from it), the Debian
# release it is built on, its files and the code below that builds it and its
# Debian base. `declare -f` prints that code without its comments, so editing a
# comment in those functions rebuilds nothing; any edit of a recipe file does.
# What belongs to the machine (its CA bundle, its index address) is left out.
recipe_digest() {
    local files
    files=$(recipe_files "$1") || return 1
    {
        printf '%s %s\n' "$1" "$(suite_of "$1")"
        (cd "$here" && cat $files)
        declare -f ensure_debian_base build_standin
    } | sha256sum | cut -c1-16
}

# A pull that gives up after two minutes where a `timeout` command exists (macOS
# has none: there the pull has no time limit).
pull() {
    if command -v timeout >/dev/null; then timeout 120 docker pull -q "$1"; else docker pull -q "$1"; fi
}

# The Debian release a stand-in is built from: for a Python, the one whose python3 is
# that version; bookworm for the others.
suite_of() {
    case $1 in
        python:3.13*) echo trixie ;;
        python:3.9*) echo bullseye ;;
        *) echo bookworm ;;
    esac
}

debian_base_of() { echo "dockerizing-python-standin/debian:$1"; }

debian_base_digest() { declare -f ensure_debian_base | sha256sum | cut -c1-16; }

ensure_debian_base() {
    local suite=$1 digest debian_base
    debian_base=$(debian_base_of "$suite")
    digest=$(debian_base_digest)
    if have_image "$debian_base"; then
        [ "$(label_of "$debian_base" "$recipe_label")" = "$digest" ] && return
        old_debian_bases+=("$(docker image inspect --format '{{ .Id }}' "$debian_base")")
    fi
    if ! command -v debootstrap >/dev/null; then
        [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || {
            log "debootstrap is missing: install it (Debian/Ubuntu, as root) to build stand-ins"
            exit 1
        }
        apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null
    fi
    local rootfs
    rootfs=$(mktemp -d)
    log "debootstrap $suite (minbase) into a temporary folder"
    debootstrap --variant=minbase "$suite" "$rootfs" >"$rootfs.log" 2>&1 || {
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
        --change "LABEL $standin_label=true $recipe_label=$digest" \
        - "$debian_base" >/dev/null
    rm -rf "$rootfs" "$rootfs.log"
}

# Where pip's index is served (mirror or proxy), Poetry gets the same address.
pip_index_url() {
    python3 -c 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)' 2>/dev/null || true
}

build_standin() {
    local image=$1 context files file list
    list=$(recipe_files "$image") || {
        log "no stand-in recipe for $image"
        exit 1
    }
    read -ra files <<<"$list"
    context=$(mktemp -d)
    cp "$here/${files[0]}" "$context/Dockerfile"
    for file in "${files[@]:1}"; do cp "$here/$file" "$context/"; done
    local suite
    suite=$(suite_of "$image")
    local args=(--build-arg DEBIAN_BASE="$(debian_base_of "$suite")" --build-arg DEBIAN_SUITE="$suite"
        --build-arg STANDIN_FOR="$image")
    case $image in
        python:*)
            local variant=full version=${image#python:}
            [ "${version%-slim}" != "$version" ] && variant=slim
            # Generated at build time, never committed.
            cp "$ca_bundle" "$context/ca-certificates.crt"
            args+=(--build-arg VARIANT="$variant" --build-arg PYTHON_VERSION="${version%-slim}"
                --build-arg POETRY_PYPI_MIRROR_URL="$(pip_index_url)")
            ;;
    esac
    docker_build -t "$image" --label "$recipe_label=$(recipe_digest "$image")" "${args[@]}" "$context"
    rm -rf "$context"
}

for image in "${images[@]}"; do
    replaced=""
    if have_image "$image"; then
        if [ "$(label_of "$image" "$standin_label")" != true ]; then
            log "$image: present"
            continue
        fi
        if ! recipe_files "$image" >/dev/null ||
            [ "$(label_of "$image" "$recipe_label")" = "$(recipe_digest "$image")" ]; then
            log "$image: stand-in present, built from the current recipe"
            continue
        fi
        log "$image: the stand-in's recipe changed since it was built"
        replaced=$(docker image inspect --format '{{ .Id }}' "$image")
    fi
    if [ -n "${STANDINS_DRY_RUN:-}" ]; then
        log "$image: dry run, nothing pulled or built"
        continue
    fi
    if [ -z "${STANDINS_ONLY:-}" ] && pull "$image" >/dev/null 2>&1; then
        log "$image: pulled"
    else
        log "$image: cannot be pulled, building an offline stand-in"
        ensure_debian_base "$(suite_of "$image")"
        started=$SECONDS
        build_standin "$image"
        log "$image: stand-in built in $((SECONDS - started)) s"
    fi
    # The old stand-in goes, unless images built on it still need it.
    if [ -n "$replaced" ] && docker image rm "$replaced" >/dev/null 2>&1; then
        log "$image: removed the old stand-in"
    fi
done
# (The odd expansion: an empty array under `set -u` on macOS's bash 3.2.)
for old in ${old_debian_bases[@]+"${old_debian_bases[@]}"}; do
    docker image rm "$old" >/dev/null 2>&1 && log "removed an old Debian base"
done
true
