"""One image being measured: what every phase of the measurement works with."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tools.scoreboard.deadline import Deadline
from tools.scoreboard.images import Image
from tools.scoreboard.scratch import Scratch


@dataclass
class Session:
    image: Image
    repeat: int
    deadline: Deadline
    say: Callable[[str], None]
    scratch: Scratch = field(default_factory=Scratch)
    # Where the measurement is: a failure is recorded with it.
    phase: str = "base image"
    warnings: list[str] = field(default_factory=list)

    def attempts(self, what: str) -> Iterator[int]:
        """1 to `repeat`, each attempt the current phase."""
        for attempt in range(1, self.repeat + 1):
            self.phase = self.phase_of(what, attempt)
            yield attempt

    def phase_of(self, what: str, attempt: int) -> str:
        return f"{what} {attempt}/{self.repeat}"

    def warn(self, warning: str) -> None:
        self.warnings.append(warning)
        self.say(f"warning: {warning}")
