"""A small client of the Debug Adapter Protocol, what an editor speaks to debugpy.

https://microsoft.github.io/debug-adapter-protocol/specification
"""

import json
import socket
import time


class DebugAdapterClient:
    def __init__(self, host: str, port: int, timeout: float = 30):
        self.socket = socket.create_connection((host, port), timeout=timeout)
        self.stream = self.socket.makefile("rb")
        self.timeout = timeout
        self.seq = 0
        self.received: list[dict] = []  # read, not yet asked for

    def close(self) -> None:
        self.stream.close()
        self.socket.close()

    def send(self, command: str, **arguments) -> int:
        self.seq += 1
        body = json.dumps({"seq": self.seq, "type": "request", "command": command, "arguments": arguments})
        self.socket.sendall(f"Content-Length: {len(body.encode())}\r\n\r\n{body}".encode())
        return self.seq

    def _read(self) -> dict:
        headers = {}
        while (line := self.stream.readline().decode().strip()) != "":
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" not in headers:
            raise ConnectionError("the debug adapter closed the connection")
        return json.loads(self.stream.read(int(headers["content-length"])))

    def wait_for(self, description: str, matches) -> dict:
        """The first message, read now or before, for which `matches` is true."""
        deadline = time.monotonic() + self.timeout
        while True:
            for message in self.received:
                if matches(message):
                    self.received.remove(message)
                    return message
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {description} within {self.timeout} s; received {self.received}")
            self.received.append(self._read())

    def response(self, seq: int) -> dict:
        answer = self.wait_for(
            f"response to request {seq}", lambda m: m["type"] == "response" and m["request_seq"] == seq
        )
        if not answer["success"]:
            raise RuntimeError(f"{answer['command']} failed: {answer.get('message')}")
        return answer.get("body", {})

    def request(self, command: str, **arguments) -> dict:
        return self.response(self.send(command, **arguments))

    def event(self, name: str) -> dict:
        return self.wait_for(f"{name} event", lambda m: m["type"] == "event" and m["event"] == name).get("body", {})
