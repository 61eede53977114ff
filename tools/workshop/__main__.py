import argparse
import functools
import subprocess
import sys
from pathlib import Path

if not __package__:  # run by path, from an exercise's folder: python3 ../../../tools/workshop check
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools import docker_cli, workshop  # noqa: E402
from tools.series import STEP_4, starting_point  # noqa: E402
from tools.workshop import GUIDE, REPO, WORK, doctor, exercises, room, shown  # noqa: E402


def _exercise(name: str):
    try:
        return workshop.exercise(name)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _copies(text: str) -> int:
    if not text.isdigit() or int(text) < 2:
        raise argparse.ArgumentTypeError("at least 2 copies: the first fills the cache, the others use it")
    return int(text)


say = functools.partial(print, flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tools.workshop", description=workshop.__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the exercises and whether they are prepared")
    prepare_ = commands.add_parser("prepare", help="copy an exercise's starting point into workshop/work/")
    prepare_.add_argument("step", type=_exercise)
    prepare_.add_argument("--force", action="store_true", help="start over: replace an existing copy")
    check_ = commands.add_parser("check", help="run the step's tests on workshop/work/STEP")
    check_.add_argument("step", type=_exercise, nargs="?", help="default: the exercise whose folder you are in")
    answer_ = commands.add_parser("answer", help="the model answer: the lesson's changes, as a diff")
    answer_.add_argument("step", type=_exercise)
    doctor_ = commands.add_parser("doctor", help="is this machine ready for the workshop?")
    doctor_.add_argument("--no-docker", action="store_true", help="only the checks that need no Docker")
    rehearse_ = commands.add_parser(
        "rehearse", help="check every exercise untouched and solved, and record how long the checks take"
    )
    rehearse_.add_argument("steps", nargs="*", type=_exercise, metavar="STEP", help="only these (default: all)")
    rehearse_.add_argument("--room", type=_copies, metavar="COPIES",
                           help="instead: build COPIES copies of step 4 without the room cache and through it")
    serve_ = commands.add_parser("serve", help="the host's room cache: packages and base images, until Ctrl-C")
    serve_.add_argument("--listen", default="", help="the address to publish on (default: every interface)")
    serve_.add_argument("--address", help="the address the laptops use (default: this laptop's on its network)")
    serve_.add_argument("--index-port", type=int, default=room.INDEX_PORT)
    serve_.add_argument("--registry-port", type=int, default=room.REGISTRY_PORT)
    serve_.add_argument("--name", default=room.NAME, help="of its containers and network")
    serve_.add_argument("--upstream-registry", default=room.UPSTREAM_REGISTRY)
    room_ = commands.add_parser("room", help="make this laptop's Python bases install from the room cache")
    room_.add_argument("index_url", nargs="?", help="the address `serve` printed")
    room_.add_argument("--leave", action="store_true", help="put the original bases back")
    args, pytest_args = parser.parse_known_args(argv)
    if pytest_args and args.command != "check":
        parser.error(f"unrecognized arguments: {' '.join(pytest_args)}")

    if args.command == "list":
        for step in exercises():
            state = "prepared" if (WORK / step.name).is_dir() else "-"
            print(f"{step.name:34} from {starting_point(step).name:34} {state}")
        return 0

    if args.command == "prepare":
        try:
            target = workshop.prepare(args.step, force=args.force)
        except (FileExistsError, FileNotFoundError) as error:
            print(error, file=sys.stderr)
            return 1
        where = shown(target)
        print(f"Prepared {where}/ from {starting_point(args.step).name}; its README.md is the task:\n")
        print(workshop.attendee_text(args.step))
        print(f"Work in {where}/, then check it with: python3 -m tools.workshop check {args.step.name}")
        return 0

    if args.command == "answer":
        print(workshop.model_answer(args.step), end="")
        return 0

    if args.command == "check":
        args.step = args.step or workshop.exercise_here(Path.cwd())
        if args.step is None:
            print("name the exercise (python3 -m tools.workshop list), or run this from its folder", file=sys.stderr)
            return 2
        folder = WORK / args.step.name
        if not folder.is_dir():
            print(f"{shown(folder)} does not exist: python3 -m tools.workshop prepare {args.step.name}",
                  file=sys.stderr)
            return 2
        command = workshop.check_command(args.step, folder, *pytest_args)
        print("running:", " ".join(command), flush=True)
        return subprocess.run(command, cwd=REPO).returncode

    if args.command == "doctor":
        return 1 if any(result.ok is False for result in doctor.report(docker=not args.no_docker)) else 0

    if args.command == "serve":
        return room.serve(**{key: value for key, value in vars(args).items() if key != "command"})

    if args.command == "room":
        if args.leave == bool(args.index_url):
            parser.error("give the room cache's address, or --leave")
        if reason := docker_cli.unreachable_reason():
            print(reason, file=sys.stderr)
            return 2
        try:
            if args.leave:
                restored, lost = room.leave()
                print("restored:", ", ".join(restored) or "nothing (no base was replaced)")
                if lost:
                    print(f"their originals are gone, pull them again: docker pull {' '.join(lost)}", file=sys.stderr)
                if restored:
                    print("images built on the room's bases still install from it: build them again")
                return 1 if lost else 0
            done = room.use(room.checked_index_url(args.index_url))
        except (ValueError, docker_cli.DockerError) as error:
            print(error, file=sys.stderr)
            return 1
        print("these bases install from the room cache now:", ", ".join(done) or "none (pull them first)")
        print("a later `docker pull` of one of them undoes it; `room --leave` undoes it all")
        return 0 if done else 1

    if args.command == "rehearse":
        from tools.docs import cli  # the guide's timetable and room figures, written as every document's sections are
        from tools.workshop import rehearse

        if args.room:
            try:
                if reason := docker_cli.unreachable_reason():
                    raise docker_cli.DockerError(reason)
                measured = room.measure(STEP_4, args.room, say=say)
            except (docker_cli.DockerError, subprocess.TimeoutExpired) as error:
                print(f"nothing measured: {error}", file=sys.stderr)
                return 1
            rehearse.record_room(measured)
            return cli.main([str(GUIDE)])
        steps = args.steps or exercises()
        if not rehearse.ready_bases(say=say):
            print("the base images are missing: see `python3 -m tools.workshop doctor`", file=sys.stderr)
            return 2
        results = {}
        for step in steps:
            try:
                results[step.name] = rehearse.rehearse(step, say=say)
            except rehearse.EngineGone as error:
                print(f"{error}\nnothing recorded for {step.name}; rehearse it again once Docker answers",
                      file=sys.stderr)
                break
            rehearse.record({step.name: results[step.name]})  # kept even if a later one breaks
        cli.main([str(GUIDE)])
        bad = [name for name, result in results.items() if not result["ok"]]
        print(f"rehearsed {len(results)}: " + (f"PROBLEMS in {', '.join(bad)}" if bad else "every one fair"))
        print(f"recorded in {shown(workshop.TIMINGS_DATA)}")
        return 1 if bad else 0 if len(results) == len(steps) else 2

    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
