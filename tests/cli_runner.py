"""Run ``tingji`` as a user would: a subprocess with every outbound connection refused and logged."""

import os
import subprocess
import sys
from pathlib import Path

NETBLOCK = Path(__file__).resolve().parent / "netblock"
ROOT = Path(__file__).resolve().parents[1]


def tingji(*args, tmp_path, env_extra=None, stdin=None):
    """Run ``python -m app ARGS`` (``stdin``: text fed to it); return (completed process, the network attempts it
    made)."""
    netlog = tmp_path / "network-attempts.log"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(NETBLOCK), str(ROOT)])
    env["TINGJI_NETLOG"] = str(netlog)
    env["TINGJI_HOME"] = str(tmp_path / "home")
    for name in ("TINGJI_ASR_MODEL", "TINGJI_DIARIZATION_MODEL", "TINGJI_LLM_MODEL", "TINGJI_SERVER_URL",
                 "TINGJI_SERVER_API_KEY", "TINGJI_NETBLOCK_ALLOW"):
        env.pop(name, None)
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=600, input=stdin)
    attempts = netlog.read_text() if netlog.exists() else ""
    return proc, attempts
