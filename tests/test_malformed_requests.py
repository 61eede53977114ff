"""Malformed and slow requests, over raw sockets: a 4xx or a hang-up, never a 5xx or a hang."""

import contextlib
import re
import socket
import time

import httpx
import pytest

from tools import docker_cli

# Every socket waits this long at most for the server.
TIMEOUT = 5
# How long the slow client dawdles before the test hangs up on it.
SLOW_CLIENT_SECONDS = 3
STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3})", re.MULTILINE)


def connect(server) -> socket.socket:
    port = int(server.url.rsplit(":", 1)[1])
    return socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)


def send(sock: socket.socket, payload: bytes) -> None:
    # A server that refuses a request may hang up before it has all of it.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        sock.sendall(payload)


def answers(sock: socket.socket, seconds: float = TIMEOUT) -> tuple[list[int], bool]:
    """The statuses the server sends within `seconds`, and whether it then hung up."""
    received, deadline = b"", time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return [int(status) for status in STATUS_LINE.findall(received)], True
        received += chunk
    return [int(status) for status in STATUS_LINE.findall(received)], False


def assert_refused(server, what: str, statuses: list[int], closed: bool) -> None:
    assert all(400 <= status < 500 for status in statuses), (
        f"{what}: the server answered {statuses}; expected only a 4xx, or a hang-up"
    )
    assert statuses or closed, f"{what}: no answer and no hang-up within {TIMEOUT} s"
    # Shrugged off: the next client is served, and the log holds no error.
    assert httpx.get(server.url + "/", timeout=TIMEOUT).status_code == 200, f"{what}: / broke"
    problems = docker_cli.log_problems(server.logs(lines=200))
    assert not problems, f"{what}: {problems[:5]}"


def exchange(server, payload: bytes, shut_write: bool = False) -> tuple[list[int], bool]:
    with connect(server) as sock:
        send(sock, payload)
        if shut_write:
            sock.shutdown(socket.SHUT_WR)
        return answers(sock)


@pytest.mark.applies_to("production_checks")
def test_a_garbage_request_line(step, server):
    result = exchange(server, b"\x16\x03\x01 this is not HTTP at all\r\n\r\n")
    assert_refused(server, "garbage request line", *result)


@pytest.mark.applies_to("production_checks")
def test_an_oversized_header(step, server):
    header = b"X-Padding: " + b"a" * 100_000 + b"\r\n"
    result = exchange(server, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + b"\r\n")
    assert_refused(server, "100 KB header", *result)


@pytest.mark.applies_to("production_checks")
@pytest.mark.parametrize(
    ("declared", "body"), [(100, b"only ten b"), (5, b"hello, and then some")],
    ids=["declares-more", "declares-less"],
)
def test_a_wrong_content_length(step, server, declared, body):
    head = f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {declared}\r\n\r\n".encode()
    # Too short a body, then end of input: the server must not wait for the rest forever.
    result = exchange(server, head + body, shut_write=len(body) < declared)
    assert_refused(server, f"Content-Length {declared}, {len(body)} bytes sent", *result)


@pytest.mark.applies_to("production_checks")
def test_a_slow_client(step, server):
    with connect(server) as slow:
        send(slow, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: half-a-re")
        # It holds a connection, not a worker: others are served meanwhile.
        assert httpx.get(server.url + "/", timeout=TIMEOUT).status_code == 200
        # The server may give up on it (a 408, or a hang-up) or keep waiting.
        statuses, _ = answers(slow, SLOW_CLIENT_SECONDS)
    # Either way the connection is closed now: the test hung up on it.
    assert_refused(server, "slow client", statuses, closed=True)
