import sys

from samepage.cli import main

sys.exit(main())
