"""The app's own unit tests: run in-process, no container or server needed."""

import logging
from pathlib import Path
from typing import Self

import psycopg2
import pytest
from fastapi.testclient import TestClient

from dockerizing_python import main
from dockerizing_python.main import STEP, app

client = TestClient(app)


def test_index_names_the_step() -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.json() == {"step": STEP}


def test_healthz_reports_ok() -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def refuse(**settings: object) -> None:
    """Stands in for psycopg2.connect while the database is down."""
    raise psycopg2.OperationalError('could not translate host name "db" to address')


def test_db_answers_503_while_the_database_is_down(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(main.psycopg2, "connect", refuse)
    with caplog.at_level(logging.WARNING):
        response = client.get("/db")
    assert response.status_code == 503
    # The driver's reason goes to the log; the client learns nothing more.
    assert response.json() == {"error": "database unavailable"}
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "could not translate host name" in caplog.text


def test_db_answers_503_when_the_password_file_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DB_PASSWORD_FILE", str(tmp_path / "missing"))
    response = client.get("/db")
    assert response.status_code == 503
    assert response.json()["error"] == "database unavailable"


def test_healthz_does_not_depend_on_the_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(main.psycopg2, "connect", refuse)
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


class FakeCursor:
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def execute(self, query: str) -> None:
        self.query = query

    def fetchone(self) -> tuple[str]:
        return ("15.99 (fake)",)


class FakeConnection:
    closed = False

    def cursor(self) -> FakeCursor:
        return FakeCursor()

    def close(self) -> None:
        self.closed = True


def test_db_reports_the_server_version_with_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "db_password"
    secret.write_text("from-the-file\n")
    monkeypatch.setenv("DB_HOST", "db.example")
    monkeypatch.setenv("DB_PORT", "6543")
    monkeypatch.setenv("DB_NAME", "appdb")
    monkeypatch.setenv("DB_USER", "appuser")
    monkeypatch.setenv("DB_PASSWORD", "ignored-when-a-file-is-given")
    monkeypatch.setenv("DB_PASSWORD_FILE", str(secret))
    calls: list[dict[str, object]] = []
    connection = FakeConnection()

    def connect(**settings: object) -> FakeConnection:
        calls.append(settings)
        return connection

    monkeypatch.setattr(main.psycopg2, "connect", connect)
    response = client.get("/db")
    assert response.status_code == 200
    assert response.json() == {"server_version": "15.99 (fake)"}
    assert calls == [
        {
            "host": "db.example",
            "port": 6543,
            "dbname": "appdb",
            "user": "appuser",
            "password": "from-the-file",
            "connect_timeout": main.CONNECT_TIMEOUT,
        }
    ]
    assert connection.closed, "the connection must not outlive the request"


def test_db_recovers_once_the_database_is_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main.psycopg2, "connect", refuse)
    assert client.get("/db").status_code == 503
    monkeypatch.setattr(main.psycopg2, "connect", lambda **settings: FakeConnection())
    assert client.get("/db").status_code == 200
