# The same lesson with pip instead of uv, kept to compare the two (the
# scoreboard's rows for this folder). pip's cache mount helps only where the
# index's answers carry caching headers (an expiry or an ETag), as PyPI's do; a
# proxy that strips them leaves the cache empty, and every build downloads it all.
FROM python:3.11-slim AS export

WORKDIR /app

RUN pip install --no-cache-dir poetry==2.5.1 poetry-plugin-export==1.10.1
COPY pyproject.toml poetry.lock ./
RUN poetry export --only main,prod,build --format requirements.txt --output requirements.txt

FROM python:3.11

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONFAULTHANDLER=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --uid 1000 --no-create-home app

WORKDIR /app

COPY --from=export /app/requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --require-hashes -r requirements.txt

# pip compiles what it installs; the standard library still needs it.
RUN python -m compileall -q -j 0 \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')" \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"

COPY . .
RUN pip install --no-cache-dir --no-deps --no-build-isolation .

RUN python -m compileall -q -j 0 \
    "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"

USER 1000
CMD ["gunicorn", "dockerizing_python.main:app"]
