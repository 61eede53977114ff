"""The app's own unit tests: run in-process, no container or server needed."""

from fastapi.testclient import TestClient

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
