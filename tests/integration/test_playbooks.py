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


def test_enforce_renders_a_skype_for_business_mediation_server_without_connecting(run_playbook, repo_root, tmp_path):
    """enforce.yml with a Skype for Business Mediation Server in rendered mode: the scripts and the plan land on
    the controller (the host's address routes nowhere, so any connection would fail the run), a rerun changes
    nothing, and check mode writes nothing but says what it would write."""
    import json

    inventory = repo_root / 'tests' / 'integration' / 'inventory_windows'
    golden = repo_root / 'tests' / 'unit' / 'golden' / 'skype_for_business'
    playbook = repo_root / 'playbooks' / 'enforce.yml'
    host = 'med01.contoso.example'

    preview = run_playbook(playbook, '--check', '--diff', inventory=inventory,
                           extra_vars={'mediation_gateway_render_dir': str(tmp_path / 'preview')})
    assert preview.rc == 0, preview
    assert not (tmp_path / 'preview').exists(), 'check mode wrote files'
    assert preview.recap[host]['changed'] == 3 and '+++ after: %s' % (tmp_path / 'preview' / host / 'plan.json') in preview.stdout

    out = tmp_path / 'scripts'
    run = run_playbook(playbook, inventory=inventory, extra_vars={'mediation_gateway_render_dir': str(out)})
    assert run.rc == 0, run
    assert run.recap[host]['changed'] == 3 and run.recap[host]['unreachable'] == 0, run
    for kind in ('apply', 'drift'):
        assert (out / host / ('%s.ps1' % kind)).read_text() == (golden / ('%s.ps1' % kind)).read_text(), kind
    plan = json.loads((out / host / 'plan.json').read_text())
    assert plan == json.loads((golden / 'plan-not-observed.json').read_text())
    # per trunk, what the scripts would change
    assert "public: sets, if it differs, srtp_mode at PstnGateway:sbc.contoso.example to Required" in run.stdout
    assert "migrating: sets, if it differs, srtp_mode at site:London to Optional" in run.stdout
    assert "plain: sets, if it differs, srtp_mode at PstnGateway:192.0.2.30 to NotSupported" in run.stdout
    # SRTP on the TCP trunk cannot be in effect: said in plan.json and in the report, without observing anything
    assert [f['status'] for f in plan['trunks']['migrating']['findings']] == ['ineffective']
    assert "migrating: ineffective srtp_mode at site:London: SRTP mode Optional cannot be in effect on a TCP trunk" in run.stdout

    again = run_playbook(playbook, inventory=inventory, extra_vars={'mediation_gateway_render_dir': str(out)})
    assert again.rc == 0 and again.recap[host]['changed'] == 0, again

    # the drift script's JSON brought back: the plan names only what really differs
    seen = {'observed': {'srtp_mode@PstnGateway:sbc.contoso.example': 'NotSupported'}, 'errors': {}}
    known = run_playbook(playbook, inventory=inventory, extra_vars={'mediation_gateway_render_dir': str(out),
                                                                    'mediation_gateway_observed': json.dumps(seen)})
    assert known.rc == 0, known
    assert ("public: would set srtp_mode at PstnGateway:sbc.contoso.example to Required (now NotSupported): "
            "Set-CsTrunkConfiguration -Identity 'PstnGateway:sbc.contoso.example' -SRTPMode 'Required'") in known.stdout
    assert known.recap[host]['changed'] == 1     # plan.json only: the scripts do not depend on what was observed


def test_mediation_server_winrm_script_is_byte_identical_to_the_rendered_apply_ps1(run_playbook, repo_root):
    """The script winrm mode hands win_powershell (lookup('template')) is the reviewed golden apply.ps1, byte for
    byte, which rendered mode writes with the template module."""
    run = run_playbook('mediation_server_lookup.yml', inventory=repo_root / 'tests' / 'integration' / 'inventory_windows')
    assert run.rc == 0, run
    assert run.recap['med01.contoso.example']['failed'] == 0, run


#: What win_powershell registers for the apply script on a server whose only drift is the public trunk's SRTP mode.
SRTP_DRIFT = 'srtp_mode@PstnGateway:sbc.contoso.example'
SRTP_COMMAND = "Set-CsTrunkConfiguration -Identity 'PstnGateway:sbc.contoso.example' -SRTPMode 'Required'"


def script_result(changes, applied=True):
    return {'changed': bool(changes), 'result': {
        'platform': 'skype_for_business', 'host': 'med01.contoso.example', 'script': 'apply',
        'observed': {SRTP_DRIFT: 'NotSupported'}, 'errors': {}, 'findings': [],
        'changes': [{'id': change, 'before': 'NotSupported', 'after': 'Required', 'applied': applied,
                     'command': SRTP_COMMAND} for change in changes]}}


@pytest.mark.parametrize('case', ['matching', 'mismatching', 'check-mode'])
def test_mediation_server_winrm_verification_of_the_scripts_result(run_playbook, repo_root, case):
    """The role's winrm post-run tasks (microsoft_verify.yml) on a canned win_powershell result: the plan from what
    the script observed, the assert that the script changed exactly what the plan says, the report."""
    host = 'med01.contoso.example'
    changes = [] if case == 'mismatching' else [SRTP_DRIFT]
    run = run_playbook('mediation_server_verify.yml', *(['--check'] if case == 'check-mode' else []),
                       inventory=repo_root / 'tests' / 'integration' / 'inventory_windows',
                       extra_vars={'script_result': script_result(changes, applied=case != 'check-mode')})
    if case == 'mismatching':
        assert run.rc == 2 and run.recap[host]['failed'] == 1, run
        assert ('The script on %s changed nothing but the plan computed from what it observed says %s.'
                % (host, SRTP_DRIFT)) in run.stdout, run
        return
    assert run.rc == 0 and run.recap[host]['failed'] == 0, run
    verb = 'would set' if case == 'check-mode' else 'set'
    assert ('public: %s srtp_mode at PstnGateway:sbc.contoso.example to Required (now NotSupported): %s'
            % (verb, SRTP_COMMAND)) in run.stdout, run
    assert ('check mode: nothing was set' in run.stdout) is (case == 'check-mode'), run
    # known without any observation: SRTP on the TCP trunk is not in effect
    assert 'migrating: ineffective srtp_mode at site:London: SRTP mode Optional cannot be in effect on a TCP trunk' \
        in run.stdout, run
