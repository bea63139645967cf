# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run real ansible-playbook processes and read what they did (shared by the test suites)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

RECAP = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)', re.M)


def ansible_bin(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name)


@dataclass(repr=False)
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str

    @property
    def recap(self) -> dict:
        """Host -> {ok, changed, unreachable, failed, skipped} from the PLAY RECAP."""
        return {m.group(1): dict(zip(('ok', 'changed', 'unreachable', 'failed', 'skipped'), map(int, m.groups()[1:])))
                for m in RECAP.finditer(self.stdout)}

    def __repr__(self) -> str:
        # the failures first: pytest shortens long assertion messages in the middle
        failures = [line[:1500] for line in self.stdout.splitlines() if 'FAILED!' in line or line.startswith('fatal:')]
        return 'rc=%d %s\n--- stdout\n%s\n--- stderr\n%s' % (
            self.rc, ' | '.join(failures), self.stdout[-6000:], self.stderr[-3000:])


def ansible_environment(collections_dir, local_temp) -> dict:
    env = dict(os.environ)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': str(collections_dir),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_HOST_KEY_CHECKING': '0',
        'ANSIBLE_LOCAL_TEMP': str(local_temp),
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
    })
    env.pop('ANSIBLE_CONFIG', None)
    return env


def run_playbook(env, playbook, *args, inventory=None, extra_vars=None, cwd=None, timeout=600) -> PlaybookRun:
    command = [ansible_bin('ansible-playbook') or 'ansible-playbook']
    command += ['-i', str(inventory)] if inventory is not None else ['-i', 'localhost,', '-c', 'local']
    if extra_vars:
        command += ['-e', json.dumps(extra_vars)]
    command += [str(playbook)] + [str(a) for a in args]
    done = subprocess.run(command, cwd=str(cwd) if cwd else None, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return PlaybookRun(done.returncode, done.stdout, done.stderr)


def report_figures(terminalreporter, title: str, figures: dict, path: Path) -> None:
    """Print a lab's measured figures at the end of the run and write them, as JSON, to ``path``."""
    if not figures:
        return
    terminalreporter.section(title)
    for name, value in figures.items():
        terminalreporter.write_line('%s: %s' % (name, json.dumps(value)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2) + '\n')
