"""The series' own tools. They need Python 3.11 or newer; an older Python 3 (3.8 on) stops
here, before any module uses what it lacks, with a message instead of a traceback."""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 -- the one place an older Python gets to
    version = ".".join(map(str, sys.version_info[:3]))
    sys.exit(
        f"Python {version} is too old for this repository's tools: install Python 3.11 or newer "
        "and run them with it (for example `python3.11 -m tools.workshop doctor`)."
    )
