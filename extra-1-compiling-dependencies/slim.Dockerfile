# The same image on python:3.11-slim, which has no compiler and no libpq.
# psycopg2 compiles in a build stage; the final stage gets its wheel and the one
# runtime library it links to, and nothing that was needed only to build it.

# A throwaway stage: Poetry turns the lock into a plain requirements file.
FROM python:3.11-slim AS export

WORKDIR /app

# `poetry export` comes from this plugin, which Poetry 2 no longer installs.
RUN pip install --no-cache-dir poetry==2.5.1 poetry-plugin-export==1.10.1
COPY pyproject.toml poetry.lock ./
# Runtime groups only (psycopg2 from prod, not psycopg2-binary from dev), and
# the build backend.
RUN poetry export --only main,prod,build --format requirements.txt --output requirements.txt

# A throwaway stage with the build tools: a C compiler, and libpq's headers
# and pg_config, which psycopg2's build asks where libpq lives.
FROM python:3.11-slim AS build

# Unpinned on purpose: a stable Debian release changes its packages only in
# updates (security fixes, point releases), and an exact pin would break the
# build once an update replaced the pinned version.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Every dependency becomes a wheel in /wheels: downloaded ones as they are,
# psycopg2 compiled from its source with the setuptools -slim ships (build
# isolation would fetch one, unchecked). pip checks each download against the lock.
COPY --from=export /app/requirements.txt ./
RUN pip wheel --no-cache-dir --require-hashes --no-build-isolation -r requirements.txt --wheel-dir /wheels

# The final image: slim again, without the build stage's tools.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONFAULTHANDLER=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# libpq5 is the client library the compiled psycopg2 loads at run time.
# No compiler, no headers; apt's package lists go too. Unpinned, as above.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/*

# A break-in through the app should not get root inside the container.
RUN useradd --uid 1000 --no-create-home app

WORKDIR /app

# Install the build stage's wheels without asking the index. They are mounted
# for this one command (BuildKit), so no copy of them stays in a layer. No
# --require-hashes here: the compiled psycopg2 wheel is new, no lock knows its
# hash; the files it came from were checked in the build stage.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index /wheels/*.whl

COPY . .
# The app itself; its dependencies are all in place already, and so is its
# build backend (the `build` group): without build isolation pip builds it with
# that instead of fetching poetry-core, unchecked, into a fresh environment.
# https://pip.pypa.io/en/stable/reference/build-system/pyproject-toml/#disabling-build-isolation
RUN pip install --no-cache-dir --no-deps --no-build-isolation .

# By number, so that a platform that insists on non-root (Kubernetes'
# runAsNonRoot) can verify it without reading /etc/passwd.
# https://docs.docker.com/build/building/best-practices/#user
USER 1000
# Exec form: gunicorn runs as PID 1, with no shell in between, and gets
# `docker stop`'s SIGTERM itself. It finds its settings in ./gunicorn.conf.py,
# which reads HOST, PORT and WORKERS from the environment.
# https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
CMD ["gunicorn", "dockerizing_python.main:app"]
