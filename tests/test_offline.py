"""Readability works with the network unreachable: no NLTK download is ever attempted."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import socket
def refuse(*args, **kwargs):
    raise OSError("network blocked by test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import nltk
nltk.download = lambda *a, **k: (_ for _ in ()).throw(AssertionError("download attempted"))
from followup_lint import nlp
grade = nlp.reading_grade("The committee reviewed the application thoroughly. It was approved.")
assert 5 < grade < 20, grade
assert nlp.syllables("information") == 4
print("ok", grade)
"""


def test_reading_grade_offline(tmp_path):
    env = {"NLTK_DATA": str(tmp_path), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok")
