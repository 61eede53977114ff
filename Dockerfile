# The official full image: its compiler and headers build any dependency that
# arrives as source, and one stage is all this build needs.
FROM python:3.11

# No .pyc files written at run time, logs reach `docker logs` at once, a crash
# prints a traceback, and pip does not ask the index whether it is outdated.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONFAULTHANDLER=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A break-in through the app should not get root inside the container.
RUN useradd --uid 1000 --no-create-home app

WORKDIR /app

# Dependencies first, so this layer stays cached while only the app changes.
# requirements.txt is exported from poetry.lock by a pre-commit hook, with a
# hash for every file: pip refuses anything the lock did not record. The cache
# mount keeps pip's downloads on the build machine, outside every layer.
COPY requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --require-hashes -r requirements.txt

# Bytecode for the standard library and every installed package, made once
# here instead of in memory at every start: the official image ships the
# standard library without it, and PYTHONDONTWRITEBYTECODE stops Python from
# writing it at run time.
RUN python -m compileall -q -j 0 \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')" \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"

# The app itself. Its build backend, poetry-core, came with the hashed
# requirements above (the `build` group of pyproject.toml), so pip builds the
# package with what is installed instead of fetching the backend into a fresh,
# isolated environment every time: a change to the app downloads nothing, and
# there is nothing to cache. poetry-core stays in the image, a small pure-Python
# package the app never imports; simpler than a stage that builds a wheel.
COPY . .
RUN pip install --no-cache-dir --no-deps --no-build-isolation .

# The app's own bytecode; a file that does not compile fails the build here.
RUN python -m compileall -q -j 0 \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"

# By number, so that a platform that insists on non-root (Kubernetes'
# runAsNonRoot) can verify it without reading /etc/passwd.
USER 1000

# Docker (and Compose's `depends_on: condition: service_healthy`) learns
# whether the app answers, asked with the Python already in the image: no curl.
# Exec form runs no shell, so a ${PORT} here would reach Python as it stands;
# Python reads PORT itself, with gunicorn.conf.py's default.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]

# Exec form: gunicorn is PID 1 and gets `docker stop`'s SIGTERM directly.
CMD ["gunicorn", "dockerizing_python.main:app"]
