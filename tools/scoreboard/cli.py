"""`python -m tools.scoreboard`: measure the series' images, then write the docs and READMEs."""

import argparse
import sys
import time
from datetime import UTC, datetime

from tools import docker_cli
from tools.durations import duration
from tools.scoreboard import CHART_PATH, JSON_PATH, data, measured_images
from tools.series import BY_NAME, REPO, STEPS

TIMEOUT_BOUNDS = (60, 7200)


def bounded(low: int, high: int, kind=int):
    def parse(text: str):
        value = kind(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is outside {low}..{high}")
        return value
    return parse


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.scoreboard",
        description=(
            "Build every image of the series (each step and its variants, from tools/series.py), measure sizes, "
            "layers, build, start-up and stop times and throughput (with wrk), and write docs/scoreboard.json, "
            "docs/scoreboard.md, docs/scoreboard.png and the READMEs' measured sections. Before builds from scratch "
            "it empties the engine's BuildKit cache mounts and, for images with cache mounts, its layer cache "
            "(images stay). `bash tools/measure` sets up what this needs."
        ),
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME",
        help="measure only this step (its folder name, or 'final'); repeatable. "
        "The other steps' results stay as they are.",
    )
    parser.add_argument(
        "--repeat", type=bounded(1, 20), default=3, metavar="N",
        help="time every build and start-up N times and keep the median (default %(default)s)",
    )
    parser.add_argument("--quick", action="store_true", help="once each, the same as --repeat 1")
    parser.add_argument(
        "--timeout", type=bounded(*TIMEOUT_BOUNDS, kind=float), default=1800, metavar="SECONDS",
        help="give up on an image after this long, all its builds and runs together "
        f"(default %(default)s, between {TIMEOUT_BOUNDS[0]} and {TIMEOUT_BOUNDS[1]})",
    )
    parser.add_argument("--render", action="store_true",
                        help="measure nothing: only write the docs and READMEs again from docs/scoreboard.json")
    args = parser.parse_args(argv)
    if unknown := [name for name in args.only if name not in BY_NAME]:
        parser.error(f"unknown step {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    if args.quick:
        args.repeat = 1
    return args


def say(message: str) -> None:
    print(f"[scoreboard] {message}", file=sys.stderr, flush=True)


def write_outputs(results: dict) -> None:
    """docs/scoreboard.png, and every Markdown part drawn from the results through `python -m tools.docs`."""
    from tools.docs import cli as docs
    from tools.scoreboard import chart  # matplotlib: only where a picture is drawn

    chart.draw(results, CHART_PATH)
    docs.main([])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        write_outputs(data.load())
        return 0
    if reason := docker_cli.unreachable_reason():
        say(f"Docker is needed to build and run the images: {reason}")
        return 2

    from tools.scoreboard.measure import environment, measure  # only when measuring

    every_key = [image.key for image in measured_images(STEPS)]
    run_id = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    run = environment(args.repeat)
    results = data.load()
    started, failed = time.monotonic(), []
    images = measured_images([step for step in STEPS if not args.only or step.name in args.only])
    for number, image in enumerate(images, 1):
        say(f"{image.key} ({number}/{len(images)}): {image.dockerfile}"
            f"{f' target {image.target}' if image.target else ''} on {image.base}, {args.repeat} time(s) each")
        image_started = time.monotonic()
        entry = measure(image, args.repeat, args.timeout, say=lambda m: say(f"  {m}"))
        say(f"  {entry['status']} in {duration(time.monotonic() - image_started)}")
        if entry["status"] != "ok":
            failed.append(image.key)
            say(f"  failed at {entry['phase']}:\n{entry['error']}")
        results = data.merge(results, run_id, run, entry, every_key)
        data.save(results)  # an interrupted run keeps what it finished
    say(f"measured {len(images)} image(s) in {duration(time.monotonic() - started)}; "
        f"wrote {JSON_PATH.relative_to(REPO)}")
    write_outputs(results)
    if failed:
        say(f"failed: {', '.join(failed)} (recorded as failed, with the log's end, in the JSON)")
        return 1
    return 0
