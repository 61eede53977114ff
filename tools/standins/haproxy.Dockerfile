# Stand-in for the official haproxy:2.6 image, built from Debian bookworm's
# haproxy package (2.6) for machines that cannot pull from Docker Hub.
# Not the official image.
ARG DEBIAN_BASE
FROM ${DEBIAN_BASE}

# Unpinned: each build takes what bookworm's main suite holds that day (point
# releases included; debootstrap adds no bookworm-security or -updates source).
# hadolint ignore=DL3008
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends haproxy; \
    rm -rf /var/lib/apt/lists/*; \
    mkdir -p /usr/local/etc/haproxy

# The official image's configuration path, user and stop signal (a graceful stop).
# By name, as in the official image: the package picks the uid.
# hadolint ignore=DL3066
USER haproxy
STOPSIGNAL SIGUSR1

ARG STANDIN_FOR
LABEL org.dockerizing-python.standin="true" \
      org.dockerizing-python.standin-for="${STANDIN_FOR}" \
      org.opencontainers.image.description="Offline stand-in for ${STANDIN_FOR}, built from Debian bookworm packages"
CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
