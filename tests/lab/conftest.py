# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The live lab: real Kamailio instances on 127.0.0.x inside a private network namespace.

Run it with ``./run lab`` (or as part of ``./run test``): that re-executes pytest under
``unshare -n`` with VOIP_LAB_NETNS=1, as root. Elsewhere these tests are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from playbook_runner import ansible_environment, run_playbook

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
    if not FIGURES:
        return
    terminalreporter.section('lab figures')
    for name, value in FIGURES.items():
        terminalreporter.write_line('%s: %s' % (name, json.dumps(value)))
    output = REPO / 'tests' / 'output'
    output.mkdir(parents=True, exist_ok=True)
    (output / 'lab-figures.json').write_text(json.dumps(FIGURES, indent=2) + '\n')


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
    stop_supervisor()
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
        stop_supervisor()


def stop_supervisor():
    subprocess.run(['supervisorctl', 'shutdown'], capture_output=True, check=False)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and subprocess.run(['pgrep', '-x', 'supervisord'], capture_output=True,
                                                         check=False).returncode == 0:
        time.sleep(0.2)
