import sys

from acuback.cli import main

sys.exit(main())
