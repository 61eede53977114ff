"""The scoreboard: every image of the series built, run and measured, never typed.

    python -m tools.scoreboard            # or `bash tools/measure`, which sets up matplotlib

measure.py builds and runs one image and says what it found, data.py keeps the results
in docs/scoreboard.json, render.py turns that JSON into Markdown (a pure function, so a
test re-renders the committed JSON and compares), chart.py draws docs/scoreboard.png and
cli.py ties them together. Only chart.py needs a package outside the standard library.
"""

from tools.series import REPO

DOCS = REPO / "docs"
JSON_PATH = DOCS / "scoreboard.json"
MARKDOWN_PATH = DOCS / "scoreboard.md"
CHART_PATH = DOCS / "scoreboard.png"
