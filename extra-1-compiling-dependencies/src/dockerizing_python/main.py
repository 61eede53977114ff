"""The series' web service: the same tiny API in every step."""

import logging
import os
from contextlib import closing
from typing import Any

import psycopg2
from fastapi import FastAPI
from fastapi.responses import JSONResponse

# Which folder this app belongs to, so a test knows which image answered.
STEP = "extra-1-compiling-dependencies"

# Seconds to wait for the database before giving up (libpq's minimum is 2).
CONNECT_TIMEOUT = 2

app = FastAPI(title="Dockerizing Python")

# Gunicorn's own error log: under gunicorn it reaches `docker logs` with a
# timestamp, the worker's pid and the level; in unit tests it reaches pytest.
log = logging.getLogger("gunicorn.error")


@app.get("/")
def index() -> dict[str, str]:
    return {"step": STEP}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def db_password() -> str:
    """The password from the file DB_PASSWORD_FILE names (a secret), else DB_PASSWORD."""
    path = os.environ.get("DB_PASSWORD_FILE")
    if path:
        with open(path, encoding="utf-8") as secret:
            return secret.read().strip()
    return os.environ.get("DB_PASSWORD", "")


def connection_settings() -> dict[str, Any]:
    """Where the database is, from the environment: the image holds no configuration."""
    return {
        "host": os.environ.get("DB_HOST", "localhost"),
        "port": int(os.environ.get("DB_PORT", "5432")),
        "dbname": os.environ.get("DB_NAME", "postgres"),
        "user": os.environ.get("DB_USER", "postgres"),
        "password": db_password(),
        "connect_timeout": CONNECT_TIMEOUT,
    }


@app.get("/db", response_model=None)
def db() -> dict[str, str] | JSONResponse:
    # A new connection per request: nothing to reconnect after an outage, so the
    # endpoint recovers by itself once the database is back. A pool would be faster.
    try:
        with (
            closing(psycopg2.connect(**connection_settings())) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
    except (psycopg2.Error, OSError) as error:
        # Down, unreachable, or the secret is missing: say so instead of a 500.
        # The reason names hosts and users: for the operator's log, not the client.
        # WARNING, not ERROR: the app copes, and recovers when the database returns.
        log.warning("database unavailable: %s", " ".join(str(error).split()))
        return JSONResponse(status_code=503, content={"error": "database unavailable"})
    return {"server_version": version}
