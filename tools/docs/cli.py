"""`python -m tools.docs [--check] [FILE ...]`: see the package's docstring."""

import argparse
from pathlib import Path

from tools import docs
from tools.docs import sections


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=docs.COMMAND,
        description="Write every generated section of the Markdown files again, from the "
        "files and the committed data (no Docker, no measuring).",
    )
    parser.add_argument(
        "--check", action="store_true", help="change nothing: list each stale section and exit 1 if any",
    )
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE", help="only these files")
    args = parser.parse_args(argv)
    paths = {path.resolve(): str(path) for path in args.files}  # resolved: as given
    if outside := [given for path, given in paths.items() if not path.is_relative_to(docs.REPO)]:
        parser.error(f"not in the repository: {', '.join(outside)}")
    if missing := [given for path, given in paths.items() if not path.is_file() and path not in sections.WHOLE_FILES]:
        parser.error(f"no such file: {', '.join(missing)}")
    outdated, problems = docs.refresh(list(paths) or None, check=args.check)
    for finding in outdated:
        print(f"{'stale' if args.check else 'updated'}: {finding}")
    for finding in problems:
        print(f"cannot generate: {finding}")
    if not outdated and not problems:
        print("every generated section is current")
    return 1 if problems or (outdated and args.check) else 0
