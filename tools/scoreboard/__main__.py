import sys

from tools.scoreboard.cli import main

sys.exit(main())
