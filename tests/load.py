"""A bounded load on loopback, one fresh connection per request, every outcome kept.

A fresh connection per request keeps the outcomes readable: a keep-alive
connection the server closes between two requests fails the next one whatever
the server does, and a real client would retry it.
"""

import asyncio
import time

import httpx

OK = "ok"
REFUSED = "refused"  # no connection, or one closed or reset with no answer


async def _load(url: str, seconds: float, concurrency: int, expected: dict) -> list[tuple[float, str]]:
    outcomes: list[tuple[float, str]] = []
    end = time.monotonic() + seconds
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def one_client() -> None:
            while time.monotonic() < end:
                started = time.monotonic()
                try:
                    response = await client.get(url)
                    ok = response.status_code == 200 and response.json() == expected
                    outcome = OK if ok else f"{response.status_code} {response.text[:80]!r}"
                except (httpx.ConnectError, httpx.ReadError):
                    # Refused, or reset: a closing listener resets what waits in its queue.
                    outcome = REFUSED
                except httpx.RemoteProtocolError as error:
                    # Docker's port forwarder accepts the connection, then finds no server.
                    refused = "without sending a response" in str(error)
                    outcome = REFUSED if refused else repr(error)
                except httpx.HTTPError as error:
                    outcome = repr(error)
                outcomes.append((started, outcome))
                if outcome == REFUSED:
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(one_client() for _ in range(concurrency)))
    return outcomes


def run_load(url: str, seconds: float, concurrency: int, expected: dict) -> list[tuple[float, str]]:
    """(start time, outcome) of every request sent during `seconds`."""
    return asyncio.run(asyncio.wait_for(_load(url, seconds, concurrency, expected), seconds + 60))
