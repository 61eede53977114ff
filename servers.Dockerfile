# The final image with other servers in front of the same app, so that the
# scoreboard measures what the root Dockerfile's choice is worth:
#
#   docker build -f servers.Dockerfile --target plain-uvicorn .
#
# The `app` stage repeats the root Dockerfile's instructions up to its
# HEALTHCHECK (a test keeps the two equal); each target adds its server's
# command (plain-uvicorn also its address, in ENV), and two of them pinned
# packages.
FROM python:3.11 AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONFAULTHANDLER=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_LINK_MODE=copy
RUN useradd --uid 1000 --no-create-home app
WORKDIR /app
COPY uv-requirements.txt requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=tmpfs,target=/opt/uv \
    pip download --no-cache-dir --no-deps --require-hashes --dest /root/.cache/uv/installer -r uv-requirements.txt \
    && pip install --no-cache-dir --no-index --find-links /root/.cache/uv/installer --require-hashes \
        --target /opt/uv -r uv-requirements.txt \
    && /opt/uv/bin/uv pip install --system --require-hashes -r requirements.txt
RUN python -m compileall -q -j 0 \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')" \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
ENV PYTHONPATH=/app/src
COPY . .
RUN python -m compileall -q src
USER 1000

# Uvicorn alone, in pure Python as `pip install uvicorn` gives it: its own
# process manager, asyncio's event loop and h11's parser. No access log and the
# same request limit as gunicorn.conf.py (without gunicorn's jitter), so that
# little but the server differs.
FROM app AS plain-uvicorn
ENV UVICORN_HOST=0.0.0.0 UVICORN_PORT=8000
CMD ["sh", "-c", "exec uvicorn --workers \"${WORKERS:-2}\" --limit-max-requests \"${MAX_REQUESTS:-1000000}\" --loop asyncio --http h11 --no-access-log dockerizing_python.main:app"]

# Gunicorn with uvicorn's worker and uvicorn's fast stack (uvloop, httptools),
# the usual pairing: installed here on top, pinned, for the comparison only.
FROM app AS uvicorn-worker
USER 0
RUN pip install --no-cache-dir uvicorn-worker==0.4.0 httptools==0.9.0
USER 1000
CMD ["gunicorn", "--worker-class", "uvicorn_worker.UvicornWorker", "dockerizing_python.main:app"]

# The root's server with gunicorn's optional C parser, gunicorn-h1c, which
# gunicorn picks up by itself once installed. It ships no Linux wheel, so this
# target compiles it, with the full image's compiler.
FROM app AS asgi-h1c
USER 0
RUN pip install --no-cache-dir gunicorn-h1c==0.6.10
USER 1000
CMD ["gunicorn", "dockerizing_python.main:app"]
