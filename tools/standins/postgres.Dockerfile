# Stand-in for the official postgres:15 image, built from Debian bookworm's
# postgresql-15 for machines that cannot pull from Docker Hub. Not the official image.
ARG DEBIAN_BASE
FROM ${DEBIAN_BASE}

# Unpinned: each build takes what bookworm's main suite holds that day (point
# releases included; debootstrap adds no bookworm-security or -updates source).
# hadolint ignore=DL3008
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends postgresql-15; \
    rm -rf /var/lib/apt/lists/*; \
    mkdir -p /var/lib/postgresql/data; \
    chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql

# Same paths and variables as the official image.
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data \
    LANG=C.UTF-8
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
# By name: the package picks the uid, and no host mount needs to match it.
# hadolint ignore=DL3066
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432

ARG STANDIN_FOR
LABEL org.dockerizing-python.standin="true" \
      org.dockerizing-python.standin-for="${STANDIN_FOR}" \
      org.opencontainers.image.description="Offline stand-in for ${STANDIN_FOR}, built from Debian bookworm packages"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
