"""The time one image may take, all its builds and runs together (--timeout)."""

import time


class OutOfTime(Exception):
    pass


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self, at_most: float | None = None) -> float:
        """The seconds left (no more than `at_most`); OutOfTime when none are."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise OutOfTime()
        return left if at_most is None else min(left, at_most)
