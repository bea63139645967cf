# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The live lab: real Kamailio instances on 127.0.0.x inside a private network namespace.

Run it with ``./run lab`` (or as part of ``./run test``): that re-executes pytest under
``unshare -n`` with VOIP_LAB_NETNS=1, as root. Elsewhere these tests are skipped.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from playbook_runner import ansible_environment, report_figures, run_playbook

LAB = Path(__file__).resolve().parent
REPO = LAB.parents[1]
INVENTORY = LAB / 'inventory'
CONFIG_DIR = Path('/etc/kamailio/lab-gateway')
PROVIDER_DIR = Path('/etc/voip-trunk-security/lab-provider')
CA = Path('/etc/voip-trunk-security/lab-ca/ca.pem')
GATEWAY_LOG = Path('/var/log/kamailio-lab-gateway.log')
PROVIDER_LOG = Path('/var/log/kamailio-lab-provider.log')


#: What the lab measured (timings, the SRTP suite negotiated, capture figures): printed at the
#: end of the run and written to tests/output/lab-figures.json.
FIGURES: dict = {}


def pytest_terminal_summary(terminalreporter):
    report_figures(terminalreporter, 'lab figures', FIGURES, REPO / 'tests' / 'output' / 'lab-figures.json')


def in_lab() -> bool:
    return os.environ.get('VOIP_LAB_NETNS') == '1' and os.geteuid() == 0


def pytest_collection_modifyitems(config, items):
    if in_lab():
        return
    skip = pytest.mark.skip(reason='the live lab runs as root inside unshare -n: ./run lab')
    for item in items:
        if LAB in Path(str(item.fspath)).parents:
            item.add_marker(skip)


class Lab:
    """The running lab and the means to drive it."""

    def __init__(self, env, work: Path):
        self.env = env
        self.work = work
        self.figures = FIGURES

    def enforce(self, *args, inventory=INVENTORY, extra_vars=None):
        started = time.monotonic()
        run = run_playbook(self.env, REPO / 'playbooks' / 'enforce.yml', *args, inventory=inventory, extra_vars=extra_vars,
                           cwd=self.work)
        self.figures.setdefault('enforce runs (s)', []).append(round(time.monotonic() - started, 2))
        return run

    def inventory_with(self, change) -> Path:
        """A copy of the lab inventory whose trunks ``change(trunks)`` has edited."""
        target = self.work / ('inventory-%d' % time.monotonic_ns())
        shutil.copytree(INVENTORY, target)
        host_vars = target / 'host_vars' / 'lab-gateway.yml'
        data = yaml.safe_load(host_vars.read_text())
        change(data['sip_trunks'])
        host_vars.write_text(yaml.safe_dump(data))
        return target

    def rerun(self):
        """One rerun of enforce.yml on the converged lab, shared by the tests that check it (the
        first to ask makes it): the run, and the (gateway, relay) pids before and after."""
        if getattr(self, '_rerun', None) is None:
            before = (self.gateway_pid(), self.relay_pid())
            run = self.enforce()
            self._rerun = (run, before, (self.gateway_pid(), self.relay_pid()))
        return self._rerun

    @staticmethod
    def relay_pid() -> str:
        return program_pid('rtpengine-lab-media')

    @staticmethod
    def gateway_pid() -> str:
        return program_pid('kamailio-lab-gateway')

    @staticmethod
    def provider_log_since(offset: int) -> str:
        return log_since(PROVIDER_LOG, offset)

    @staticmethod
    def provider_log_size() -> int:
        return log_size(PROVIDER_LOG)


def program_pid(program: str) -> str:
    """The pid supervisor gives for a program ('' or an error text when it does not run)."""
    return subprocess.run(['supervisorctl', 'pid', program], capture_output=True, text=True, check=False).stdout.strip()


def log_since(path: Path, offset: int) -> str:
    """What a log gained past ``offset`` (a size taken earlier with log_size)."""
    with open(path, 'rb') as log:
        log.seek(offset)
        return log.read().decode(errors='replace')


def log_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


@pytest.fixture(scope='session')
def lab(collections_dir, tmp_path_factory):
    if not in_lab():
        pytest.skip('not inside the lab namespace')
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
    # a supervisord left by an earlier lab runs its programs in that lab's (gone) namespace
    tear_down()
    work = tmp_path_factory.mktemp('lab')
    env = ansible_environment(collections_dir, work / 'ansible-local')
    lab = Lab(env, work)
    try:
        started = time.monotonic()
        first = lab.enforce()
        assert first.rc == 0, first
        lab.first_run = first
        provider = run_playbook(env, LAB / 'provider.yml', inventory=INVENTORY, cwd=work)
        assert provider.rc == 0, provider
        lab.figures['converge (s)'] = round(time.monotonic() - started, 2)
        yield lab
    finally:
        tear_down()


#: Everything the lab's roles and playbooks create on this machine (packages aside): the session removes it
#: at its start and at its end, and the last test checks that nothing of it is left.
LEFT_BEHIND = (
    '/etc/supervisor/conf.d/kamailio-lab-*.conf', '/etc/supervisor/conf.d/rtpengine-lab-*.conf',
    '/etc/supervisor/conf.d/baresip-lab-*.conf',
    '/etc/kamailio/lab-*', '/etc/rtpengine/lab-*', '/etc/baresip/lab-*', '/etc/voip-trunk-security',
    '/var/log/kamailio-lab-*.log', '/var/log/rtpengine-lab-*.log', '/var/log/baresip-lab-*.log',
    '/run/kamailio-lab-*', '/run/rtpengine-lab-*', '/run/baresip-lab-*',
    '/usr/local/sbin/voip-kamailio-check', '/usr/local/sbin/voip-rtpengine-check',
)
SUPERVISORD_PID = Path('/var/run/supervisord.pid')
#: What the lab's daemons have on their command lines: a process holding one is the lab's.
LAB_MARKS = ('/etc/kamailio/lab-', '/etc/rtpengine/lab-', '/etc/baresip/lab-', '/etc/voip-trunk-security/')


def leftovers() -> list:
    return sorted(path for pattern in LEFT_BEHIND for path in glob.glob(pattern))


def lab_processes() -> list:
    """``(pid, command line)`` of every process running a lab configuration."""
    found = []
    for entry in Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / 'cmdline').read_bytes().replace(b'\0', b' ').decode(errors='replace')
        except OSError:
            continue
        if any(mark in cmdline for mark in LAB_MARKS):
            found.append((int(entry.name), cmdline.strip()))
    return found


def _wait_gone(pids, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(Path('/proc/%d' % pid).exists() for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if Path('/proc/%d' % pid).exists()]


def stop_supervisor():
    """Stop the supervisord the lab's roles started, by the PID its pid file gives: it stops its programs."""
    try:
        pid = int(SUPERVISORD_PID.read_text().strip())
        comm = Path('/proc/%d/comm' % pid).read_text().strip()
    except (OSError, ValueError):
        return
    if not comm.startswith('supervisord'):
        return
    os.kill(pid, signal.SIGTERM)
    if _wait_gone([pid], 20):
        os.kill(pid, signal.SIGKILL)
        _wait_gone([pid], 5)


def tear_down():
    """Stop what the lab started (by PID) and remove what it wrote: no program, config, log or process stays."""
    stop_supervisor()
    stray = [process[0] for process in lab_processes()]
    for pid in stray:
        os.kill(pid, signal.SIGTERM)
    for pid in _wait_gone(stray, 10):
        os.kill(pid, signal.SIGKILL)
    for path in leftovers():
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
