"""``python -m tui`` is the same as ``gdlab``."""

import sys

from tui.cli import main

sys.exit(main())
