"""Fixtures for the console's browser tests: schedulerd (dev mode) and scheduler-console in a
temporary directory, schedctl to arrange and check state, and headless Chromium via Selenium.

Every wait is bounded, everything listens on loopback, and every process is stopped by a finalizer.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import List

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

SCREENSHOTS = Path(os.environ.get("CONSOLE_SCREENSHOTS", ".build/console-screenshots"))


class Process:
    """A child process whose stderr (and stdout) go to a file we poll for a line."""

    def __init__(self, name: str, args: List[str], cwd: Path) -> None:
        self.name = name
        self.log_path = cwd / f"{name}.log"
        self.log_file = open(self.log_path, "wb")
        self.process = subprocess.Popen(args, cwd=cwd, stdout=self.log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def wait_for(self, pattern: str, seconds: float = 60.0) -> re.Match:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            text = self.log_path.read_text(errors="replace")
            m = re.search(pattern, text)
            if m:
                return m
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{text}")
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} printed no /{pattern}/ within {seconds} s:\n{self.log_path.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log_file.close()


class Stack:
    """schedulerd and a console in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.processes: List[Process] = []
        self.server_process = self.start("schedulerd", [os.environ["SCHEDULERD"], "serve", "--listen", "127.0.0.1:0", "--log-level", "info"])
        port = self.server_process.wait_for(r"listening listen=127\.0\.0\.1:(\d+)").group(1)
        self.server = f"127.0.0.1:{port}"
        self.url = self.console("console", [])
        self.signin_url = self.console("console-no-auto", ["--no-auto-sign-in"])

    def restart_server(self) -> None:
        """Stops schedulerd (it drains) and starts it again on the same port and data: its first
        maintenance pass rolls up today's metrics, as the running server does every minute. The
        consoles' client reconnects by itself."""
        self.server_process.stop()
        self.processes.remove(self.server_process)
        self.server_process = self.start(
            "schedulerd-2", [os.environ["SCHEDULERD"], "serve", "--listen", self.server, "--log-level", "info"])
        self.server_process.wait_for(r"listening listen=127\.0\.0\.1:\d+")

    def start(self, name: str, args: List[str]) -> Process:
        p = Process(name, args, self.directory)
        self.processes.append(p)
        return p

    def console(self, name: str, extra: List[str]) -> str:
        p = self.start(name, [os.environ["SCHEDULER_CONSOLE"], "--listen", "127.0.0.1:0", "--server", self.server, *extra])
        return p.wait_for(r"scheduler console: (http://127\.0\.0\.1:\d+/)").group(1)

    @property
    def admin_token(self) -> str:
        return (self.directory / ".scheduler" / "admin.token").read_text().strip()

    def schedctl(self, *args: str) -> dict:
        out = subprocess.run(
            [os.environ["SCHEDCTL"], "--server", self.server, "--json", *args],
            cwd=self.directory, capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"schedctl {' '.join(args)}: exit {out.returncode}: {out.stderr}")
        return json.loads(out.stdout)

    def stop(self) -> None:
        for p in reversed(self.processes):
            p.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    s = Stack(tmp_path_factory.mktemp("console"))
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000",
              "--no-first-run", "--disable-extensions"):
        options.add_argument(a)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
