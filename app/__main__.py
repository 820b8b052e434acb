"""``python -m app`` is the ``tingji`` command."""

import sys

from app.cli import main

sys.exit(main())
