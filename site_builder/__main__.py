import signal
import sys

# Ctrl+C before the command line has set its own handler (while modules are imported)
# ends the program as it would later: exit 130, no traceback. One ignored from the start
# (a command started in the background) stays ignored.
if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, lambda signum, frame: sys.exit(128 + signum))

from site_builder.cli import main  # noqa: E402

sys.exit(main())
