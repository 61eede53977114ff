"""The suite's command-line options, loaded as a plugin (pytest.ini) before any
argument is read, so that `--step NAME` works with a space as well as with `=`."""


def pytest_addoption(parser):
    parser.addoption(
        "--step", action="append", default=[], metavar="FOLDER",
        help="test only this step (its folder name, or 'final' for the root); repeatable",
    )
    parser.addoption(
        "--folder", metavar="PATH",
        help="with one --step: check that step's expectations against this folder instead",
    )
