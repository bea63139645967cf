# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run real ansible-playbook processes against localhost."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook_runner import ansible_bin, ansible_environment, run_playbook as _run_playbook

PLAYBOOKS = Path(__file__).resolve().parent / 'playbooks'


@pytest.fixture(scope='session')
def ansible_env(collections_dir, tmp_path_factory) -> dict:
    if ansible_bin('ansible-playbook') is None:
        pytest.skip('ansible-playbook is not installed')
    return ansible_environment(collections_dir, tmp_path_factory.mktemp('ansible-local'))


@pytest.fixture
def run_playbook(ansible_env, tmp_path):
    """Run ansible-playbook (a path, or a name under playbooks/); returns a PlaybookRun."""

    def run(playbook, *args, inventory=None, extra_vars=None, cwd=None, timeout=600):
        path = Path(playbook)
        if not (path.is_absolute() or path.exists()):
            path = PLAYBOOKS / path
        return _run_playbook(ansible_env, path, *args, inventory=inventory, extra_vars=extra_vars, cwd=cwd or tmp_path,
                             timeout=timeout)

    return run
