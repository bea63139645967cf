# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The systemd lab: the roles on a Debian 12 host whose PID 1 is systemd (a systemd-nspawn
container with only loopback, booted from a fresh copy of a cached tree).

Run it with ``./run lab --systemd`` (or as part of ``./run lab`` and ``./run test``), as root:
that sets VOIP_SYSTEMD_LAB=1. Elsewhere these tests are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

from playbook_runner import ansible_environment, report_figures, run_playbook
from systemd_host import CACHE, Container, pristine_tree

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
INVENTORY = HERE / 'inventory'
HOST = 'systemd-gateway'

#: What the group measured: printed at the end and written to tests/output/systemd-lab-figures.json.
FIGURES: dict = {}


def skip_reason() -> str | None:
    if os.geteuid() != 0:
        return 'the systemd lab needs root (mmdebstrap, systemd-nspawn, nsenter): ./run lab --systemd as root'
    if os.environ.get('VOIP_SYSTEMD_LAB') != '1':
        return 'the systemd lab runs through ./run lab --systemd (or ./run lab, ./run test as root)'
    for tool in ('mmdebstrap', 'systemd-nspawn', 'nsenter', 'apt-ftparchive'):
        if shutil.which(tool) is None:
            return '%s is missing: ./run lab --systemd installs it' % tool
    return None


def pytest_collection_modifyitems(config, items):
    reason = skip_reason()
    if reason is None:
        return
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter):
    report_figures(terminalreporter, 'systemd lab figures', FIGURES, REPO / 'tests' / 'output' / 'systemd-lab-figures.json')


class SystemdLab:
    """The booted host and the means to drive it."""

    def __init__(self, container: Container, env: dict, work: Path):
        self.container = container
        self.env = env
        self.work = work
        self.figures = FIGURES

    def enforce(self, *args, inventory=INVENTORY, extra_vars=None):
        self.env['VOIP_NSENTER_PID'] = str(self.container.init_pid)
        started = time.monotonic()
        run = run_playbook(self.env, REPO / 'playbooks' / 'enforce.yml', *args, inventory=inventory,
                           extra_vars=extra_vars, cwd=self.work)
        self.figures.setdefault('enforce runs (s)', []).append(round(time.monotonic() - started, 1))
        return run

    def inventory_with(self, change) -> Path:
        """A copy of the inventory whose host variables ``change(host_vars)`` has edited."""
        import yaml  # pylint: disable=import-outside-toplevel
        target = self.work / ('inventory-%d' % time.monotonic_ns())
        shutil.copytree(INVENTORY, target)
        host_vars = target / 'host_vars' / (HOST + '.yml')
        data = yaml.safe_load(host_vars.read_text())
        change(data)
        host_vars.write_text(yaml.safe_dump(data))
        return target

    def probe(self, *args) -> dict:
        """tests/systemd/probe.py with this machine's Python in the container's network namespace."""
        done = self.container.run_in_network([sys.executable, str(HERE / 'probe.py')] + [str(a) for a in args], timeout=30)
        assert done.returncode == 0, done
        return json.loads(done.stdout)

    def listeners(self) -> list[dict]:
        return self.probe('listeners')['listeners']

    def unit(self, name: str) -> dict:
        return self.container.show(name, 'MainPID', 'ActiveState', 'SubState', 'UnitFileState', 'LoadState',
                                   'InvocationID', 'NRestarts', 'FragmentPath')

    def reboot(self) -> str:
        how = self.container.stop()
        self.container.boot()
        self.figures.setdefault('boots (s)', []).append(round(self.container.boots[-1], 2))
        return how


class Watch:
    """Polls the container's listeners (and whether the Kamailio binary exists yet) until stopped."""

    def __init__(self, lab: SystemdLab):
        self.lab = lab
        self.samples: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self):
        deadline = time.monotonic() + 900
        while not self._stop.is_set() and time.monotonic() < deadline:
            installed = self.lab.container.path('/usr/sbin/kamailio').exists()
            try:
                listeners = self.lab.listeners()
            except (AssertionError, OSError, ValueError, RuntimeError):
                self._stop.wait(0.05)
                continue
            self.samples.append({'at': time.monotonic(), 'kamailio_installed': installed, 'listeners': listeners})
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)


@pytest.fixture(scope='session')
def systemd_lab(collections_dir, tmp_path_factory):
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    tree, seconds, built = pristine_tree()
    recorded = json.loads((tree.parent / 'recipe.json').read_text())
    if built:
        recorded['build seconds'] = round(seconds, 1)
        (tree.parent / 'recipe.json').write_text(json.dumps(recorded, indent=2) + '\n')
        FIGURES['tree build, cold (s)'] = round(seconds, 1)
    else:
        FIGURES['tree build, cold, when it was cached (s)'] = recorded.get('build seconds')
        FIGURES['tree from the cache (s)'] = round(seconds, 2)
    FIGURES['tree cache'] = str(tree.parent)
    container = Container(tree)
    FIGURES['fresh working tree copy (s)'] = round(container.copy_seconds, 1)
    work = tmp_path_factory.mktemp('systemd-lab')
    env = ansible_environment(collections_dir, work / 'ansible-local')
    env['ANSIBLE_CONNECTION_PLUGINS'] = str(HERE / 'connection_plugins')
    env['ANSIBLE_PYTHON_INTERPRETER'] = '/usr/bin/python3'
    lab = SystemdLab(container, env, work)
    try:
        container.boot()
        FIGURES['boots (s)'] = [round(container.boots[-1], 2)]
        started = time.monotonic()
        with Watch(lab) as watch:
            lab.first_run = lab.enforce()
        lab.first_watch = watch
        FIGURES['first enforce, packages included (s)'] = round(time.monotonic() - started, 1)
        yield lab
    finally:
        container.remove()
        lab.removed = True


__all__ = ['CACHE', 'HOST', 'SystemdLab', 'Watch']
