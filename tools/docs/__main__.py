import sys

from tools.docs.cli import main

sys.exit(main())
