# Extra 2's Dockerfile without its two compileall instructions, and nothing
# else: the scoreboard starts both images to show what the bytecode is worth.
# Not a way to build: every start compiles the imported modules again.
# A throwaway stage: Poetry turns the lock into a plain requirements file and
# stays behind. The final stage, for what actually runs, takes only that file,
# so the image carries no Poetry (only its build backend). Exporting reads a
# lock and compiles nothing, so the small -slim image is enough here.
FROM python:3.11-slim AS export

WORKDIR /app

# `poetry export` comes from this plugin, which Poetry 2 no longer installs.
RUN pip install --no-cache-dir poetry==2.5.1 poetry-plugin-export==1.10.1
COPY pyproject.toml poetry.lock ./
# Runtime groups and the build backend, each package pinned to the hashes in
# poetry.lock.
RUN poetry export --only main,prod,build --format requirements.txt --output requirements.txt

# Another throwaway stage holds the installer, uv, pinned and hash-checked. uv
# reuses its cache even where the index's answers carry no caching headers; pip
# keeps a download only when the answer carries them (an expiry or an ETag).
# Only uv's binary is lent to the final stage, never copied.
FROM python:3.11-slim AS uv
WORKDIR /uv
COPY uv-requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r uv-requirements.txt

# The official full image: Python, pip and a compiler, nothing else to set up.
FROM python:3.11

# No .pyc files written at run time, what the app prints reaches `docker logs`
# at once (gunicorn's log lines would anyway), a segfault prints a Python
# traceback, and pip does not ask the index whether it is outdated.
# https://docs.python.org/3/using/cmdline.html#environment-variables
# uv copies files out of its cache without trying to link them first: the
# cache is a mount, another file system, where a link fails (uv would then
# copy anyway, with a warning).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONFAULTHANDLER=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_LINK_MODE=copy

# A break-in through the app should not get root inside the container.
RUN useradd --uid 1000 --no-create-home app

WORKDIR /app

# Dependencies first, so this layer stays cached while only the app changes.
COPY --from=export /app/requirements.txt ./
# uv refuses any file whose hash the lock did not record. The cache mount
# keeps uv's downloads on the build machine, outside every layer: a rebuild
# downloads only the packages it has not seen. The bind mount lends uv's
# binary to this one instruction.
# https://docs.docker.com/reference/dockerfile/#run---mounttypecache
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,from=uv,source=/usr/local/bin/uv,target=/usr/local/bin/uv \
    uv pip install --system --require-hashes -r requirements.txt

COPY . .
# The app itself. Its build backend, poetry-core, came hashed with the
# dependencies (the `build` group), so nothing is fetched to build it.
RUN --mount=type=bind,from=uv,source=/usr/local/bin/uv,target=/usr/local/bin/uv \
    uv pip install --system --no-cache --no-deps --no-build-isolation .

# By number, so that a platform that insists on non-root (Kubernetes'
# runAsNonRoot) can verify it without reading /etc/passwd.
# https://docs.docker.com/build/building/best-practices/#user
USER 1000
# Exec form: gunicorn runs as PID 1, with no shell in between, and gets
# `docker stop`'s SIGTERM itself. It finds its settings in ./gunicorn.conf.py,
# which reads HOST, PORT and WORKERS from the environment.
# https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
CMD ["gunicorn", "dockerizing_python.main:app"]
