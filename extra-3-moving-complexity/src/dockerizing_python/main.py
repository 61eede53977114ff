"""The series' web service: the same tiny API in every step."""

from fastapi import FastAPI

# Which folder this app belongs to, so a test knows which image answered.
STEP = "extra-3-moving-complexity"

app = FastAPI(title="Dockerizing Python")


@app.get("/")
def index() -> dict[str, str]:
    return {"step": STEP}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
