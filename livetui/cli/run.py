"""Running the console: the app with stderr going to the log, ended cleanly by signals."""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback

from ..core.configfile import default_config_path
from ..core.settings import Settings
from ..core.store import LoadedConversation, TranscriptStore, unsaved_note
from .backend import Backend
from .logfile import state_dir
from .stderr import Scrubber, stderr_to_log
from .stopsignals import StopOnSignals


def run_app(
    settings: Settings,
    backend: Backend,
    *,
    store: TranscriptStore | None = None,
    restore: LoadedConversation | None = None,
    debug: bool = False,
) -> int:
    """Run the console with stderr going to a log; one line on the terminal if it failed."""
    log_path = state_dir() / "livetui.log"
    scrub = Scrubber(os.environ)
    failure = ""
    signalled = False
    unsaved = None
    with stderr_to_log(log_path, scrub):
        print(f"--- livetui started {time.strftime('%Y-%m-%d %H:%M:%S')} ---", file=sys.stderr, flush=True)
        # Library logging goes to the log (stderr is the log now); --debug says more.
        logging.basicConfig(stream=sys.stderr, level=logging.DEBUG if debug else logging.WARNING,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
        try:
            from ..ui.app import LiveTuiApp

            # A theme chosen on screen goes to the file the settings came from, or the default one.
            config_file = settings.config_path or default_config_path()
            app = LiveTuiApp(settings, backend, store=store, restore=restore, config_file=config_file,
                             freeze_heap=True)
            with StopOnSignals(app) as stop:  # SIGTERM, SIGHUP: the same clean end as ctrl+q
                app.run(mouse=settings.mouse)
            code = stop.exit_code(app.return_code or 0)  # Textual has written any traceback to sys.stderr: the log
            signalled = stop.received is not None  # asked to stop: no error to report
            transcript = getattr(getattr(app, "session", None), "transcript", None)  # core.persist.Transcript
            unsaved = unsaved_note(transcript.store if transcript is not None else None)  # the disk still refused some turns: where they are instead
        except Exception as exc:  # noqa: BLE001 - whatever it is, one line on the screen
            traceback.print_exc()  # into the log, never onto the screen
            first = (str(exc).splitlines() or [""])[0]
            failure = f" ({type(exc).__name__}: {first})" if first else f" ({type(exc).__name__})"
            code = 1
        finally:
            backend.close()  # the simulator must not outlive the console, whatever the app did
    if unsaved:  # after the screen is gone, so it stays in the terminal
        print(scrub(unsaved), file=sys.stderr)
    if code and not signalled:
        print(scrub(f"livetui: stopped by an error{failure}; details in {log_path}"), file=sys.stderr)
    return code
