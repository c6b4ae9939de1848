"""``python -m tui`` is the same as ``gdlab``."""

import sys

from tui.main import main

sys.exit(main())
