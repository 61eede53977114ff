"""The series' web service: the same tiny API in every step."""

from fastapi import FastAPI

# Which folder this app belongs to, so a test knows which image answered.
STEP = "extra-6-a-newer-python"

app = FastAPI(title="Dockerizing Python")


# `async def`: nothing here blocks, so each request runs on the event loop
# instead of being handed to a thread pool.
@app.get("/")
async def index() -> dict[str, str]:
    return {"step": STEP}


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}
