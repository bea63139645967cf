# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The form of every role input that reaches a configuration file (role_inputs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings as hsettings, strategies as st

from ansible_collections.voip.trunk_security.plugins.module_utils import role_inputs
from ansible_collections.voip.trunk_security.plugins.module_utils.role_inputs import validate

ROLES_DIR = Path(__file__).resolve().parents[4] / 'roles'


def messages(role, values):
    return [(p['field'], p['message']) for p in validate(role, values)]


def only(role, name, value):
    """The messages about one input checked alone."""
    return [message for field, message in messages(role, {name: value})]


# ---------------------------------------------------------------------------------------------
# The rules and the argument specs agree
# ---------------------------------------------------------------------------------------------

def spec_options(role):
    spec = yaml.safe_load((ROLES_DIR / role / 'meta' / 'argument_specs.yml').read_text())['argument_specs']
    names = set()
    for entry in spec.values():
        names |= set(entry.get('options') or {})
    return names


@pytest.mark.parametrize('role', role_inputs.ROLES)
def test_every_input_of_the_argument_spec_has_a_rule_and_every_rule_an_input(role):
    assert set(role_inputs.INPUTS[role]) == spec_options(role)


def _set_by_role(role):
    """Every variable a role's tasks set (set_fact, register) or its vars/main.yml defines."""
    names = set()
    vars_file = ROLES_DIR / role / 'vars' / 'main.yml'
    if vars_file.exists():
        names |= set(yaml.safe_load(vars_file.read_text()) or {})

    def walk(tasks):
        for task in tasks or []:
            if not isinstance(task, dict):
                continue
            names.update(task.get('ansible.builtin.set_fact', {}) or {})
            if 'register' in task:
                names.add(task['register'])
            for key in ('block', 'rescue', 'always'):
                walk(task.get(key))
    for path in (ROLES_DIR / role / 'tasks').glob('*.yml'):
        walk(yaml.safe_load(path.read_text()))
    return names


@pytest.mark.parametrize('role', role_inputs.ROLES)
def test_what_a_role_sets_itself_is_private_or_a_declared_output(role):
    prefixed = set(name for name in _set_by_role(role) if name.startswith(role + '_'))
    assert prefixed == set(role_inputs.ROLE_OUTPUTS[role])
    assert not prefixed & set(role_inputs.INPUTS[role])


# ---------------------------------------------------------------------------------------------
# Addresses, ports, names, paths
# ---------------------------------------------------------------------------------------------

IP_WORDS = 'is not an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10'
HOST_WORDS = ('is not an IPv4 or IPv6 address or a host name (RFC 1123: labels of letters, digits and "-", 1-63 '
              'characters each, not starting or ending with "-", separated by dots, 253 characters in all)')
PATH_WORDS = ('is not an absolute path: "/"-separated parts of letters, digits, "_", ".", "@", "+" and "-", none of '
              'them "." or "..", at most 4096 characters')
INSTANCE_WORDS = ('is not a name of letters, digits, "_", "." and "-", starting with a letter or a digit, at most 64 '
                  'characters')


@pytest.mark.parametrize('value', ['127.0.0.1', '0.0.0.0', '::', '::1', '2001:db8::10'])
def test_an_ip_literal_is_a_listen_address(value):
    assert only('sip_endpoint', 'sip_endpoint_listen_address', value) == []


@pytest.mark.parametrize('value, shown', [
    ('localhost', "'localhost'"), ('127.0.0.1\nnet_interface x', '"127.0.0.1\\nnet_interface x"'),
    ('[::1]', "'[::1]'"), ('fe80::1%eth0', "'fe80::1%eth0'"), ('', "''"), ('1.2.3.4 ', "'1.2.3.4 '"),
])
def test_anything_else_is_not_a_listen_address(value, shown):
    assert only('sip_endpoint', 'sip_endpoint_listen_address', value) == ['%s %s' % (shown, IP_WORDS)]


def test_a_listen_address_of_another_type_names_the_type():
    assert only('sip_endpoint', 'sip_endpoint_listen_address', ['127.0.0.1']) == [
        "must be an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10, found a list ['127.0.0.1']"]


@pytest.mark.parametrize('value', ['sbc.example.net', 'a-b.c', '192.0.2.10', '2001:db8::1', 'x' * 63 + '.example'])
def test_a_next_hop_is_an_address_or_a_host_name(value):
    assert only('mediation_gateway', 'mediation_gateway_internal_next_hop', {'address': value}) == []


@pytest.mark.parametrize('value', ['-sbc.example', 'sbc_1.example', 'a..b', 'x' * 64 + '.example', '999.1.1.1',
                                   'sbc.example.', 'münchen.example', 'a' * 250 + '.example'])
def test_a_host_name_follows_rfc_1123(value):
    assert only('mediation_gateway', 'mediation_gateway_internal_next_hop', {'address': value}) == [
        'address: %s %s' % (role_inputs.describe.show(value), HOST_WORDS)]


def test_an_empty_next_hop_is_none_and_a_next_hop_needs_an_address():
    assert only('mediation_gateway', 'mediation_gateway_internal_next_hop', {}) == []
    assert only('mediation_gateway', 'mediation_gateway_internal_next_hop', {'port': 5060}) == ['address is required']
    assert only('mediation_gateway', 'mediation_gateway_internal_next_hop', {'address': 'a.b', 'via': 1}) == [
        "unknown key 'via'; allowed keys: address, port, transport"]


@pytest.mark.parametrize('value', [5070, '5070', 1, 65535])
def test_a_port_is_an_integer_from_1_to_65535(value):
    assert only('mediation_gateway', 'mediation_gateway_internal_listen', {'address': '127.0.0.1', 'port': value}) == []


@pytest.mark.parametrize('value, message', [
    (0, 'port: 0 is not an integer from 1 to 65535'),
    (65536, 'port: 65536 is not an integer from 1 to 65535'),
    ('05070', "port: must be an integer from 1 to 65535, found a string '05070'"),
    (5070.0, 'port: must be an integer from 1 to 65535, found a number 5070.0'),
    (True, 'port: must be an integer from 1 to 65535, found a boolean true'),
    ('5070\n', 'port: must be an integer from 1 to 65535, found a string "5070\\n"'),
    pytest.param(10 ** 5000, 'port: an integer of 16610 bits is not an integer from 1 to 65535', id='huge'),
])
def test_anything_else_is_not_a_port(value, message):
    assert only('mediation_gateway', 'mediation_gateway_internal_listen',
                {'address': '127.0.0.1', 'port': value}) == [message]


def test_the_internal_listener_is_a_specific_address():
    assert only('mediation_gateway', 'mediation_gateway_internal_listen', {'address': '0.0.0.0', 'port': 5070}) == [
        "address: '0.0.0.0' is the wildcard address; name the address the internal side sends to (the gateway tells "
        "the internal side from the trunks by the address a request arrives on)"]


def test_the_internal_listener_needs_an_ip_literal_and_a_known_transport():
    assert only('mediation_gateway', 'mediation_gateway_internal_listen',
                {'address': 'gw.example', 'port': 5070, 'transport': 'udp'}) == [
        "address: 'gw.example' %s" % IP_WORDS,
        "transport: 'udp' is not an allowed value; allowed values: tcp, tls"]


@pytest.mark.parametrize('value', ['/etc/kamailio/gateway', '/run/kamailio-gw.1/', '/a/b@c+d_e'])
def test_a_path_is_absolute_and_plain(value):
    assert only('media_relay', 'media_relay_config_dir', value) == []


@pytest.mark.parametrize('value', ['etc/kamailio', '/etc/../tmp', '/etc/./x', '/etc//x', '/etc/kamailio gw',
                                   '~/gw', '/etc/$HOME', '/etc/x"', '/etc/x\n/y', '/', '/' + 'a' * 4096])
def test_anything_else_is_not_a_path(value):
    assert only('media_relay', 'media_relay_config_dir', value) == [
        '%s %s' % (role_inputs.describe.show(value), PATH_WORDS)]


@pytest.mark.parametrize('role, name, limit, why', [
    ('mediation_gateway', 'mediation_gateway_certificate', 480, " (Kamailio's tls.cfg reads at most 512 bytes in a value)"),
    ('mediation_gateway', 'mediation_gateway_config_dir', 480, " (Kamailio's tls.cfg reads at most 512 bytes in a value)"),
    ('mediation_gateway', 'mediation_gateway_run_dir', 90,
     " (Kamailio's control socket RUN_DIR/kamailio_ctl is a unix socket path, at most 107 bytes)"),
    ('sip_endpoint', 'sip_endpoint_config_dir', 200, ' (baresip keeps at most 255 bytes of a configuration value)'),
    ('sip_endpoint', 'sip_endpoint_certificate', 200, ' (baresip keeps at most 255 bytes of a configuration value)'),
])
def test_paths_written_where_the_reader_has_a_limit_are_shorter(role, name, limit, why):
    fits = '/' + 'a' * (limit - 1)
    assert only(role, name, fits) == []
    assert only(role, name, fits + 'a') == ["'/%s'... (%d characters) is not %s" % (
        'a' * 79, limit + 1, role_inputs.path_form(limit, why))]


@pytest.mark.parametrize('role, name', [
    ('mediation_gateway', 'mediation_gateway_instance'), ('media_relay', 'media_relay_instance'),
    ('sip_endpoint', 'sip_endpoint_instance'),
])
def test_an_instance_name(role, name):
    assert only(role, name, 'lab-gateway_2.a') == []
    assert only(role, name, 'x' * 64) == []
    for bad in ['..', '-x', 'a/b', 'a b', 'x' * 65, '']:
        assert only(role, name, bad) == ['%s %s' % (role_inputs.describe.show(bad), INSTANCE_WORDS)]


# ---------------------------------------------------------------------------------------------
# The gateway: TLS, media, Microsoft identities
# ---------------------------------------------------------------------------------------------

def test_a_cipher_list_of_openssl_tokens():
    assert only('mediation_gateway', 'mediation_gateway_tls_cipher_list',
                'ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!SHA1:!SHA256:!SHA384') == []
    assert only('mediation_gateway', 'mediation_gateway_tls_cipher_list', 'HIGH # x') == [
        "'HIGH # x' is not an OpenSSL cipher list of letters, digits and \"+\", \":\", \"!\", \"_\", \"-\", at most "
        "512 characters"]
    assert only('mediation_gateway', 'mediation_gateway_tls_cipher_list', 'HIGH:' * 103) != []


def test_srtp_suites_come_from_the_known_set_and_null_suites_are_refused():
    assert only('mediation_gateway', 'mediation_gateway_srtp_suites', ['AES_CM_128_HMAC_SHA1_80']) == []
    allowed = ', '.join(role_inputs.SRTP_SUITES)
    assert only('mediation_gateway', 'mediation_gateway_srtp_suites', ['AES_CM_128_HMAC_SHA1_80', 'NULL_HMAC_SHA1_32']) == [
        "suite 2 of 2: 'NULL_HMAC_SHA1_32' is a NULL suite (no encryption) and cannot be chosen; allowed values: "
        + allowed]
    assert only('mediation_gateway', 'mediation_gateway_srtp_suites', ['AES_CM_128_HMAC_SHA1_8']) == [
        "suite 1 of 1: 'AES_CM_128_HMAC_SHA1_8' is not an allowed value (did you mean 'AES_CM_128_HMAC_SHA1_80'?); "
        "allowed values: " + allowed]
    assert only('mediation_gateway', 'mediation_gateway_srtp_suites', []) == ['must have at least 1 suite, found []']


def test_rtpengine_flags_are_single_tokens_without_pseudo_variables():
    assert only('mediation_gateway', 'mediation_gateway_rtpengine_extra_flags',
                ['SDES-pad', 'media-address=192.0.2.1', 'codec-strip-PCMA']) == []
    form = ('an rtpengine flag of letters, digits and "_", ".", "=", "/", "+", ":", ",", "-", starting with a letter '
            'or a digit, at most 128 characters')
    assert only('mediation_gateway', 'mediation_gateway_rtpengine_extra_flags', ['SDES-pad', 'x $ru', 'a")']) == [
        "flag 2 of 3: 'x $ru' is not " + form, "flag 3 of 3: 'a\")' is not " + form]


def test_media_interface_names_are_both_required():
    assert only('mediation_gateway', 'mediation_gateway_media_interfaces', {'internal': 'in', 'trunk': 'out'}) == []
    assert only('mediation_gateway', 'mediation_gateway_media_interfaces', {'internal': 'in direction=x'}) == [
        "internal: 'in direction=x' is not a name of letters, digits, \"_\" and \"-\", at most 64 characters",
        'trunk is required']


def test_the_rtpengine_ng_socket_of_the_gateway():
    for good in ['127.0.0.1:2223', 'relay.example:2223', '[::1]:2223']:
        assert only('mediation_gateway', 'mediation_gateway_rtpengine_ng', good) == []
    assert only('mediation_gateway', 'mediation_gateway_rtpengine_ng', '::1:2223') == [
        "'::1:2223' is not ADDRESS:PORT: an IPv4 address, a host name or an IPv6 address in brackets ([2001:db8::1]), "
        "then \":\" and a port from 1 to 65535"]


def test_certificate_names_are_host_names_wildcards_or_addresses():
    assert only('mediation_gateway', 'mediation_gateway_certificate_names',
                ['gw.lab.test', '*.lab.test', '127.0.0.10', 'localhost']) == []
    assert only('mediation_gateway', 'mediation_gateway_certificate_names', ['gw.lab.test', "gw'; x"]) == [
        'name 2 of 2: \'gw\'\'; x\' is not an IPv4 or IPv6 address or a host name (RFC 1123: labels of letters, '
        'digits and "-", 1-63 characters each, not starting or ending with "-", separated by dots, 253 characters in '
        'all; a leading "*." label is allowed)']
    assert only('mediation_gateway', 'mediation_gateway_certificate_names', []) == ['must have at least 1 name, found []']


IDENTITY_WORDS = ('is not an identity of letters, digits, spaces and ":", ".", "_", "@", "/", "-", starting with a '
                  'letter or a digit, not ending with a space, without "*", at most 255 characters (such as Global, '
                  'site:London or PstnGateway:sbc.contoso.example)')


def test_microsoft_identities():
    assert only('mediation_gateway', 'mediation_gateway_sfb_trunks',
                {'public': 'PstnGateway:sbc.contoso.example',
                 'migrating': {'scope': 'site:London', 'trunk': 'PstnGateway:sbc2.fabrikam.example'}}) == []
    assert only('mediation_gateway', 'mediation_gateway_sfb_trunks', {'a b': 'Global', 'x': {'scope': "Global'; x"},
                                                                      'y': {'scope': 'site:*'}, 'z': {'pool': 'p'}}) == [
        "'a b' is not a trunk name of letters, digits, \"_\", \".\" and \"-\", at most 64 characters",
        "x: scope: 'Global''; x' " + IDENTITY_WORDS,
        "y: scope: 'site:*' " + IDENTITY_WORDS,
        "z: unknown key 'pool'; allowed keys: scope, trunk"]
    assert only('mediation_gateway', 'mediation_gateway_sfb_media_configuration', 'Global') == []
    assert only('mediation_gateway', 'mediation_gateway_sfb_mediation_server', 'MediationServer:med01.contoso.example') == []
    assert only('mediation_gateway', 'mediation_gateway_sfb_mediation_server', 'med01.contoso.example') == []
    assert only('mediation_gateway', 'mediation_gateway_sfb_mediation_server', 'MediationServer:a`b') == [
        "'MediationServer:a`b' is not MediationServer:FQDN or FQDN, the FQDN " + HOST_WORDS[len('is not '):]]
    assert only('mediation_gateway', 'mediation_gateway_sfb_module', 'SkypeForBusiness; Remove-Item') == [
        "'SkypeForBusiness; Remove-Item' is not a PowerShell module name of letters, digits, \"_\", \".\" and \"-\", "
        "at most 128 characters"]
    assert only('mediation_gateway', 'mediation_gateway_sfb_trunk_transport_property', 'SipTransport') == []
    assert only('mediation_gateway', 'mediation_gateway_sfb_certificate_type', 'Default') == []
    assert only('mediation_gateway', 'mediation_gateway_ocs_wmi_namespace', 'root\\cimv2') == []
    assert only('mediation_gateway', 'mediation_gateway_ocs_wmi_namespace', "root\\cimv2'") == [
        "'root\\cimv2''' is not a WMI namespace: parts of letters, digits and \"_\" separated by \"\\\" or \"/\" (such "
        'as root\\cimv2), at most 255 characters']
    assert only('mediation_gateway', 'mediation_gateway_ocs_transport_values', {'tls': 'TLS', 'tcp': 2}) == []
    assert only('mediation_gateway', 'mediation_gateway_ocs_encryption_levels', {'required': 'Require Encryption'}) == [
        "required: 'Require Encryption' is not a word of letters, digits and \"_\", starting with a letter, at most 64 "
        "characters, or an integer from 0 to 4294967295"]


def test_numbers_of_the_gateway():
    assert only('mediation_gateway', 'mediation_gateway_children', 0) == ['0 is not an integer from 1 to 1024']
    assert only('mediation_gateway', 'mediation_gateway_shm_mb', '64') == []
    assert only('mediation_gateway', 'mediation_gateway_tls_verify_depth', 4.5) == [
        'must be an integer from 1 to 100, found a number 4.5']


# ---------------------------------------------------------------------------------------------
# The media relay
# ---------------------------------------------------------------------------------------------

def test_relay_interfaces():
    assert only('media_relay', 'media_relay_interfaces', [{'name': 'internal', 'address': '127.0.0.3'},
                                                          {'name': 'trunk', 'address': '2001:db8::5'}]) == []
    assert only('media_relay', 'media_relay_interfaces', []) == ['must have at least 1 interface, found []']
    assert only('media_relay', 'media_relay_interfaces', [{'name': 'trunk', 'address': '::'}, {'name': 'x'}]) == [
        "interface 1 of 2: address: '::' is the wildcard address; name the address of the host this side uses "
        "(rtpengine relays each side from its own address)",
        'interface 2 of 2: address is required']
    assert only('media_relay', 'media_relay_interfaces', 'internal/127.0.0.3') == [
        "must be a list, found a string 'internal/127.0.0.3'"]


def test_the_relay_ng_socket_is_ipv4_as_the_role_pings_it():
    assert only('media_relay', 'media_relay_listen_ng', '127.0.0.1:2223') == []
    assert only('media_relay', 'media_relay_listen_ng', 'localhost:2223') == [
        "'localhost:2223' is not ADDRESS:PORT: an IPv4 address (the role pings the socket over IPv4), then \":\" and "
        "a port from 1 to 65535"]


def test_the_relay_port_range_and_log_level():
    assert messages('media_relay', {'media_relay_port_min': 40000, 'media_relay_port_max': 30000}) == [
        ('media_relay_port_min', '40000 is above media_relay_port_max (30000): the media port range is empty')]
    assert only('media_relay', 'media_relay_log_level', 8) == ['8 is not an integer from 0 to 7 (syslog levels)']


def test_relay_extra_options():
    assert only('media_relay', 'media_relay_extra_options', {'num-threads': 4, 'delete-delay': '30',
                                                             'recording-dir': '/var/spool/rtpengine'}) == []
    assert only('media_relay', 'media_relay_extra_options', {
        'interface': 'any', 'table': '0', 'dtls-passive': True, 'tos': 'a\\nb', 'x y': 1, 'timeout': '60\n[x]',
        'silent-timeout': float('inf')}) == [
        "'interface' is written by the role itself (set media_relay_interfaces instead)",
        "'table' is written by the role itself and cannot be set here",
        "value of dtls-passive: true is a boolean, which the template would write as True; write the rtpengine word "
        "as a string ('true')",
        "value of tos: 'a\\nb' is not " + role_inputs.RTPENGINE_VALUE_FORM,
        "'x y' is not an rtpengine.conf option name of letters, digits, \"_\" and \"-\", starting with a letter, at most "
        "64 characters",
        'value of timeout: "60\\n[x]" is not ' + role_inputs.RTPENGINE_VALUE_FORM,
        'value of silent-timeout: must be ' + role_inputs.RTPENGINE_VALUE_FORM + ', found a number .inf']
    assert only('media_relay', 'media_relay_extra_options', {'delete-delay': 1.5}) == [
        'value of delete-delay: must be ' + role_inputs.RTPENGINE_VALUE_FORM + ', found a number 1.5']


# ---------------------------------------------------------------------------------------------
# The SIP endpoint
# ---------------------------------------------------------------------------------------------

AOR_WORDS = 'is not ' + role_inputs.AOR_FORM


@pytest.mark.parametrize('value', ['sip:alice@lab.test', 'sip:carol@127.0.0.21', 'sip:bob@[2001:db8::1]:5062',
                                   'sip:lab.test', 'sip:a.b-c_d!~*\'()&=+$%41@x.example'])
def test_an_aor(value):
    assert only('sip_endpoint', 'sip_endpoint_aor', value) == []


@pytest.mark.parametrize('value', ['sip:alice@lab.test;transport=udp', 'sip:alice:secret@lab.test', 'sips:alice@lab.test',
                                   'sip:alice@lab.test?x=y', 'alice@lab.test', 'sip:"a"@lab.test', 'sip:<a>@lab.test',
                                   'sip:alice@lab.test\n', 'sip:a@b@lab.test', 'sip:alice@::1', 'sip:alice@lab.test:0',
                                   'sip:alice@-lab.test', 'sip:%zz@lab.test', 'sip:alice@[lab.test]', 'sip:a,b@lab.test'])
def test_anything_else_is_not_an_aor(value):
    assert only('sip_endpoint', 'sip_endpoint_aor', value) == ['%s %s' % (role_inputs.describe.show(value), AOR_WORDS)]


def test_a_display_name():
    assert only('sip_endpoint', 'sip_endpoint_display_name', "Alice O'Brien (lab)") == []
    assert only('sip_endpoint', 'sip_endpoint_display_name', '') == []
    for bad in ['A "B"', 'a\\b', 'a\nb', '<sip:x@y>', 'a\u2028b', 'x' * 129]:
        assert only('sip_endpoint', 'sip_endpoint_display_name', bad) == [
            '%s is not %s' % (role_inputs.describe.show(bad), role_inputs.DISPLAY_NAME_FORM)]


def test_the_proxy():
    assert only('sip_endpoint', 'sip_endpoint_proxy', {'address': 'sbc.lab.test'}) == []
    assert only('sip_endpoint', 'sip_endpoint_proxy', {'address': '127.0.0.10;lr', 'port': 70000}) == [
        "address: '127.0.0.10;lr' " + HOST_WORDS, 'port: 70000 is not an integer from 1 to 65535']


def test_the_listen_port_leaves_room_for_tls():
    assert only('sip_endpoint', 'sip_endpoint_listen_port', 65534) == []
    assert only('sip_endpoint', 'sip_endpoint_listen_port', 65535) == [
        '65535 is not an integer from 1 to 65534 (baresip listens for TLS on the port + 1)']


@pytest.mark.parametrize('value', ['127.0.0.1:4444', '127.9.8.7:1', '[::1]:4444', '[::ffff:127.0.0.1]:4444'])
def test_a_control_socket_on_loopback(value):
    assert messages('sip_endpoint', {'sip_endpoint_control_listen': value}) == []
    assert role_inputs.check('sip_endpoint', {'sip_endpoint_control_listen': value})['warnings'] == []


@pytest.mark.parametrize('value', ['0.0.0.0:4444', '192.0.2.5:4444', '[::]:4444', '[2001:db8::5]:4444'])
def test_a_control_socket_off_loopback_is_refused(value):
    assert messages('sip_endpoint', {'sip_endpoint_control_listen': value}) == [(
        'sip_endpoint_control_listen',
        "'%s' is not a loopback address (127.0.0.0/8 or [::1]): baresip's control socket (ctrl_tcp) has no "
        "authentication; keep it on loopback, or set sip_endpoint_control_allow_remote: true to expose it knowingly"
        % value)]
    assert messages('sip_endpoint', {'sip_endpoint_control_listen': value,
                                     'sip_endpoint_control_allow_remote': False}) != []


@pytest.mark.parametrize('allow', [True, 'true', 'yes'])
def test_a_control_socket_off_loopback_is_allowed_knowingly_with_a_warning(allow):
    found = role_inputs.check('sip_endpoint', {'sip_endpoint_control_listen': '0.0.0.0:4444',
                                               'sip_endpoint_control_allow_remote': allow})
    assert found == {'problems': [], 'warnings': [
        "sip_endpoint_control_listen is '0.0.0.0:4444', not a loopback address: baresip's control socket (ctrl_tcp) "
        "has no authentication, so whoever reaches it can place and take calls as this endpoint (allowed by "
        "sip_endpoint_control_allow_remote: true)"]}


@pytest.mark.parametrize('value', ['localhost:4444', '127.0.0.1', '127.0.0.1:0', '::1:4444', '127.0.0.1:4444\n'])
def test_a_control_socket_is_an_address_and_a_port(value):
    assert only('sip_endpoint', 'sip_endpoint_control_listen', value) == [
        '%s is not %s' % (role_inputs.describe.show(value), role_inputs.CONTROL_LISTEN_FORM)]


def test_the_allow_remote_switch_is_a_boolean():
    assert only('sip_endpoint', 'sip_endpoint_control_allow_remote', 'maybe') == [
        "must be true or false, found a string 'maybe'"]


def test_audio_codecs_modules_ports():
    assert only('sip_endpoint', 'sip_endpoint_audio_source', 'alsa,plughw:CARD=PCH,DEV=0') == []
    assert only('sip_endpoint', 'sip_endpoint_audio_source', 'alsa,default\nmodule x.so') == [
        '"alsa,default\\nmodule x.so" is not ' + role_inputs.AUDIO_DEVICE_FORM]
    assert only('sip_endpoint', 'sip_endpoint_audio_codecs', ['opus/48000/2', 'pcmu']) == []
    assert only('sip_endpoint', 'sip_endpoint_audio_codecs', ['pcmu;mediaenc=none']) == [
        "codec 1 of 1: 'pcmu;mediaenc=none' is not " + role_inputs.CODEC_FORM]
    assert only('sip_endpoint', 'sip_endpoint_extra_modules', ['stun', '../x']) == [
        "module 2 of 2: '../x' is not " + role_inputs.MODULE_NAME_FORM]
    assert only('sip_endpoint', 'sip_endpoint_rtp_ports', '10000-20000') == []
    assert only('sip_endpoint', 'sip_endpoint_rtp_ports', '20000-10000') == [
        "'20000-10000' is not MIN-MAX, two ports from 1 to 65535 with MIN not above MAX (such as 10000-20000)"]
    assert only('sip_endpoint', 'sip_endpoint_tone_hz', 0) == ['0 is not an integer from 1 to 24000 (Hz)']
    assert only('sip_endpoint', 'sip_endpoint_ca_file', '') == []


def test_extra_config_cannot_override_the_role():
    assert only('sip_endpoint', 'sip_endpoint_extra_config', {'sip_verify_server': 'yes', 'jitter_buffer_type': 'adaptive',
                                                              'call_max_calls_x': 4}) == []
    assert only('sip_endpoint', 'sip_endpoint_extra_config', {'sip_trans_def': 'tls tcp', 'x': 'é' * 128}) == [
        "value of sip_trans_def: 'tls tcp' is not " + role_inputs.BARESIP_VALUE_FORM,
        "value of x: '" + 'é' * 80 + "'... (128 characters) is not " + role_inputs.BARESIP_VALUE_FORM]
    assert only('sip_endpoint', 'sip_endpoint_extra_config', {'ctrl_tcp_listen': '0.0.0.0:4444', 'module': 'x.so',
                                                              'sip_verify_server': False}) == [
        "'ctrl_tcp_listen' is written by the role itself (set sip_endpoint_control_listen instead)",
        "'module' is written by the role itself (set sip_endpoint_extra_modules instead)",
        "value of sip_verify_server: false is a boolean, which the template would write as False; write the baresip "
        "word as a string ('no')"]


# ---------------------------------------------------------------------------------------------
# The service instance
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('command', [
    '/usr/sbin/kamailio -DD -E -f /etc/kamailio/gateway/kamailio.cfg -m 64 -M 8 -P /run/kamailio-gateway/kamailio.pid',
    '/usr/bin/rtpengine --config-file=/etc/rtpengine/media/rtpengine.conf --config-section=rtpengine',
    '/usr/bin/baresip -f /etc/baresip/endpoint',
])
def test_the_roles_own_command_lines_are_commands(command):
    assert only('service_instance', 'service_instance_command', command) == []


@pytest.mark.parametrize('command', ['kamailio -f x', '/bin/sh -c "id"', '/bin/echo $HOME', '/bin/echo %n',
                                     '/bin/true; /bin/id', '/bin/true\n/bin/id', '/bin/true ; x', '/../bin/sh'])
def test_anything_else_is_not_a_command(command):
    assert only('service_instance', 'service_instance_command', command) == [
        '%s is not %s' % (role_inputs.describe.show(command), role_inputs.COMMAND_FORM)]


def test_service_name_description_log():
    assert only('service_instance', 'service_instance_name', 'kamailio-lab-gateway') == []
    assert only('service_instance', 'service_instance_name', 'x.service\n[Service]') == [
        '"x.service\\n[Service]" is not a name of letters, digits, "_", "." and "-", starting with a letter or a '
        'digit, at most 128 characters']
    assert only('service_instance', 'service_instance_description', 'Kamailio gateway side, instance gateway') == []
    for bad in ['100% %n', 'a "b"', 'a\\b', '', 'a\nb', ' a', 'a ']:
        assert only('service_instance', 'service_instance_description', bad) == [
            "%s is not printable text on one line without '\"', \"%%\" or \"\\\", not starting or ending with a "
            "space, at most 256 characters" % role_inputs.describe.show(bad)]
    assert only('service_instance', 'service_instance_log', '/var/log/%(ENV_X)s.log') == [
        "'/var/log/%(ENV_X)s.log' " + PATH_WORDS]


# ---------------------------------------------------------------------------------------------
# Unknown variables, and the interface itself
# ---------------------------------------------------------------------------------------------

def test_a_misspelled_variable_is_named_with_the_closest_input():
    found = role_inputs.unknown_inputs('mediation_gateway', [
        'mediation_gateway_platfrom', 'mediation_gateway_platform', 'mediation_gateway_settings', 'sip_trunks',
        'mediation_gateway_rtpengine_known_suites', 'mediation_gateway_zzz', '_mediation_gateway_desired'])
    assert found == [
        {'name': 'mediation_gateway_platfrom', 'suggestion': 'mediation_gateway_platform',
         'message': 'mediation_gateway_platfrom is not an input of voip.trunk_security.mediation_gateway '
                    '(did you mean mediation_gateway_platform?)'},
        {'name': 'mediation_gateway_zzz', 'suggestion': None,
         'message': 'mediation_gateway_zzz is not an input of voip.trunk_security.mediation_gateway'}]


@pytest.mark.parametrize('role, outputs', sorted(role_inputs.ROLE_OUTPUTS.items()))
def test_what_a_role_sets_is_not_warned_about(role, outputs):
    assert role_inputs.unknown_inputs(role, list(outputs) + list(role_inputs.INPUTS[role])) == []


def test_other_prefixes_are_not_mine():
    assert role_inputs.unknown_inputs('media_relay', ['mediation_gateway_platfrom', 'media_relay_intrefaces']) == [
        {'name': 'media_relay_intrefaces', 'suggestion': 'media_relay_interfaces',
         'message': 'media_relay_intrefaces is not an input of voip.trunk_security.media_relay '
                    '(did you mean media_relay_interfaces?)'}]


def test_problems_carry_field_message_and_value():
    assert validate('sip_endpoint', {'sip_endpoint_aor': 'sip:a;b@c', 'sip_endpoint_tone_hz': 440,
                                     'not_mine': object()}) == [
        {'field': 'sip_endpoint_aor', 'value': 'sip:a;b@c', 'message': "'sip:a;b@c' " + AOR_WORDS}]
    assert role_inputs.refusal('sip_endpoint', validate('sip_endpoint', {'sip_endpoint_tone_hz': -1})) == (
        'voip.trunk_security.sip_endpoint refuses its inputs, before anything changed: '
        'sip_endpoint_tone_hz: -1 is not an integer from 1 to 24000 (Hz)')


def test_a_wrong_role_or_values_is_a_problem_not_an_exception():
    assert validate('kamailio', {}) == [{
        'field': 'role', 'value': 'kamailio',
        'message': "must be one of mediation_gateway, media_relay, sip_endpoint, service_instance, found a string "
                   "'kamailio'"}]
    assert validate(['sip_endpoint'], {})[0]['field'] == 'role'
    assert validate('sip_endpoint', None) == [{'field': 'values', 'value': None,
                                               'message': 'must be a mapping of variable names to values, found null'}]


def _nested(depth):
    value = 'x'
    for level in range(depth):
        value = {'a%d' % (level % 2): [value]}
    return value


HOSTILE_TEXT = st.one_of(
    st.text(max_size=50),
    st.sampled_from(['\n', '"', "'", '\\', ';', '#', '$(id)', '{{ x }}', '\0', '\u2028', '\u2029', 'x' * 10000,
                     '%n', '[server:default]', '\r\nlisten=udp:0.0.0.0:5060']),
)
ANY_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), HOSTILE_TEXT,
              st.builds(pow, st.just(10), st.just(5000)), st.just(float('nan'))),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(HOSTILE_TEXT, children, max_size=4)),
    max_leaves=12)


@hsettings(max_examples=300, deadline=None)
@given(role=st.sampled_from(role_inputs.ROLES), data=st.data())
def test_validate_never_raises_and_its_problems_are_json(role, data):
    names = st.sampled_from(role_inputs.INPUTS[role])
    values = data.draw(st.dictionaries(names, ANY_VALUE, max_size=6))
    problems = validate(role, values)
    json.dumps(problems, allow_nan=False)
    for problem in problems:
        assert set(problem) == {'field', 'message', 'value'}
        assert problem['field'] in values or problem['field'] == role
        assert '\n' not in problem['message'] and len(problem['message']) < 4000


@pytest.mark.parametrize('value', [_nested(2000), 10 ** 5000, float('nan'), b'\xff', object(), {1: 2}, ('a',) * 100000],
                         ids=['nested-2000', 'huge-integer', 'nan', 'bytes', 'object', 'integer-key', 'long-tuple'])
def test_validate_never_raises_on_deep_huge_or_odd_values(value):
    for role in role_inputs.ROLES:
        values = dict((name, value) for name in role_inputs.INPUTS[role])
        problems = validate(role, values)
        json.dumps(problems, allow_nan=False)


@hsettings(max_examples=200, deadline=None)
@given(text=HOSTILE_TEXT)
def test_a_value_the_grammar_accepts_has_no_line_break_quote_or_control_character(text):
    """Whatever string passes a grammar, it cannot end a line or a quoted string in any target file."""
    for role in role_inputs.ROLES:
        for name in role_inputs.INPUTS[role]:
            # (an AudioCodes password and CA bundle path reach no file: uri's HTTP Basic header and ca_path)
            if name in ('mediation_gateway_trunks', 'sip_endpoint_trunk', 'mediation_gateway_observed',
                        'mediation_gateway_render_dir', 'mediation_gateway_audiocodes_password',
                        'mediation_gateway_audiocodes_ca_path'):
                continue
            if not validate(role, {name: text}) and text:
                assert text.isprintable() and '"' not in text, (name, text)
                # a WMI namespace is root\cimv2: its backslash only ever stands in a PowerShell single-quoted
                # string, where it means itself
                assert '\\' not in text or name == 'mediation_gateway_ocs_wmi_namespace', (name, text)
