"""What a failure leaves in the committed JSON, made fit to publish."""

import re
from pathlib import Path

_URL_HOST = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s\"']+")
_LOOKUP = re.compile(r"\blookup [^\s:]+")
# A registry before an image name.
_REGISTRY = re.compile(r"(?<![\w./-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*(?::\d+)?/(?=\w)")
_ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b")
# A pytest run's own temporary folders (a test's tmp_path), which name the machine's user.
_PYTEST_TMP = re.compile(r"/[^\s'\"]*?/pytest-of-[^/\s]+/pytest-\d+/")


def redact(text: str, *paths: Path) -> str:
    """An error for the committed JSON: no host names, addresses or this machine's paths."""
    for path in paths:
        text = text.replace(str(path), f"<{path.name}>")
    text = _PYTEST_TMP.sub("<tmp>/", text)
    text = _URL_HOST.sub(r"\1<host>", text)
    text = _LOOKUP.sub("lookup <host>", text)
    text = _REGISTRY.sub("<registry>/", text)
    return _ADDRESS.sub("<address>", text)
