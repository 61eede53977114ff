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
COPY uv-requirements.txt requirements.txt ./
# requirements.txt is exported from poetry.lock by a pre-commit hook, with a
# hash for every file: uv refuses anything the lock did not record. The cache
# mount keeps uv's downloads on the build machine, outside every layer, and uv
# reuses them, even where the index's answers carry no caching headers. uv
# itself is pinned with its hashes in uv-requirements.txt: pip keeps its wheel
# in the same cache (none in its own: --no-cache-dir), checks it, and installs
# it into a tmpfs mount, so that uv runs here and never reaches a layer, with no
# second stage to hold it.
# https://docs.docker.com/reference/dockerfile/#run---mount
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=tmpfs,target=/opt/uv \
    pip download --no-cache-dir --no-deps --require-hashes --dest /root/.cache/uv/installer -r uv-requirements.txt \
    && pip install --no-cache-dir --no-index --find-links /root/.cache/uv/installer --require-hashes \
        --target /opt/uv -r uv-requirements.txt \
    && /opt/uv/bin/uv pip install --system --require-hashes -r requirements.txt

# Bytecode for the standard library and every installed package, made once
# here instead of in memory at every start: the official image deletes the
# standard library's, not every installer writes it (uv does not), and
# PYTHONDONTWRITEBYTECODE keeps Python from writing it at run time.
# https://github.com/docker-library/python/blob/master/Dockerfile-linux.template
RUN python -m compileall -q -j 0 \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')" \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"

# The app itself, run from src/ as copied: Python finds it through
# PYTHONPATH. Building it into a package would start pip and Poetry's build
# backend to copy the same two files; this way a code change costs one COPY
# and one compile.
ENV PYTHONPATH=/app/src
COPY . .
# The app's own bytecode. A file that does not compile fails the build here.
RUN python -m compileall -q src

# By number, so that a platform that insists on non-root (Kubernetes'
# runAsNonRoot) can verify it without reading /etc/passwd.
# https://docs.docker.com/build/building/best-practices/#user
USER 1000

# Docker (and Compose's `depends_on: condition: service_healthy`) learns
# whether the app answers, asked with the Python already in the image, which
# every variant of the official image has (-slim has no curl).
# Exec form runs no shell, so a ${PORT} here would reach Python as it stands;
# Python reads PORT itself, with gunicorn.conf.py's default.
# https://docs.docker.com/reference/dockerfile/#healthcheck
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]

# Exec form: gunicorn runs as PID 1, with no shell in between, and gets
# `docker stop`'s SIGTERM itself. It finds its settings in ./gunicorn.conf.py,
# which reads HOST, PORT and WORKERS from the environment.
# https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
CMD ["gunicorn", "dockerizing_python.main:app"]
