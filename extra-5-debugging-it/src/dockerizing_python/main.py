"""The series' web service: the same tiny API in every step."""

import time

from fastapi import FastAPI

# Which folder this app belongs to, so a test knows which image answered.
STEP = "extra-5-debugging-it"

app = FastAPI(title="Dockerizing Python")


# `async def`: nothing here blocks, so each request runs on the event loop
# instead of being handed to a thread pool.
@app.get("/")
async def index() -> dict[str, str]:
    return {"step": STEP}


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


# Only in this lesson's copy of the app: a request that takes its time, to
# look at while it runs. A plain `def`, so FastAPI runs it in a thread of its
# pool, where a profiler sees it waiting (a coroutine that awaits is on no
# thread's stack).
@app.get("/slow")
def slow(seconds: float = 1.0) -> dict[str, float]:
    time.sleep(seconds)  # stands for a slow query, or a call to another service
    return {"slept": seconds}
