"""Headless Chromium with the network cut, shared by the browser tests.

Debian's chromium (``.ci/run`` installs it), driven by Playwright. Every request that is not a
file on disk is refused and recorded; page errors and console errors are recorded.
"""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(pw):
    """Launch Debian's chromium headless."""
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)


def open_page(browser, path: Path):
    """Open a page from disk offline; return (page, errors, blocked URLs)."""
    errors: list[str] = []
    blocked: list[str] = []
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})

    def refuse(route):  # anything but files on disk is the network
        if route.request.url.startswith("file://"):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    context.route("**/*", refuse)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, blocked
