# Five ways to install the same dependencies, one build target each:
#
#   docker build -f alternatives.Dockerfile --target uv .
#
# Every target installs the main and prod groups of pyproject.toml at the same
# versions as poetry.lock; only the tool differs. The files the other tools
# read live in alternatives/, made this way:
#   alternatives/requirements.txt (pip, venv, uv): exported from poetry.lock with
#     poetry export --only main,prod --format requirements.txt --output alternatives/requirements.txt
#   alternatives/uv-requirements.txt (uv itself): uv pinned with every file's hash,
#     the command is in the file
#   alternatives/Pipfile (pipenv): written by hand with the pins of pyproject.toml
#   alternatives/Pipfile.lock (pipenv): cd alternatives && pipenv lock

# What every target shares: the full image, the code and the command.
FROM python:3.11 AS base
WORKDIR /app
COPY . .
# Gunicorn reads ./gunicorn.conf.py: uvicorn workers, HOST, PORT and WORKERS.
CMD ["gunicorn", "dockerizing_python.main:app"]

# pip alone: nothing to install first; the exported file pins every package.
# pip and uv keep no download cache here (--no-cache-dir, --no-cache). pipenv
# runs pip with a cache of its own, /root/.cache/pipenv, which keeps the
# downloads wherever the index allows caching, as PyPI does. Poetry, even with
# --no-cache, leaves its downloads in /root/.cache/pypoetry/artifacts.
FROM base AS pip
RUN pip install --no-cache-dir -r alternatives/requirements.txt

# A virtualenv inside the container: isolation the container already gives.
FROM base AS venv
RUN python -m venv /opt/venv
# Put the venv first on PATH so that pip and gunicorn are its own.
ENV PATH="/opt/venv/bin:$PATH"
RUN pip install --no-cache-dir -r alternatives/requirements.txt

# Poetry reads pyproject.toml and poetry.lock as they are, no export needed.
FROM base AS poetry
RUN pip install --no-cache-dir poetry==2.5.1
ENV POETRY_VIRTUALENVS_CREATE=false
RUN poetry install --without dev --no-cache

# pipenv: --deploy refuses a Pipfile.lock that no longer matches the Pipfile.
FROM base AS pipenv
ENV PIPENV_PIPFILE=alternatives/Pipfile
RUN pip install --no-cache-dir pipenv==2026.10.3 \
    && pipenv install --system --deploy

# uv: a drop-in for `pip install`, written in Rust for speed; same file as pip.
# uv itself comes from a stage of its own, installed there by pip with its
# hashes checked, and is only mounted while it installs: no uv in the image.
FROM python:3.11 AS uv-installer
WORKDIR /uv
COPY alternatives/uv-requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r uv-requirements.txt

FROM base AS uv
RUN --mount=type=bind,from=uv-installer,source=/usr/local/bin/uv,target=/usr/local/bin/uv \
    uv pip install --system --no-cache -r alternatives/requirements.txt
