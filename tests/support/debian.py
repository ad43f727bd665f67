"""Installing a Debian package a test needs, when we are root and apt-get exists."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def ensure_debian_package(path: str, package: str, *, timeout: float = 900) -> str | None:
    """Make ``path`` exist by installing ``package``; None when present, else why not."""
    if Path(path).exists():
        return None
    if os.geteuid() != 0:
        return f"{path} is missing; install the Debian package {package!r} (not root, so the tests cannot)"
    apt = shutil.which("apt-get")
    if apt is None:
        return f"{path} is missing and there is no apt-get to install {package!r}"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt, "update", "-qq"], [apt, "install", "-y", "-qq", "--no-install-recommends", package]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return f"installing {package!r} failed: {tail[0]}"
    return None if Path(path).exists() else f"{package!r} installed but {path} is still missing"
