# Stand-in for the official python:3.11, python:3.13 and their -slim images (and
# python:3.9-slim, on which the suite runs the tools' own version check), built
# from Debian packages for machines that cannot pull from Docker Hub: bookworm's
# python3 is 3.11, trixie's 3.13, bullseye's 3.9. It is NOT the official image:
# the labels below say so, sizes differ, and the official python:3.11 and
# python:3.11-slim are built on Debian trixie now (python:3.11-bookworm and
# -slim-bookworm on bookworm).
ARG DEBIAN_BASE
FROM ${DEBIAN_BASE}

# full: a subset of the official full image's build tools (a compiler and the
# headers the series needs); slim: none, but Python's headers, which the
# official -slim image ships too.
ARG VARIANT=full
# The image tag's Python, which is the Debian release's python3, for the paths below.
ARG PYTHON_VERSION=3.11
# Unpinned: each build takes what the suite's main archive holds that day (point
# releases included; debootstrap adds no -security or -updates source).
# hadolint ignore=DL3008
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
        ca-certificates python3 python3-dev python3-pip python3-venv python-is-python3; \
    if [ "$VARIANT" = full ]; then \
        apt-get install -y --no-install-recommends \
            build-essential curl git libffi-dev libpq-dev libssl-dev procps; \
    fi; \
    rm -rf /var/lib/apt/lists/*; \
    # pip installs system-wide in the official image; let it here too, and
    # answer to the official image's path for installed packages.
    rm -f /usr/lib/python${PYTHON_VERSION}/EXTERNALLY-MANAGED; \
    mkdir -p /usr/local/lib/python${PYTHON_VERSION}/dist-packages; \
    ln -s dist-packages /usr/local/lib/python${PYTHON_VERSION}/site-packages; \
    # The official image deletes every .pyc of its Python once installed, the
    # standard library's included; Debian's packages compiled theirs as they
    # were configured. Delete them alike, so that a lesson that compiles the
    # standard library at build time is needed here too.
    find /usr/lib/python3* /usr/local/lib/python3* /usr/share/python3 \
        -type f -name '*.pyc' -delete

# Trust the building machine's CA bundle (e.g. a TLS-inspecting proxy), so that
# pip inside later builds reaches the package index. Copied after apt on purpose:
# installing ca-certificates regenerates the bundle.
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV LANG=C.UTF-8 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt

# Where the index serves only the simple API, Poetry needs this plugin (installed
# without dependencies: it brings no Poetry along) and the index's address.
# Neither pip nor the plugin leaves bytecode behind, as in the official image,
# and the build fails if any .pyc is left at all.
ARG POETRY_PYPI_MIRROR_URL=""
RUN if [ -n "$POETRY_PYPI_MIRROR_URL" ]; then \
        PYTHONDONTWRITEBYTECODE=1 pip install --no-cache-dir --no-compile --no-deps \
            poetry-plugin-pypi-mirror==0.6.5; \
    fi; \
    left=$(find /usr/lib/python3* /usr/local/lib/python3* /usr/share/python3 \
        -type f -name '*.pyc' -print -quit); \
    if [ -n "$left" ]; then \
        echo "bytecode left in the stand-in ($left); the official image has none" >&2; \
        exit 1; \
    fi
ENV POETRY_PYPI_MIRROR_URL=${POETRY_PYPI_MIRROR_URL}

ARG STANDIN_FOR
ARG DEBIAN_SUITE=bookworm
LABEL org.dockerizing-python.standin="true" \
      org.dockerizing-python.standin-for="${STANDIN_FOR}" \
      org.opencontainers.image.description="Offline stand-in for ${STANDIN_FOR}, built from Debian ${DEBIAN_SUITE} packages"
CMD ["python3"]
