import signal
import sys


def _stopped_early(signum: int, frame: object) -> None:
    print(f"stopped by {signal.Signals(signum).name}", file=sys.stderr)
    sys.exit(128 + signum)


# A stop before the command line has set its own handler (while modules are imported)
# ends the program as it would later: the same line, 128 + the signal, no traceback.
# A signal ignored from the start (a command started in the background) stays ignored.
for _signum, _default in (
    (signal.SIGINT, signal.default_int_handler),
    (signal.SIGTERM, signal.SIG_DFL),
    (signal.SIGHUP, signal.SIG_DFL),
):
    if signal.getsignal(_signum) is _default:
        signal.signal(_signum, _stopped_early)

from site_builder.cli import main  # noqa: E402

sys.exit(main())
