"""A bounded load on loopback, every outcome kept, one fresh connection per request: a keep-alive
connection the server closes between two requests fails the next one whatever the server does, and
a real client would retry it."""

import asyncio
import time

import httpx

OK = "ok"
REFUSED = "refused"  # no connection, or one closed or reset with no answer


async def _one_request(client: httpx.AsyncClient, url: str, expected: dict) -> tuple[float, str]:
    """(when the request was handed to the socket, outcome). Not when the call began: under
    load, the event loop can hold a request a while before it connects and writes. A request
    never handed over (refused) takes the moment it failed."""
    sent: list[float] = []

    async def note_sent(event: str, _info: dict) -> None:
        if event == "http11.send_request_body.complete":
            sent.append(time.monotonic())

    try:
        response = await client.get(url, extensions={"trace": note_sent})
        ok = response.status_code == 200 and response.json() == expected
        outcome = OK if ok else f"{response.status_code} {response.text[:80]!r}"
    except httpx.HTTPError as error:
        outcome = failure(error)
    return (sent[0] if sent else time.monotonic(), outcome)


def failure(error: httpx.HTTPError) -> str:
    """REFUSED for a request that got no connection or no answer, else the error."""
    # Refused, or reset: a closing listener resets what waits in its queue.
    if isinstance(error, httpx.ConnectError | httpx.ReadError | httpx.WriteError):
        return REFUSED
    # Docker's port forwarder accepts the connection, then finds no server.
    if isinstance(error, httpx.RemoteProtocolError) and "without sending a response" in str(error):
        return REFUSED
    return repr(error)


async def _load(url: str, seconds: float, concurrency: int, expected: dict) -> list[tuple[float, str]]:
    outcomes: list[tuple[float, str]] = []
    end = time.monotonic() + seconds
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def one_client() -> None:
            while time.monotonic() < end:
                sent, outcome = await _one_request(client, url, expected)
                outcomes.append((sent, outcome))
                if outcome == REFUSED:
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(one_client() for _ in range(concurrency)))
    return outcomes


def run_load(url: str, seconds: float, concurrency: int, expected: dict) -> list[tuple[float, str]]:
    """(when it was sent, or failed unsent; outcome) of every request made during `seconds`."""
    return asyncio.run(asyncio.wait_for(_load(url, seconds, concurrency, expected), seconds + 60))
