# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The filter and the module through real ansible-playbook runs (asserts live in the playbooks)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize('check', [False, True], ids=['normal', 'check-mode'])
def test_filter_playbook(run_playbook, check):
    run = run_playbook('filter.yml', *(['--check'] if check else []))
    assert run.rc == 0, run
    assert run.recap['localhost']['failed'] == 0, run


@pytest.mark.parametrize('check', [False, True], ids=['normal', 'check-mode'])
def test_module_playbook(run_playbook, check):
    run = run_playbook('module.yml', *(['--check'] if check else []))
    assert run.rc == 0, run
    recap = run.recap['localhost']
    assert recap['changed'] == 0, run
    assert recap['failed'] == 0, run


def test_module_without_trunks_says_what_to_set(run_playbook):
    run = run_playbook('no_trunks.yml')
    assert run.rc == 2, run
    assert 'no trunks to assess: set the host variable sip_trunks' in run.stdout, run


def test_report_module_playbook(run_playbook, ansible_env, tmp_path):
    ansible_env['REPORT_DIR'] = str(tmp_path / 'reports')
    try:
        run = run_playbook('report_module.yml')
    finally:
        del ansible_env['REPORT_DIR']
    assert run.rc == 0, run
    assert (tmp_path / 'reports' / 'explicit' / 'trunk-security.json').is_file()


def test_gateway_configuration_per_srtp_mode(run_playbook, ansible_env, tmp_path):
    ansible_env['RENDER_DIR'] = str(tmp_path)
    try:
        run = run_playbook('gateway_render.yml')
    finally:
        del ansible_env['RENDER_DIR']
    assert run.rc == 0, run
    assert (tmp_path / 'kamailio-rtpengine.cfg').is_file() and (tmp_path / 'kamailio-none.cfg').is_file()
