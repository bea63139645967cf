# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The trunk_drift callback through a real check-mode run."""

from __future__ import annotations

import json

from ansible_collections.voip.trunk_security.plugins.module_utils import config_sections


def test_drift_records_check_mode_changes_with_diffs_and_failures(run_playbook, ansible_env, tmp_path):
    # gw-a's listener is marked as one trunk's: the drift names that trunk
    installed = '#@trunk lon-a\nlisten=tcp:192.0.2.10:5060\n#@end\n'
    for host in ('gw-a', 'gw-b'):
        (tmp_path / ('%s.cfg' % host)).write_text(installed)
    (tmp_path / 'gw-b.cfg').write_text('listen=tls:192.0.2.10:5067\n')  # gw-b is in line
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text('all:\n  hosts:\n    gw-a:\n    gw-b:\n  vars:\n    ansible_connection: local\n'
                         '    ansible_python_interpreter: "{{ ansible_playbook_python }}"\n')
    drift_file = tmp_path / 'out' / 'trunk-drift.json'
    ansible_env.update(ANSIBLE_CALLBACKS_ENABLED='voip.trunk_security.trunk_drift', TRUNK_SECURITY_DRIFT_FILE=str(drift_file))
    try:
        run = run_playbook('drift.yml', '--check', '--diff', inventory=inventory, extra_vars={'drift_dir': str(tmp_path)})
    finally:
        del ansible_env['ANSIBLE_CALLBACKS_ENABLED'], ansible_env['TRUNK_SECURITY_DRIFT_FILE']
    assert run.rc == 2, run  # gw-b fails on purpose
    drift = json.loads(drift_file.read_text())
    assert drift['check_mode'] is True
    a, b = drift['hosts']['gw-a'], drift['hosts']['gw-b']
    assert [c['task'] for c in a['changes']] == ['Install the config', 'Create a file that does not exist yet'], (
        'the report task is not drift')
    # a file check mode would create is named too, although the module's result carries no dest
    assert a['changes'][1]['path'] == str(tmp_path / 'gw-a.new') and not (tmp_path / 'gw-a.new').exists()
    change = a['changes'][0]
    assert change['action'] == 'ansible.builtin.copy'
    assert '-listen=tcp:192.0.2.10:5060' in change['diff'] and '+listen=tls:192.0.2.10:5067' in change['diff']
    # each hunk header names whose lines it changes: the trunk's marked lines go, an unmarked (host-wide) one comes
    assert '\n@@ -1,3 +1 @@ host-wide, trunk lon-a\n' in change['diff'], change['diff']
    assert config_sections.trunks_of(change['diff']) == {'trunks': ['lon-a'], 'host_wide': True}
    # a file check mode would create, with no marker in it, is host-wide
    (created,) = config_sections.hunks(a['changes'][1]['diff'])
    assert created['header'].startswith('@@ -0,0 +1,') and created['host_wide'] and created['trunks'] == []
    assert (tmp_path / 'gw-a.cfg').read_text() == installed, 'check mode changed nothing'
    assert b['changes'] == []
    assert b['failures'] == [{'task': 'Refuse on the second host', 'action': 'ansible.builtin.fail', 'message': 'blockers on this host'}]
    assert a['unreachable'] is False and a['failures'] == []


def test_a_run_stopped_by_a_blocker_names_the_trunks_that_stopped_it():
    from ansible_collections.voip.trunk_security.plugins.callback import trunk_drift
    from ansible_collections.voip.trunk_security.plugins.module_utils.assessment import assess_host, stopped_by

    subnet = {'cidr': '10.0.0.0/28', 'audience': 'authorized_it'}
    trunks = [{'name': 'ok', 'connection': 'private', 'provider': {'tls': True, 'srtp': True}, 'mediation_subnet': subnet},
              {'name': 'nosrtp', 'connection': 'public', 'provider': {'tls': True, 'srtp': False}, 'mediation_subnet': subnet},
              {'connection': 'mpls'}]
    entries = assess_host(trunks)['trunks']
    assert stopped_by(entries, 'blockers') == ['nosrtp', '(3 of 3)']
    assert stopped_by(entries, 'invalid') == ['(3 of 3)'], 'a blocker does not stop a run that fails on invalid trunks only'
    assert stopped_by(entries, 'never') == []
    result = {'failed': True, 'msg': '2 problem(s)', 'trunks': entries, 'stopped_by': stopped_by(entries, 'blockers')}
    assert trunk_drift._blocking_trunks(result) == ['nosrtp', '(3 of 3)']
    assert trunk_drift._blocking_trunks({'msg': 'kamailio -c refused it'}) is None
    assert trunk_drift._blocking_trunks(dict(result, _ansible_no_log=True)) is None
