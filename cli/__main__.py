"""`python -m cli ...`: the same as the `athar` command."""

import sys

from cli.main import main

sys.exit(main())
