# Stand-in for the official registry:2 image (the CNCF Distribution registry),
# built from Debian bookworm's docker-registry package for machines that cannot
# pull from Docker Hub. Not the official image.
ARG DEBIAN_BASE
FROM ${DEBIAN_BASE}

# Unpinned: each build takes what bookworm's main suite holds that day (point
# releases included; debootstrap adds no bookworm-security or -updates source).
# hadolint ignore=DL3008
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends docker-registry; \
    rm -rf /var/lib/apt/lists/*; \
    mkdir -p /var/lib/registry /etc/docker/registry

# The official image's configuration path, port and storage folder.
COPY registry-config.yml /etc/docker/registry/config.yml
VOLUME /var/lib/registry
EXPOSE 5000

ARG STANDIN_FOR
LABEL org.dockerizing-python.standin="true" \
      org.dockerizing-python.standin-for="${STANDIN_FOR}" \
      org.opencontainers.image.description="Offline stand-in for ${STANDIN_FOR}, built from Debian bookworm packages"
ENTRYPOINT ["docker-registry"]
CMD ["serve", "/etc/docker/registry/config.yml"]
