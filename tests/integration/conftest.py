"""Shared fixtures: the ljail binary under test and a private ljail root."""
import os
import random
import re
import subprocess

import pytest

LJAIL = os.environ.get("LJAIL_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "ljail")
SOURCE = os.environ.get("LJAIL_SOURCE") or os.path.join(os.path.dirname(__file__), "..", "..")
# Tries from inside a jail what root there must not do (integration/probe.c).
PROBE = os.environ.get("LJAIL_PROBE") or os.path.join(SOURCE, "build", "tests", "probe")


def free_prefix():
    """10.N for an N that no address or route on this host uses."""
    out = subprocess.run(["ip", "-4", "-o", "route", "show", "table", "all"],
                         capture_output=True, text=True).stdout
    out += subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True).stdout
    used = {int(n) for n in re.findall(r"\b10\.(\d+)\.", out)}
    return f"10.{random.choice([n for n in range(64, 250) if n not in used])}"


def run(*args, input=None, env=None):
    """Runs ljail; returns (exit status, stdout, stderr)."""
    full_env = dict(os.environ)
    full_env.pop("LJAIL_ROOT", None)
    if env:
        full_env.update(env)
    p = subprocess.run([LJAIL, *args], input=input, capture_output=True, text=True,
                       env=full_env, timeout=60)
    return p.returncode, p.stdout, p.stderr


class Ljail:
    """Runs ljail on the private root self.R (LJAIL_ROOT), as the tests' instances do."""

    def run(self, *args, timeout=120):
        p = subprocess.run([LJAIL, *args], capture_output=True, text=True, timeout=timeout,
                           env=dict(os.environ, LJAIL_ROOT=str(self.R)))
        return p.returncode, p.stdout, p.stderr

    def ok(self, *args, **kw):
        rc, out, err = self.run(*args, **kw)
        assert rc == 0, f"ljail {' '.join(args)}: exit {rc}\n{out}\n{err}"
        return out

    def fails(self, *args):
        """The one error line of a command that must fail."""
        rc, out, err = self.run(*args)
        assert rc != 0, f"ljail {' '.join(args)} should fail:\n{out}\n{err}"
        lines = [line for line in err.splitlines() if line.startswith("ljail: ")]
        assert len(lines) == 1, err
        return lines[0]

    def popen(self, *args):
        return subprocess.Popen([LJAIL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=dict(os.environ, LJAIL_ROOT=str(self.R)))


@pytest.fixture
def root(tmp_path):
    """A private ljail root (-R) with an empty configuration folder."""
    (tmp_path / "etc" / "ljail" / "jail.conf.d").mkdir(parents=True)
    return tmp_path


@pytest.fixture(scope="session")
def tree():
    """The cached Debian tree (tests/debian-tree builds it the first time)."""
    if os.geteuid() != 0:
        pytest.fail("these tests start real jails and must run as root")
    p = subprocess.run([os.path.join(SOURCE, "tests", "debian-tree")], capture_output=True,
                       text=True, timeout=1200)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()
