"""Each process's mail sweep: a thread that sends the due mail on its own timer.

The after-commit delivery sends each message once, at once; the sweep catches the rest (retries
after an SMTP failure, mail a dead process left queued) without waiting for a request or for
cron. Claims keep several processes' sweeps from sending a message twice. `kmrg mail send-queued`
does the same from cron, and also prunes.
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

from kmrg.extensions import db
from kmrg.mail.delivery import deliver_due

log = logging.getLogger("kmrg.mail")
EXTENSION_KEY = "kmrg.mail.sweep"


class MailSweep:
    """Sends the due mail every `interval` seconds, in a daemon thread of this process."""

    def __init__(self, app: Flask, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_pid: int | None = None
        self._start_lock = threading.Lock()

    def ensure_running(self) -> None:
        """Start the thread (again, in a process forked after the app was made) unless stopped."""
        with self._start_lock:
            alive = self._thread is not None and self._thread.is_alive()
            if self._stop.is_set() or (alive and self._thread_pid == os.getpid()):
                return
            self._thread_pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="kmrg-mail-sweep", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with self.app.app_context():
                    deliver_due(db.engine)
            except Exception:  # the sweep must outlive a bad round; the rows stay queued
                log.exception("mail sweep failed; it will try again")


def init_mail_sweep(app: Flask) -> None:
    """Start this app's mail sweep, every MAIL_SWEEP_SECONDS (0 turns it off).

    Started with the app, so a restarted worker sends what its predecessor left without waiting
    for a request; a request starts it again in a process forked after the app was made. The
    `kmrg` command starts none (MAIL_SWEEP_AUTOSTART).
    """
    interval = float(app.config.get("MAIL_SWEEP_SECONDS") or 0)
    if interval <= 0:
        return
    sweep = MailSweep(app, interval)
    app.extensions[EXTENSION_KEY] = sweep
    app.before_request(sweep.ensure_running)
    if app.config.get("MAIL_SWEEP_AUTOSTART", True):
        sweep.ensure_running()
