# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles refuse malformed inputs as their first task, in check mode, before anything changes."""

from __future__ import annotations

import json
import re

import pytest

CHECK_TASK = "Check the role's inputs before anything changes"
TASK_HEADER = re.compile(r'^TASK \[(?:[\w.]+ : )?(.*?)\] \*+$', re.M)
FATAL = re.compile(r'^fatal: \[localhost\]: FAILED! => (\{.*\})$', re.M)

TRUNK = {
    'name': 'public', 'connection': 'public',
    'provider': {'tls': True, 'srtp': True, 'address': '192.0.2.10', 'server_name': 'sbc.example.net'},
    'mediation_subnet': {'cidr': '10.1.0.0/28', 'audience': 'authorized_it'},
    'gateway': {'address': '127.0.0.10'},
}


def tasks_run(run):
    """The names of the tasks the run started, in order."""
    return TASK_HEADER.findall(run.stdout)


def failure(run):
    """The result of the one task that failed."""
    found = FATAL.findall(run.stdout)
    assert len(found) == 1, run
    return json.loads(found[0])


def warnings(run):
    text = run.stdout + run.stderr
    return [' '.join(line.split()) for line in re.findall(r'\[WARNING\]: (.*(?:\n(?!\[|\S).*)*)', text)]


def refused_before_any_change(run):
    """The run failed at the role's input check, the second task of the role (after Ansible's own
    argument check), and nothing changed."""
    assert run.rc == 2, run
    started = tasks_run(run)
    assert started[-1] == CHECK_TASK, run
    assert len([name for name in started if not name.startswith('Run the role')]) == 2, run
    assert started[-2].startswith('Validating arguments against arg spec'), run
    assert run.recap['localhost']['changed'] == 0 and run.recap['localhost']['failed'] == 1, run
    return failure(run)


HOSTILE = [
    pytest.param(
        'mediation_gateway',
        {'mediation_gateway_internal_listen': {'address': '192.0.2.1"){ sl_send_reply("200","x"); } if("x',
                                               'port': 5070},
         'mediation_gateway_trunks': [TRUNK]},
        'mediation_gateway_internal_listen',
        'address: \'192.0.2.1"){ sl_send_reply("200","x"); } if("x\' is not an IPv4 or IPv6 address such as '
        '192.0.2.10 or 2001:db8::10',
        id='kamailio-routing-code-in-an-address'),
    pytest.param(
        'mediation_gateway',
        {'mediation_gateway_tls_cipher_list': 'ECDHE+AESGCM\n[server:default]\nverify_certificate = no',
         'mediation_gateway_trunks': [TRUNK]},
        'mediation_gateway_tls_cipher_list',
        '"ECDHE+AESGCM\\n[server:default]\\nverify_certificate = no" is not an OpenSSL cipher list of letters, '
        'digits and "+", ":", "!", "_", "-", at most 512 characters',
        id='tls-cfg-section-in-a-cipher-list'),
    pytest.param(
        'media_relay',
        {'media_relay_interfaces': [{'name': 'internal', 'address': '127.0.0.3\ninterface = any'}]},
        'media_relay_interfaces',
        'interface 1 of 1: address: "127.0.0.3\\ninterface = any" is not an IPv4 or IPv6 address such as 192.0.2.10 '
        'or 2001:db8::10',
        id='rtpengine-interface-any'),
    pytest.param(
        'sip_endpoint',
        {'sip_endpoint_aor': 'sip:alice@lab.test', 'sip_endpoint_proxy': {'address': '127.0.0.10'},
         'sip_endpoint_display_name': 'Alice"\n<sip:mallory@evil.test>'},
        'sip_endpoint_display_name',
        '"Alice\\"\\n<sip:mallory@evil.test>" is not printable text on one line without \'"\', "\\", "<" or ">", '
        'at most 128 characters, or an empty string',
        id='baresip-account-line'),
    pytest.param(
        'service_instance',
        {'service_instance_name': 'demo', 'service_instance_command': '/bin/true\nExecStartPre=/bin/sh -c id'},
        'service_instance_command',
        '"/bin/true\\nExecStartPre=/bin/sh -c id" is not an absolute program path, then arguments of letters, '
        'digits and "_", ".", "/", "@", "+", "=", ",", ":", "-", separated by spaces (no quotes, "$", "%", ";" or '
        'other shell or unit-file syntax), at most 4096 characters',
        id='systemd-directive-in-a-command'),
]


@pytest.mark.parametrize('role, inputs, field, message', HOSTILE)
def test_a_hostile_input_is_refused_in_check_mode_before_anything_changes(
        run_playbook, tmp_path, role, inputs, field, message):
    extra = {'role_under_test': role}
    extra.update(inputs)
    run = run_playbook('role_inputs.yml', '--check', '--diff', extra_vars=extra)
    result = refused_before_any_change(run)
    assert result['problems'] == [{'field': field, 'message': message, 'value': result['problems'][0]['value']}], run
    assert result['msg'] == 'voip.trunk_security.%s refuses its inputs, before anything changed: %s: %s' % (
        role, field, message)
    assert list(tmp_path.iterdir()) == [] or all(p.name.startswith('.') for p in tmp_path.iterdir())


def test_a_control_socket_off_loopback_is_refused(run_playbook):
    run = run_playbook('role_inputs.yml', '--check', extra_vars={
        'role_under_test': 'sip_endpoint', 'sip_endpoint_aor': 'sip:alice@lab.test',
        'sip_endpoint_proxy': {'address': '127.0.0.10'}, 'sip_endpoint_control_listen': '0.0.0.0:4444'})
    result = refused_before_any_change(run)
    assert result['problems'] == [{
        'field': 'sip_endpoint_control_listen', 'value': '0.0.0.0:4444',
        'message': "'0.0.0.0:4444' is not a loopback address (127.0.0.0/8 or [::1]): baresip's control socket "
                   "(ctrl_tcp) has no authentication; keep it on loopback, or set sip_endpoint_control_allow_remote: "
                   "true to expose it knowingly"}]


def test_a_control_socket_off_loopback_is_allowed_with_a_warning(run_playbook, tmp_path):
    run = run_playbook('role_inputs.yml', '--check', extra_vars={
        'role_under_test': 'sip_endpoint', 'role_entry': 'config',
        'sip_endpoint_aor': 'sip:alice@lab.test', 'sip_endpoint_proxy': {'address': '127.0.0.10'},
        'sip_endpoint_control_listen': '0.0.0.0:4444', 'sip_endpoint_control_allow_remote': True,
        'sip_endpoint_install_packages': False, 'sip_endpoint_certificate_source': 'none',
        'sip_endpoint_service_manager': 'supervisor', 'sip_endpoint_config_dir': str(tmp_path / 'etc'),
        'sip_endpoint_record_dir': str(tmp_path / 'rec')})
    assert run.rc == 0, run
    assert run.recap['localhost']['failed'] == 0, run
    assert warnings(run) == [
        "sip_endpoint_control_listen is '0.0.0.0:4444', not a loopback address: baresip's control socket (ctrl_tcp) "
        "has no authentication, so whoever reaches it can place and take calls as this endpoint (allowed by "
        "sip_endpoint_control_allow_remote: true)"], run
    assert 'Install the configuration and the account' in tasks_run(run)
    assert not (tmp_path / 'etc').exists(), 'check mode created the configuration directory'


def test_a_missing_aor_fails_as_a_missing_argument(run_playbook):
    run = run_playbook('role_inputs.yml', '--check', extra_vars={
        'role_under_test': 'sip_endpoint', 'sip_endpoint_proxy': {'address': '127.0.0.10'}})
    assert run.rc == 2, run
    result = failure(run)
    assert result['argument_errors'] == ['missing required arguments: sip_endpoint_aor'], run
    assert 'is undefined' not in run.stdout + run.stderr, run
    assert tasks_run(run)[-1].startswith('Validating arguments against arg spec'), run


@pytest.mark.parametrize('role, required', [
    ('media_relay', 'media_relay_interfaces'),
    ('service_instance', 'service_instance_command, service_instance_name'),
])
def test_other_required_inputs_fail_as_missing_arguments(run_playbook, role, required):
    run = run_playbook('role_inputs.yml', '--check', extra_vars={'role_under_test': role})
    assert run.rc == 2, run
    assert failure(run)['argument_errors'] == ['missing required arguments: %s' % required], run
    assert 'is undefined' not in run.stdout + run.stderr, run


def test_a_misspelled_variable_is_named_with_the_closest_input(run_playbook, tmp_path):
    """A Microsoft Mediation Server in rendered mode, in check mode: nothing connects, nothing is written; the
    misspelled mediation_gateway_platfrom is warned about, with the input it was meant to be."""
    run = run_playbook('role_inputs.yml', '--check', extra_vars={
        'role_under_test': 'mediation_gateway', 'mediation_gateway_platform': 'skype_for_business',
        'mediation_gateway_platfrom': 'ocs2007r2', 'mediation_gateway_windows_mode': 'rendered',
        'mediation_gateway_render_dir': str(tmp_path / 'scripts'), 'mediation_gateway_trunks': [TRUNK]})
    assert run.rc == 0, run
    assert warnings(run) == [
        'mediation_gateway_platfrom is not an input of voip.trunk_security.mediation_gateway '
        '(did you mean mediation_gateway_platform?)'], run
    assert not (tmp_path / 'scripts').exists()


def test_the_defaults_of_every_role_pass_its_input_check(run_playbook):
    run = run_playbook('role_inputs_defaults.yml')
    assert run.rc == 0, run
    assert run.recap['localhost']['failed'] == 0, run


BLOCKED = dict(TRUNK, name='blocked', provider=dict(TRUNK['provider'], srtp=False))


def test_a_blocked_trunk_is_refused_unless_allowed_and_then_fails_closed(run_playbook, tmp_path):
    """A trunk whose provider lacks SRTP on a public path: refused by default; with
    mediation_gateway_allow_blockers it is configured with SRTP required anyway (fail closed), and the run
    says so for that trunk."""
    common = {'role_under_test': 'mediation_gateway', 'mediation_gateway_platform': 'skype_for_business',
              'mediation_gateway_windows_mode': 'rendered', 'mediation_gateway_render_dir': str(tmp_path / 'scripts'),
              'mediation_gateway_trunks': [TRUNK, BLOCKED]}
    refused = run_playbook('role_inputs.yml', '--check', extra_vars=common)
    assert refused.rc == 2, refused
    assert 'Not configuring blocked: the policy requires protection the provider cannot give' in refused.stdout, refused

    allowed = run_playbook('role_inputs.yml', '--check', extra_vars=dict(common, mediation_gateway_allow_blockers=True))
    assert allowed.rc == 0, allowed
    said = ' '.join(allowed.stdout.split())
    assert ('trunk blocked: configured with TLS and SRTP as the policy requires; calls fail until the provider '
            'supports them') in said, allowed
    assert 'trunk public: configured with TLS and SRTP' not in said, allowed


def test_a_refused_default_certificate_name_says_it_is_the_default(run_playbook, tmp_path):
    """mediation_gateway_certificate_names defaults to [inventory_hostname]; an inventory name that
    is no certificate name (an underscore) is refused, and the message says the default is why."""
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text('all:\n  hosts:\n    gw_lon_01: {ansible_connection: local}\n')
    run = run_playbook('role_inputs.yml', '--check', inventory=inventory, extra_vars={
        'role_under_test': 'mediation_gateway', 'sip_trunks': [], 'role_hosts': 'all'})
    assert run.rc != 0, run
    assert ("mediation_gateway_certificate_names: name 1 of 1: 'gw_lon_01' is not" in run.stdout
            and "(this is the default, [inventory_hostname], and the host's inventory name is not a certificate "
                "name: set mediation_gateway_certificate_names to the names the gateway's certificate carries)"
            in run.stdout), run
