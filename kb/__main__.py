"""`python -m kb` runs the kb command line."""

import sys

from kb.cli import main

sys.exit(main())
