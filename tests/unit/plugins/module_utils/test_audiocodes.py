# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The AudioCodes Mediant platform: quoting, the mapping of the neutral settings to ini rows, the rendered files
(goldens and their structure), the ini parser, and drift against device inis written for the tests.

The tests' host is tests/unit/golden/audiocodes/host_vars.yml (the example inventory's trunks, one made optional
and one without mutual TLS). Goldens live in tests/unit/golden/audiocodes/: incremental-FIRMWARE.ini and
cli-FIRMWARE.txt; regenerate them after a deliberate change with UPDATE_GOLDEN=1, review the diff, commit it.
The device inis in tests/unit/recorded/audiocodes/ are written for the tests (each file says so), not dumped by a
device: what they prove is agreement with the documented format, not with a device.
"""

from __future__ import annotations

import copy
import os
import re
import ssl
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from ansible.errors import AnsibleFilterError
from ansible_collections.voip.trunk_security.plugins.filter.audiocodes_quote import audiocodes_quote
from ansible_collections.voip.trunk_security.plugins.module_utils import config_sections, describe, gateway
from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, audiocodes as quote
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import PlatformError
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import audiocodes as ac

UNIT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(UNIT))
import parsers_audiocodes as parsers  # noqa: E402  (tests/unit/parsers_audiocodes.py)
import template_env  # noqa: E402  (tests/unit/template_env.py: the role's templates rendered as Ansible does)

REPO = UNIT.parents[1]
GOLDEN = UNIT / 'golden' / 'audiocodes'
RECORDED = UNIT / 'recorded' / 'audiocodes'
UPDATE = os.environ.get('UPDATE_GOLDEN') == '1'
HOST = 'sbc01.example.net'
FIRMWARES = ['7.2', '7.4']
HOST_VARS = yaml.safe_load((GOLDEN / 'host_vars.yml').read_text())
SETTINGS = gateway.settings_all(HOST_VARS['sip_trunks'])


def options(firmware='7.4', mode='rendered', **extra):
    found = {'host': HOST, 'firmware': firmware, 'mode': mode,
             'index_base': HOST_VARS['mediation_gateway_audiocodes_index_base']}
    if mode == 'rendered':
        found['network_interfaces'] = HOST_VARS['mediation_gateway_audiocodes_network_interfaces']
    found.update(extra)
    return found


def desired(firmware='7.4', mode='rendered', settings_list=None, **extra):
    return ac.desired(SETTINGS if settings_list is None else settings_list, options(firmware, mode, **extra))


#: The recorded inis whose device writes CRLF line ends (the 7.2 ones): kept with LF in the repository, as every
#: text file of the collection is, and given their CRLF here.
CRLF = ('device-7.2-base.ini', 'device-7.2-unchanged.ini')


def recorded(name):
    with open(RECORDED / name, newline='') as handle:
        text = handle.read()
    return text.replace('\n', '\r\n') if name in CRLF else text


def render(template, data):
    return template_env.render('mediation_gateway', 'audiocodes/%s.j2' % template,
                               {'_mediation_gateway_sbc_desired': data})


def golden(path, text):
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.is_file(), '%s is missing: run the tests with UPDATE_GOLDEN=1 and review it' % path
    assert text == path.read_text(), '%s differs from what renders now (UPDATE_GOLDEN=1 regenerates it)' % path


def trunk_of(data, name):
    return next(trunk for trunk in data['trunks'] if trunk['name'] == name)


def owned(data, name, table):
    obj = next((obj for obj in trunk_of(data, name)['objects'] if obj['table'] == table), None)
    return None if obj is None else dict((column, cell['value']) for column, cell in obj['owned'].items())


def result_of(found, name):
    return next(trunk for trunk in found['trunks'] if trunk['name'] == name)


def row(parsed, table, name_column, name):
    table_data = ac._table(parsed, table)
    for entry in table_data['rows']:
        if ac._text(ac._value(table_data, entry, name_column)) == name:
            return dict(zip(table_data['columns'], (ac._text(cell) for cell in entry['cells']))), entry['index']
    return None, None


# ---------------------------------------------------------------------------------------------
# Quoting
# ---------------------------------------------------------------------------------------------

def test_an_ini_string_carries_commas_and_semicolons_and_reads_back():
    value = "Header.Privacy contains ';', or 00[33,96]"
    written = quote(value, 'string')
    assert written == '"%s"' % value
    parsed = ac.parse('[ T ]\nFORMAT Index = A, B;\nT 0 = %s, 1;\n[ \\T ]\n' % written)
    assert parsed['tables'][0]['rows'][0]['cells'][0] == {'kind': 'string', 'value': value}


@pytest.mark.parametrize('value', ['a"b', 'a\nb', 'a\rb', 'caf\u00e9', ' lead', 'trail ', '$$', 'a\u202eb', 'a\x00b',
                                   True, None, 1.5, ['a']])
def test_an_ini_string_refuses_what_the_format_cannot_carry_naming_the_value(value):
    with pytest.raises(QuoteError) as error:
        quote(value, 'string')
    assert describe.show(value) in str(error.value)
    with pytest.raises(AnsibleFilterError):
        audiocodes_quote(value, 'string')


@pytest.mark.parametrize('value', ['a b', 'a"b', 'a;b', 'a#b', 'a!b', 'a\\b', "a'b", 'x' * 256])
def test_a_cli_string_refuses_every_character_outside_its_set(value):
    with pytest.raises(QuoteError) as error:
        quote(value, 'cli_string')
    assert describe.show(value) in str(error.value)


def test_cells_tokens_and_cli_words():
    assert quote({'kind': 'int', 'value': -1}, 'cell') == '-1'
    assert quote({'kind': 'ip', 'value': '2001:0db8::0001'}, 'cell') == '2001:db8::1'
    assert quote({'kind': 'default', 'value': None}, 'cell') == '$$'
    assert quote({'kind': 'kept', 'value': ' Teams \u00e9; x'}, 'cell') == '" Teams \u00e9; x"'
    assert quote({'kind': 'bare', 'value': 'a/b:c'}, 'cell') == 'a/b:c'
    assert quote('12/0', 'cli_index') == '12/0'
    assert quote('media-security-enable', 'cli_word') == 'media-security-enable'
    for value, kind in [({'kind': 'kept', 'value': 'a"b'}, 'cell'), ({'kind': 'bare', 'value': 'a,b'}, 'cell'),
                        ({'kind': 'sql', 'value': 'x'}, 'cell'), ({'kind': 'default', 'value': 'x'}, 'cell'),
                        ('Name;', 'name'), ('1/2/3', 'cli_index'), ('Srtp', 'cli_word'), (2 ** 31, 'int'),
                        ('x', 'no-such-kind')]:
        with pytest.raises(QuoteError):
            quote(value, kind)


# ---------------------------------------------------------------------------------------------
# The mapping
# ---------------------------------------------------------------------------------------------

def test_a_tls_trunk_with_srtp_required_on_7_4():
    data = desired('7.4')
    assert owned(data, 'par-mpls-office-lan', 'TLSContexts') == {
        'Name': 'par-mpls-office-lan', 'TLSVersion': 12,
        'ServerCipherString': ac.CIPHERS_TLS12, 'ClientCipherString': ac.CIPHERS_TLS12,
        'ServerCipherTLS13String': ac.CIPHERS_TLS13, 'ClientCipherTLS13String': ac.CIPHERS_TLS13}
    assert owned(data, 'par-mpls-office-lan', 'SIPInterface') == {
        'InterfaceName': 'par-mpls-office-lan', 'NetworkInterface': 'Par-LAN', 'ApplicationType': 2,
        'UDPPort': 0, 'TCPPort': 0, 'TLSPort': 5067, 'SRDName': 'DefaultSRD', 'TLSContext': 'par-mpls-office-lan',
        'TLSMutualAuthentication': 1}
    assert owned(data, 'par-mpls-office-lan', 'ProxySet') == {
        'ProxyName': 'par-mpls-office-lan', 'SRDName': 'DefaultSRD', 'TLSContextName': 'par-mpls-office-lan',
        'SBCIPv4SIPInterfaceName': 'par-mpls-office-lan', 'SBCIPv6SIPInterfaceName': ''}
    proxy_set_index = next(obj['index'] for obj in trunk_of(data, 'par-mpls-office-lan')['objects']
                           if obj['table'] == 'ProxySet')
    assert owned(data, 'par-mpls-office-lan', 'ProxyIp') == {
        'ProxySetId': '%d' % proxy_set_index, 'ProxyIpIndex': 0, 'IpAddress': 'sip.contoso.example:5061',
        'TransportType': 2}
    assert owned(data, 'par-mpls-office-lan', 'IpProfile') == {
        'ProfileName': 'par-mpls-office-lan', 'SBCMediaSecurityBehaviour': 1}
    assert owned(data, 'par-mpls-office-lan', 'IPGroup') == {
        'Type': 0, 'Name': 'par-mpls-office-lan', 'ProxySetName': 'par-mpls-office-lan', 'SRDName': 'DefaultSRD',
        'ProfileName': 'par-mpls-office-lan'}
    assert data['media_security'] is True
    assert data['ini']['params'] == [{'section': 'Voice Engine Params', 'name': 'EnableMediaSecurity',
                                      'cell': {'kind': 'int', 'value': 1}}]


def test_7_2_is_tls_1_2_only_without_tls_1_3_columns():
    tls = owned(desired('7.2'), 'par-mpls-office-lan', 'TLSContexts')
    assert tls['TLSVersion'] == 4 and 'ServerCipherTLS13String' not in tls
    assert 'ServerCipherTLS13String' not in desired('7.2')['columns']['TLSContexts']


def test_srtp_modes_transports_and_mutual_tls():
    data = desired()
    behaviour = dict((name, owned(data, name, 'IpProfile')['SBCMediaSecurityBehaviour'])
                     for name in ('par-mpls-office-lan', 'par-vpn-strong', 'par-mpls-private'))
    assert behaviour == {'par-mpls-office-lan': 1, 'par-vpn-strong': 3, 'par-mpls-private': 2}
    tcp = owned(data, 'par-mpls-private', 'SIPInterface')
    assert (tcp['UDPPort'], tcp['TCPPort'], tcp['TLSPort'], tcp['TLSContext'], tcp['TLSMutualAuthentication']) \
        == (0, 5068, 0, '', 0)
    assert owned(data, 'par-mpls-private', 'TLSContexts') is None
    assert owned(data, 'par-mpls-private', 'ProxyIp')['IpAddress'] == 'sip.contoso.example:5060'
    assert owned(data, 'par-mpls-private', 'ProxyIp')['TransportType'] == 1
    assert owned(data, 'lon-public-primary', 'SIPInterface')['TLSMutualAuthentication'] == 0


def test_enable_media_security_only_when_a_trunk_uses_srtp():
    plain = [s for s in SETTINGS if s['srtp_mode'] == 'disabled']
    data = desired(settings_list=plain)
    assert data['media_security'] is False and data['ini']['params'] == []
    assert 'EnableMediaSecurity' not in render('incremental.ini', data)
    assert 'media-security-enable' not in render('cli.txt', data)


def test_the_tls_1_2_suites_are_those_of_the_kamailio_platform():
    defaults = yaml.safe_load((REPO / 'roles' / 'mediation_gateway' / 'defaults' / 'main.yml').read_text())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_ciphers(defaults['mediation_gateway_tls_cipher_list'])
    kamailio = set(c['name'] for c in context.get_ciphers() if c['protocol'] == 'TLSv1.2')
    assert set(ac.CIPHERS_TLS12.split(':')) == kamailio
    for cipher in context.get_ciphers():
        if cipher['name'] in kamailio:
            assert cipher['aead'] and cipher['kea'] == 'kx-ecdhe'
    assert set(ac.CIPHERS_TLS13.split(':')) == set(c['name'] for c in context.get_ciphers()
                                                   if c['protocol'] == 'TLSv1.3')


def test_ipv6_listener_and_next_hop():
    settings_list = copy.deepcopy([s for s in SETTINGS if s['name'] == 'par-vpn-strong'])
    settings_list[0]['listen']['address'] = '2001:db8::4'
    settings_list[0]['next_hop']['address'] = '2001:db8:0::7'
    data = ac.desired(settings_list, options(network_interfaces={'2001:db8::4': 'WAN6'}))
    assert owned(data, 'par-vpn-strong', 'ProxySet')['SBCIPv6SIPInterfaceName'] == 'par-vpn-strong'
    assert owned(data, 'par-vpn-strong', 'ProxySet')['SBCIPv4SIPInterfaceName'] == ''
    assert owned(data, 'par-vpn-strong', 'ProxyIp')['IpAddress'] == '[2001:db8::7]:5061'


def test_a_server_name_other_than_the_proxy_address_is_a_note():
    settings_list = copy.deepcopy([s for s in SETTINGS if s['name'] == 'par-vpn-strong'])
    settings_list[0]['next_hop']['server_name'] = 'certs.litware.example'
    note = trunk_of(ac.desired(settings_list, options()), 'par-vpn-strong')['notes'][-1]
    assert 'certs.litware.example' in note and 'TLSRemoteSubjectName' in note


def test_the_report_says_per_trunk_what_its_rows_hold():
    line = next(line for line in desired()['report'] if line.startswith('par-mpls-private:'))
    assert 'SIPInterface 10 (TCP port 5068 on 10.30.0.4, no UDP or TLS port)' in line
    assert 'IpProfile 10 (SRTP disabled: SBCMediaSecurityBehaviour 2)' in line


def _trunks_with(**changes):
    """The tests' sip_trunks with ``changes`` (trunk name -> gateway keys) applied, as neutral settings."""
    trunks = copy.deepcopy(HOST_VARS['sip_trunks'])
    for trunk in trunks:
        trunk['gateway'].update(changes.get(trunk['name'].replace('-', '_'), {}))
    return gateway.settings_all(trunks)


def test_two_trunks_on_one_listener_are_refused_naming_both_the_address_the_port_and_the_fix():
    # gateway.py gives every TLS trunk port 5067: two TLS trunks on one address collide unless one has a tls_port
    settings_list = _trunks_with(lon_public_primary={'address': '10.30.8.4'})
    for mode in ('rendered', 'rest'):
        with pytest.raises(PlatformError) as error:
            desired('7.4', mode, settings_list=settings_list)
        message = str(error.value)
        assert 'trunks par-mpls-office-lan and lon-public-primary both listen on 10.30.8.4 port 5067' in message
        assert 'gateway.tls_port' in message and 'gateway.tcp_port' in message
    # a TCP trunk on the port of a TLS trunk of the same address: both are TCP sockets
    settings_list = _trunks_with(par_vpn_tcp={'address': '10.30.8.4', 'tcp_port': 5067})
    with pytest.raises(PlatformError) as error:
        desired('7.4', 'rest', settings_list=settings_list)
    assert 'trunks par-mpls-office-lan and par-vpn-tcp both listen on 10.30.8.4 port 5067' in str(error.value)
    # a port of its own is the fix
    data = desired('7.4', 'rest', settings_list=_trunks_with(lon_public_primary={'address': '10.30.8.4',
                                                                                 'tls_port': 5069}))
    assert owned(data, 'lon-public-primary', 'SIPInterface')['TLSPort'] == 5069


# ---------------------------------------------------------------------------------------------
# Names, indexes and options
# ---------------------------------------------------------------------------------------------

def test_names_derive_from_the_trunk_name_with_prefix_or_override():
    data = desired(name_prefix='x', trunks={'par-vpn-tcp': {'name': 'adatum'}})
    assert trunk_of(data, 'par-mpls-office-lan')['object_name'] == 'xpar-mpls-office-lan'
    assert owned(data, 'par-vpn-tcp', 'IPGroup')['Name'] == 'xadatum'


def test_a_name_too_long_is_refused_naming_trunk_name_and_limit():
    with pytest.raises(PlatformError) as error:
        desired(name_prefix='acme-')
    message = str(error.value)
    assert "trunk par-mpls-private: the AudioCodes object name 'acme-par-mpls-private' is 21 characters" in message
    assert 'kept to 20' in message and 'mediation_gateway_audiocodes_trunks[par-mpls-private].name' in message


@pytest.mark.parametrize('extra, words', [
    ({'trunks': {'par-vpn-tcp': {'name': 'a b'}}}, "name 'a b' must be letters"),
    ({'trunks': {'par-vpn-tcp': {'name': 'x'}, 'par-mpls-private': {'name': 'X'}}}, 'would name their AudioCodes'),
    ({'trunks': {'nope': {'name': 'x'}}}, "names 'nope', not a trunk of this host"),
    ({'trunks': {'par-vpn-tcp': {'index': 3}}}, "has 'index'; it may have name, indexes, network_interface"),
    ({'trunks': {'par-vpn-tcp': {'indexes': {'IPGroup': 10}}, 'par-mpls-private': {'indexes': {'IPGroup': 10}}}},
     'indexes.IPGroup is 10, a row already in use'),
    ({'firmware': '7.0'}, "firmware is '7.0'"),
    ({'mode': 'ssh'}, "mode is 'ssh'"),
    ({'srd': 'a"b'}, 'mediation_gateway_audiocodes_srd'),
    ({'index_base': -1}, 'index_base is -1'),
    ({'index_base': {'Nope': 1}}, "index_base names 'Nope'"),
    ({'colour': 'blue'}, "unknown AudioCodes option 'colour'"),
    ({'network_interfaces': {}},
     'trunk par-mpls-private: no network interface is known for its listen address \'10.30.0.4\''),
    ({'network_interfaces': {'10.30.0.4': 'WAN;x'}}, 'mediation_gateway_audiocodes_network_interfaces[10.30.0.4]'),
])
def test_options_and_overrides_are_checked(extra, words):
    with pytest.raises(PlatformError) as error:
        desired(**extra)
    assert words in str(error.value)


def test_device_names_with_spaces_in_rest_mode_only():
    data = desired('7.4', 'rest', srd='Customer SRD', network_interfaces={'10.30.0.4': 'Par MPLS'})
    assert owned(data, 'par-mpls-private', 'SIPInterface')['NetworkInterface'] == 'Par MPLS'
    with pytest.raises(PlatformError) as error:
        desired('7.4', 'rendered', srd='Customer SRD')
    assert "cannot hold 'Customer SRD'" in str(error.value)


def test_firmware_given_as_a_yaml_number():
    assert desired(firmware=7.2)['firmware'] == '7.2'


def test_indexes_from_the_base_and_per_trunk_overrides():
    data = desired(index_base={'TLSContexts': 5},
                   trunks={'par-vpn-strong': {'indexes': {'IPGroup': 3, 'TLSContexts': 5}}})
    index = dict((trunk['name'], dict((obj['table'], obj['index']) for obj in trunk['objects']))
                 for trunk in data['trunks'])
    assert index['par-vpn-strong']['IPGroup'] == 3 and index['par-vpn-strong']['TLSContexts'] == 5
    assert index['par-mpls-office-lan']['TLSContexts'] == 6          # 5 is taken by the override
    assert index['par-mpls-private']['IPGroup'] == 1                 # the base of the other tables stays 1


# ---------------------------------------------------------------------------------------------
# The rendered files: goldens, the template is the Python, structure
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('firmware', FIRMWARES)
@pytest.mark.parametrize('template, name', [('incremental.ini', 'incremental-%s.ini'), ('cli.txt', 'cli-%s.txt')])
def test_rendered_files_match_their_golden(firmware, template, name):
    golden(GOLDEN / (name % firmware), render(template, desired(firmware)))


@pytest.mark.parametrize('firmware', FIRMWARES)
def test_the_templates_write_exactly_the_lines_python_writes(firmware):
    data = desired(firmware)
    assert render('incremental.ini', data) == '\n'.join(ac.ini_lines(data['ini'])) + '\n'
    assert render('cli.txt', data) == '\n'.join(ac.cli_lines(data['cli'])) + '\n'


@pytest.mark.parametrize('firmware', FIRMWARES)
def test_the_ini_structure(firmware):
    text = render('incremental.ini', desired(firmware))
    structure = parsers.audiocodes_ini_structure(text)
    tables = parsers.ini_tables(structure)
    assert tables == list(parsers.DEPENDENCY_ORDER)
    columns = dict((entry[1], entry[2]) for entry in structure if entry[0] == 'table')
    for entry in structure:
        if entry[0] == 'row':
            assert len(entry[3]) == len(columns[entry[1]])
    assert columns == dict((table, tuple(cols)) for table, cols in ac.COLUMNS[firmware].items())
    # each trunk's rows between its markers, once per table it has a row in
    markers = text.split('\n')
    assert markers.count('; #@trunk par-mpls-office-lan') == 6 and markers.count('; #@trunk par-mpls-private') == 5
    assert len([entry for entry in structure if entry[0] == 'trunk']) == markers.count('; #@end')
    # every reference names a row of the same file, in a table before the one referring to it
    parsed = ac.parse(text)
    names = dict((table, set(ac._text(ac._value(ac._table(parsed, table), r, ac.NAME_COLUMNS[table]))
                             for r in ac._table(parsed, table)['rows'])) for table in ac.NAME_COLUMNS)
    references = [('SIPInterface', 'TLSContext', 'TLSContexts'), ('ProxySet', 'TLSContextName', 'TLSContexts'),
                  ('ProxySet', 'SBCIPv4SIPInterfaceName', 'SIPInterface'), ('IPGroup', 'ProxySetName', 'ProxySet'),
                  ('IPGroup', 'ProfileName', 'IpProfile')]
    for table, column, target in references:
        assert tables.index(target) < tables.index(table)
        for entry in ac._table(parsed, table)['rows']:
            value = ac._text(ac._value(ac._table(parsed, table), entry, column))
            assert value == '' or value in names[target], (table, column, value)
    proxy_sets = set('%d' % r['index'] for r in ac._table(parsed, 'ProxySet')['rows'])
    assert all(ac._text(ac._value(ac._table(parsed, 'ProxyIp'), r, 'ProxySetId')) in proxy_sets
               for r in ac._table(parsed, 'ProxyIp')['rows'])


@pytest.mark.parametrize('firmware', FIRMWARES)
def test_the_cli_structure(firmware):
    structure = parsers.audiocodes_cli_structure(render('cli.txt', desired(firmware)))
    modes = [entry for entry in structure if entry[0] == 'mode']
    assert modes == [('mode', 'configure network'), ('mode', 'configure voip')]
    rows = [entry[1] for entry in structure if entry[0] == 'row']
    assert rows.count('tls') == 4 and rows.count('ip-group') == 6 and rows.count('proxy-ip') == 6
    assert ('submode', 'media security') in structure
    assert structure.count(('activate',)) == len(rows) + 1
    assert structure.count(('exit',)) == len(rows) + 1 + 2


@pytest.mark.parametrize('text', [
    '[ T ]\nFORMAT Index = A, B;\n; #@trunk a\nT 0 = 1;\n; #@end\n[ \\T ]\n',            # a value short
    '[ T ]\nFORMAT Index = A;\n; #@trunk a\nT 0 = 1;\n; #@end\n',                        # not closed
    '[ T ]\nFORMAT Index = A;\nT 0 = 1;\n[ \\T ]\n',                                      # outside a marker
    '[ T ]\nFORMAT Index = A;\n; #@trunk a\nT 0 = "x"y;\n; #@end\n[ \\T ]\n',            # not an ini value
    '[ T ]\nFORMAT Index = A;\n; #@trunk a\nT 0 = 1;\n[ \\T ]\n',                         # marker left open
])
def test_the_ini_structure_parser_refuses_broken_files(text):
    with pytest.raises(parsers.StructureError):
        parsers.audiocodes_ini_structure(text)


@pytest.mark.parametrize('text', [
    'configure voip\n; #@trunk a\n ip-group 1\n  name "a"\n exit\n; #@end\nexit\n',            # not activated
    'configure voip\n; #@trunk a\n ip-group 1\n  activate\n  name "a"\n exit\n; #@end\nexit\n',  # set after
    'configure voip\n; #@trunk a\n ip-group 1\n  activate\n exit\n; #@end\n',                   # mode left open
    'configure voip\n ip-group 1\n  activate\n exit\nexit\n',                                   # outside a marker
    'configure voip\n; #@trunk a\n ip-group 1\n  name "a" x\n  activate\n exit\n; #@end\nexit\n',
])
def test_the_cli_structure_parser_refuses_broken_scripts(text):
    with pytest.raises(parsers.StructureError):
        parsers.audiocodes_cli_structure(text)


# ---------------------------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------------------------

FULL_INI = (
    '; a device\'s ini\r\n'
    '[SIP Params]\r\n'
    "SIPGATEWAYNAME = 'sbc.example.net'\r\n"
    "Languages = 'en-US', ''\r\n"
    '[Voice Engine Params]\r\n'
    'ENABLEMEDIASECURITY = 1   ; on\r\n'
    '[ TLSContexts ]\r\n'
    'FORMAT TLSContexts_Index = TLSContexts_Name, TLSContexts_TLSVersion, TLSContexts_OcspServerPrimary;\r\n'
    'TLSContexts 0 = "default", 4, 0.0.0.0;\r\n'
    '[ \\TLSContexts ]\r\n'
    '[MessageManipulations]\r\n'
    'FORMAT Index = ManipulationName, Condition, ActionValue, RowRole;\r\n'
    '; a comment inside a table\r\n'
    "MessageManipulations 1 = \"a, b\", \"Header.Privacy contains ';'\", $$, -1;  ; trailing comment\r\n"
    '[\\MessageManipulations]\r\n'
)


def test_parse_reads_both_format_forms_comments_quotes_params_and_end_marks():
    parsed = ac.parse(FULL_INI)
    assert [(p['section'], p['name'], p['raw']) for p in parsed['params']] == [
        ('SIP Params', 'SIPGATEWAYNAME', "'sbc.example.net'"), ('SIP Params', 'Languages', "'en-US', ''"),
        ('Voice Engine Params', 'ENABLEMEDIASECURITY', '1')]
    assert parsed['params'][2]['cell'] == {'kind': 'int', 'value': 1}
    contexts, manipulations = parsed['tables']
    assert contexts['prefixed'] and contexts['columns'] == ['Name', 'TLSVersion', 'OcspServerPrimary']
    assert contexts['rows'][0]['cells'] == [{'kind': 'string', 'value': 'default'}, {'kind': 'int', 'value': 4},
                                            {'kind': 'ip', 'value': '0.0.0.0'}]
    assert manipulations['rows'][0]['cells'] == [
        {'kind': 'string', 'value': 'a, b'}, {'kind': 'string', 'value': "Header.Privacy contains ';'"},
        {'kind': 'default', 'value': None}, {'kind': 'int', 'value': -1}]


@pytest.mark.parametrize('text, words', [
    ('[ T ]\nFORMAT Index = A, B;\nT 0 = 1;\n[ \\T ]\n', 'line 3'),
    ('[ T ]\nFORMAT Index = A;\nT 0 = 1;\n', 'ends inside table T'),
    ('[ T ]\nT 0 = 1;\n[ \\T ]\n', 'a row before the FORMAT line'),
    ('[ T ]\nFORMAT Index = A;\nT 0 = 1;\nT 0 = 2;\n[ \\T ]\n', 'row 0 of table T is given twice'),
    ('[ T ]\nFORMAT Index = A;\nU 0 = 1;\n[ \\T ]\n', 'not a row of table T'),
    ('[ T ]\nFORMAT Index = A;\nT 0 = "open;\n[ \\T ]\n', 'a quoted value is not closed'),
    ('[ T ]\nFORMAT Index = A;\nT 0 = 1\n[ \\T ]\n', 'a data line ends with ";"'),
    ('[ \\T ]\n', 'no table is open'),
    ('T 0 = 1;\n', 'neither a parameter'),
    ('[ T ]\nFORMAT T_Index = A;\n[ \\T ]\n', 'lacks the prefix T_'),
])
def test_parse_refuses_what_is_not_an_ini_file_naming_the_line(text, words):
    with pytest.raises(PlatformError) as error:
        ac.parse(text)
    assert words in str(error.value)


SECRET_ROW = 'WebUsers 0 = "Admin", "$1$c2VjcmV0LWFkbWlu", 3;'


@pytest.mark.parametrize('text', [
    '[ WebUsers ]\nFORMAT Index = Username, Password;\n%s\n[ \\WebUsers ]\n' % SECRET_ROW,        # a value too many
    '[ WebUsers ]\nFORMAT Index = Username, Password, Level;\n%s x\n[ \\WebUsers ]\n' % SECRET_ROW,  # after the ";"
    '[SNMP Params]\nSNMP ReadOnlyCommunity "$1$c2VjcmV0LWFkbWlu"\n',                         # not a parameter
])
def test_a_parse_error_names_the_line_and_the_reason_never_the_line(text):
    with pytest.raises(PlatformError) as error:
        ac.parse(text)
    message = str(error.value)
    assert re.match(r'the device ini, line \d+: ', message), message
    assert 'c2VjcmV0LWFkbWlu' not in message and 'Admin' not in message


def test_tables_the_role_does_not_read_are_parsed_leniently_by_drift():
    running = recorded('device-7.4-unchanged.ini')
    broken = ('[ WebUsers ]\nFORMAT Index = Username, Password;\n%s\nWebUsers 1 = "Ops", "$1$b3Bz";\n'
              '[ \\WebUsers ]\n\n[ SNMPUsers ]\nFORMAT Index = Username, AuthKey,;\n'
              'SNMPUsers 0 = "snmp", "$1$c25tcA==";\n[ \\SNMPUsers ]\nthis is not a parameter\n\n' % SECRET_ROW)
    text = broken + running
    with pytest.raises(PlatformError):
        ac.parse(text)                                  # strict, as merge() reads
    parsed = ac.parse(text, read=ac.READ_TABLES)
    assert [entry['line'] for entry in parsed['skipped']] == [3, 8, 9, 11]
    assert [row['index'] for row in ac._table(parsed, 'WebUsers')['rows']] == [1]
    found = ac.drift(desired('7.4', 'rest'), text)
    assert found['changed'] is False
    note = next(note for note in found['notes'] if 'did not parse' in note)
    assert note.startswith("the device ini's line(s) 3, 8, 9, 11, outside the tables the role reads")
    assert 'c2VjcmV0LWFkbWlu' not in repr(found)
    # a table the role reads stays strict, and its error does not repeat the line either
    bad = running.replace('IPGroup 14 = 0, "par-vpn-legacy-3des"', 'IPGroup 14 = 0, "$1$c2VjcmV0LWFkbWlu", "x"')
    with pytest.raises(PlatformError) as error:
        ac.drift(desired('7.4', 'rest'), bad)
    assert 'row 14 of table IPGroup has' in str(error.value) and 'c2VjcmV0LWFkbWlu' not in str(error.value)


def test_the_recorded_inis_parse_and_say_what_they_are():
    for path in sorted(RECORDED.glob('*.ini')):
        text = recorded(path.name)
        assert 'RECORDED FOR THE TESTS, NOT DUMPED BY A DEVICE' in text, path
        assert ac.parse(text)['tables']
    assert '\r\n' in recorded('device-7.2-unchanged.ini')


# ---------------------------------------------------------------------------------------------
# Drift against recorded device inis
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('firmware', FIRMWARES)
def test_an_unchanged_device_has_no_drift(firmware):
    found = ac.drift(desired(firmware, 'rest'), recorded('device-%s-unchanged.ini' % firmware))
    assert found['changed'] is False and found['lines'] == []
    assert [trunk['status'] for trunk in found['trunks']] == ['unchanged'] * 6
    assert found['host_wide'] == {'differences': [], 'lines': []}
    assert found['before'] == found['after'] and '; #@trunk par-vpn-tcp' in found['after']


def test_a_drifted_trunk_names_each_column_and_sends_only_its_rows():
    running = recorded('device-7.4-drifted.ini')
    found = ac.drift(desired('7.4', 'rest'), running)
    assert found['changed'] is True
    drifted = result_of(found, 'par-vpn-legacy-3des')
    assert drifted['status'] == 'drifted'
    assert drifted['differences'] == [
        {'object': 'TLSContexts 13', 'setting': 'TLSVersion', 'before': '7', 'after': '12'},
        {'object': 'IpProfile 14', 'setting': 'SBCMediaSecurityBehaviour', 'before': '0', 'after': '1'}]
    assert all(result_of(found, name)['status'] == 'unchanged' for name in
               ('par-mpls-private', 'par-mpls-office-lan', 'par-vpn-strong', 'par-vpn-tcp', 'lon-public-primary'))
    sent = ac.parse('\n'.join(found['lines']))
    assert [(table['name'], [r['index'] for r in table['rows']]) for table in sent['tables']] == [
        ('TLSContexts', [13]), ('IpProfile', [14])]
    assert sent['params'] == []
    # each row in the device's own columns, the columns the settings do not own as the device has them
    unchanged = ac.parse(recorded('device-7.4-unchanged.ini'))
    for table in sent['tables']:
        device_table = ac._table(unchanged, table['name'])
        assert table['columns'] == device_table['columns']
        device_row = next(r for r in device_table['rows'] if r['index'] == table['rows'][0]['index'])
        assert [ac._text(c) for c in table['rows'][0]['cells']] == [ac._text(c) for c in device_row['cells']]
    assert '; #@trunk par-vpn-legacy-3des' in found['lines']
    assert drifted['lines'] == [line for line in found['lines'] if not line.startswith('; #@')]
    # the views' diff changes that trunk's section alone
    diff = config_sections.unified(found['before'], found['after'], 'device', 'desired')
    assert config_sections.trunks_of(diff) == {'trunks': ['par-vpn-legacy-3des'], 'host_wide': False}


OBSCURED = '$1$c2lwLXRydW5rLXNlY3JldA=='


@pytest.mark.parametrize('firmware, secret_columns', [('7.4', ['PasswordAsClient', 'PasswordAsServer']),
                                                      ('7.2', ['Password'])])
def test_a_drifted_ip_group_row_sends_its_password_and_shows_it_nowhere(firmware, secret_columns):
    # the device keeps an obscured password in the trunk's IP Group row, and that row drifted (its proxy set)
    running = recorded('device-%s-unchanged.ini' % firmware)
    line = next(line for line in running.splitlines() if line.startswith('IPGroup 14 = '))
    changed = line.replace('"par-vpn-legacy-3des", "par-vpn-legacy-3des"', '"par-vpn-legacy-3des", "Teams"', 1) \
        .replace('"$1$gQ=="', '"%s"' % OBSCURED)
    assert changed.count(OBSCURED) == len(secret_columns)
    found = ac.drift(desired(firmware, 'rest'), running.replace(line, changed))
    trunk = result_of(found, 'par-vpn-legacy-3des')
    assert trunk['differences'] == [{'object': 'IPGroup 14', 'setting': 'ProxySetName', 'before': 'Teams',
                                     'after': 'par-vpn-legacy-3des'}]
    # the lines to send carry the device's value (a rewrite must not change it) ...
    sent = ac.parse('\n'.join(found['lines']))
    row_sent = dict(zip(ac._table(sent, 'IPGroup')['columns'], ac._table(sent, 'IPGroup')['rows'][0]['cells']))
    assert [row_sent[column]['value'] for column in secret_columns] == [OBSCURED] * len(secret_columns)
    assert any(OBSCURED in line for line in trunk['lines'])
    # ... the shown lines are the same lines with the value hidden, top-level and per trunk
    for lines, shown in ((found['lines'], found['shown_lines']), (trunk['lines'], trunk['shown_lines'])):
        assert shown == [line.replace(OBSCURED, ac.HIDDEN) for line in lines] and shown != lines
        assert not any(OBSCURED in line for line in shown)
    # the views (the --diff output) hide it on both sides, and the diff shows the row's change alone
    assert OBSCURED not in found['before'] and OBSCURED not in found['after']
    assert '"%s"' % ac.HIDDEN in found['before'] and '"%s"' % ac.HIDDEN in found['after']
    diff = config_sections.unified(found['before'], found['after'], 'device', 'desired')
    assert OBSCURED not in diff and config_sections.trunks_of(diff)['trunks'] == ['par-vpn-legacy-3des']
    # what the action returns: the shown lines, under the name lines
    from ansible_collections.voip.trunk_security.plugins.action import sbc_drift as action
    assert action._shown(trunk)['lines'] == trunk['shown_lines'] and action._shown(found)['lines'] == \
        found['shown_lines']
    # a device holding the lines has the password as it was, and no drift
    merged = ac.merge(running.replace(line, changed), '\n'.join(found['lines']))
    assert merged.count(OBSCURED) == len(secret_columns)
    assert ac.drift(desired(firmware, 'rest'), merged)['changed'] is False


def test_an_unchanged_device_shows_the_same_lines_it_would_send():
    found = ac.drift(desired('7.4', 'rest'), recorded('device-7.4-drifted.ini'))
    assert found['shown_lines'] == found['lines']
    assert all(trunk['shown_lines'] == trunk['lines'] and trunk['unfixable'] == [] for trunk in found['trunks'])


def test_values_the_device_wrote_are_written_back_exactly_as_written():
    running = recorded('device-7.4-kept-values.ini')
    device = ac.parse(running)
    found = ac.drift(desired('7.4', 'rest'), running)
    drifted = result_of(found, 'par-vpn-legacy-3des')
    assert [d['setting'] for d in drifted['differences']] == ['TLSVersion', 'SBCMediaSecurityBehaviour']
    sent = ac.parse('\n'.join(found['lines']))
    for table in sent['tables']:
        device_table = ac._table(device, table['name'])
        device_row = next(r for r in device_table['rows'] if r['index'] == table['rows'][0]['index'])
        owned_columns = set(owned(desired('7.4', 'rest'), 'par-vpn-legacy-3des', table['name']))
        for column, raw, device_raw in zip(table['columns'], table['rows'][0]['raw'], device_row['raw']):
            if column not in owned_columns:
                assert raw == device_raw, (table['name'], column)
    text = '\n'.join(found['lines'])
    for written in (', 2001:0db8::0001, 0000002560, 0, 4294967295;', ', 1, AudioCodersGroups 0, 0, 10, '):
        assert written in text
    # the device holding the lines keeps them as they were, and has no drift left
    merged = ac.merge(running, text)
    assert '2001:0db8::0001, 0000002560, 0, 4294967295;' in merged and ', AudioCodersGroups 0, ' in merged
    assert ac.drift(desired('7.4', 'rest'), merged)['changed'] is False


@pytest.mark.parametrize('raw', ['4294967295', '0007', '2001:0db8::0001', 'a b  c', "'single quoted'"])
def test_a_kept_cell_is_the_device_s_text_where_the_helper_would_write_it_otherwise(raw):
    parsed = ac.parse('[ T ]\nFORMAT Index = A;\nT 0 = %s;\n[ \\T ]\n' % raw)
    entry = parsed['tables'][0]['rows'][0]
    kept = ac._kept_row(entry)
    assert kept == [{'kind': ac.DEVICE_TEXT, 'value': raw}] and ac._write_cell(kept[0]) == raw
    # one that does not read back as one value is refused, never written
    for text in ('a, b', 'a;b', '"open', 'a\nb'):
        with pytest.raises(PlatformError):
            ac._write_cell({'kind': ac.DEVICE_TEXT, 'value': text})
    # the helper's own spelling goes through the helper
    assert ac._kept({'kind': 'int', 'value': 7}, '7') == {'kind': 'int', 'value': 7}
    assert ac._kept({'kind': 'string', 'value': 'x'}, '"x"') == {'kind': 'kept', 'value': 'x'}


def test_a_missing_trunk_gets_every_row_at_free_indexes():
    found = ac.drift(desired('7.4', 'rest'), recorded('device-7.4-missing.ini'))
    missing = result_of(found, 'par-vpn-tcp')
    assert missing['status'] == 'missing'
    assert all(d['before'] is None for d in missing['differences'])
    assert set(d['object'].split()[0] for d in missing['differences']) == {
        'SIPInterface', 'ProxySet', 'ProxyIp', 'IpProfile', 'IPGroup'}
    sent = ac.parse('\n'.join(found['lines']))
    assert [table['name'] for table in sent['tables']] == ['SIPInterface', 'ProxySet', 'ProxyIp', 'IpProfile',
                                                           'IPGroup']
    assert [result['status'] for result in found['trunks']].count('unchanged') == 5


def test_a_device_without_the_trunks():
    running = recorded('device-7.4-base.ini')
    found = ac.drift(desired('7.4', 'rest'), running)
    assert [trunk['status'] for trunk in found['trunks']] == ['missing'] * 6
    assert found['host_wide']['differences'] == [
        {'object': 'Voice Engine Params', 'setting': 'EnableMediaSecurity', 'before': '0', 'after': '1'}]
    assert found['lines'][:2] == ['[Voice Engine Params]', 'EnableMediaSecurity = 1']
    sent = ac.parse('\n'.join(found['lines']))
    proxy_sets = [r['index'] for r in ac._table(sent, 'ProxySet')['rows']]
    # 10 is the operator's Teams proxy set, 11 the set an orphan ProxyIp row names: neither is free
    assert proxy_sets == [12, 13, 14, 15, 16, 17]
    assert all(ac._text(c) == '$$' for c in ac._table(sent, 'IpProfile')['rows'][0]['cells'][1:10])
    assert ac.drift(desired('7.4', 'rest'), ac.merge(running, '\n'.join(found['lines'])))['changed'] is False


def test_network_interfaces_are_read_from_the_device_in_rest_mode():
    data = desired('7.4', 'rest')
    assert data['ini'] is None and trunk_of(data, 'par-vpn-tcp')['network_interface'] is None
    text = recorded('device-7.4-base.ini').replace('10.30.3.4, 28', '10.30.3.99, 28')
    with pytest.raises(PlatformError) as error:
        ac.drift(data, text)
    assert 'trunk par-vpn-tcp: no network interface of the device has the address 10.30.3.4' in str(error.value)
    with pytest.raises(PlatformError) as error:
        ac.drift(desired('7.4', 'rest', network_interfaces={'10.30.3.4': 'Nope'}), recorded('device-7.4-base.ini'))
    assert "network interface 'Nope' is not one of the device's" in str(error.value)


def test_the_firmware_must_match_the_device_s_columns():
    with pytest.raises(PlatformError) as error:
        ac.drift(desired('7.4', 'rest'), recorded('device-7.2-unchanged.ini'))
    assert 'firmware is 7.4, but the device\'s TLSContexts table has no TLS 1.3 columns' in str(error.value)
    found = ac.drift(desired('7.2', 'rest'), recorded('device-7.4-base.ini'))
    assert any('TLS 1.3 columns (a 7.4 build?)' in note for note in found['notes'])


def test_the_srd_must_be_on_the_device():
    with pytest.raises(PlatformError) as error:
        ac.drift(desired('7.4', 'rest', srd='Customers'), recorded('device-7.4-unchanged.ini'))
    assert "mediation_gateway_audiocodes_srd is 'Customers', but the device's SRDs are 'DefaultSRD'" in str(error.value)
    # names are not case-sensitive on the device
    assert ac.drift(desired('7.4', 'rest', srd='defaultsrd'), recorded('device-7.4-unchanged.ini'))['changed'] is False


def test_another_address_in_a_trunk_s_proxy_set_is_drift_no_line_removes():
    text = recorded('device-7.4-unchanged.ini').replace(
        '\n\n[ \\ProxyIp ]', '\nProxyIp 99 = "12", 1, "192.0.2.66:5060", 1, 0, 0;\n\n[ \\ProxyIp ]')
    found = ac.drift(desired('7.4', 'rest'), text)
    trunk = result_of(found, 'par-mpls-private')
    assert trunk['status'] == 'drifted' and trunk['lines'] == []
    assert trunk['differences'] == [{'object': 'ProxyIp 99', 'setting': 'row', 'before': '192.0.2.66:5060 1',
                                     'after': None}]
    assert 'remove it on the device' in trunk['notes'][-1]
    assert ac.drift(desired('7.4', 'rest'), ac.merge(text, '\n'.join(found['lines'])))['changed'] is True
    # the caller stops before sending anything: unfixable names the row, the other trunks have none
    assert trunk['unfixable'] == ['ProxyIp row 99 (192.0.2.66:5060 1) is another address of proxy set '
                                  'par-mpls-private: remove it on the device (an incremental ini cannot delete a row)']
    assert all(other['unfixable'] == [] for other in found['trunks'] if other['name'] != 'par-mpls-private')


def test_a_trunk_keeps_the_index_its_row_has_on_the_device():
    found = ac.drift(desired('7.4', 'rest', trunks={'par-vpn-tcp': {'indexes': {'IPGroup': 40}}}),
                     recorded('device-7.4-unchanged.ini'))
    assert found['changed'] is False
    assert any('stays at index 15, where the device has it (not 40' in note for note in found['notes'])
    with pytest.raises(PlatformError) as error:
        ac.drift(desired('7.4', 'rest', trunks={'par-vpn-tcp': {'indexes': {'IPGroup': 10}}}),
                 recorded('device-7.4-missing.ini'))
    assert 'indexes.IPGroup is 10, a row already in use' in str(error.value)


def test_merge_replaces_rows_and_defaults_the_columns_left_out():
    base = '[ T ]\nFORMAT Index = A, B, C;\nT 0 = "x", 1, 2;\nT 1 = "y", 3, 4;\n[ \\T ]\n'
    merged = ac.parse(ac.merge(base, '[ T ]\nFORMAT Index = C, A;\nT 1 = 9, "z";\n[ \\T ]\nNewParam = 1\n'))
    rows = dict((r['index'], [ac._text(c) for c in r['cells']]) for r in merged['tables'][0]['rows'])
    assert rows == {0: ['x', '1', '2'], 1: ['z', '$$', '9']}
    assert merged['params'][0]['name'] == 'NewParam'
    with pytest.raises(PlatformError):
        ac.merge(base, '[ T ]\nFORMAT Index = D;\nT 1 = 9;\n[ \\T ]\n')


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

_TRUNK_NAMES = st.from_regex(r'[a-z][a-z0-9-]{0,11}', fullmatch=True)


@st.composite
def neutral_settings(draw):
    names = draw(st.lists(_TRUNK_NAMES, min_size=1, max_size=4, unique_by=str.lower))
    # every trunk listens on 10.30.0.4: each on a port of its own (two on one port are refused)
    ports = draw(st.lists(st.integers(1024, 65535), min_size=len(names), max_size=len(names), unique=True))
    found = []
    for position, name in enumerate(names):
        tls = draw(st.booleans())
        hop = draw(st.sampled_from(['sip.example.net', '192.0.2.7', '2001:db8::7', 'a-b.c.example']))
        found.append({
            'name': name, 'transport': 'tls' if tls else 'tcp',
            'listen': {'address': '10.30.0.4', 'port': ports[position],
                       'transport': 'tls' if tls else 'tcp'},
            'next_hop': {'address': hop, 'port': draw(st.integers(1, 65535)), 'transport': 'tls' if tls else 'tcp',
                         'server_name': hop if tls else None, 'verify_certificate': tls},
            'certificate': {'needed': tls, 'mutual_tls': tls and draw(st.booleans())},
            'srtp_mode': draw(st.sampled_from(ac.SRTP_MODES)), 'notes': [], 'plaintext_listener': not tls,
        })
    return found


def _interfaces_and_srd():
    return ('[ InterfaceTable ]\nFORMAT Index = IPAddress, InterfaceName;\nInterfaceTable 0 = 10.30.0.4, "Par-MPLS";\n'
            '[ \\InterfaceTable ]\n[ SRD ]\nFORMAT Index = Name;\nSRD 0 = "DefaultSRD";\n[ \\SRD ]\n')


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(neutral_settings(), st.sampled_from(FIRMWARES), st.integers(0, 50))
def test_a_device_holding_the_rendered_ini_has_no_drift(settings_list, firmware, base):
    rendered = ac.desired(settings_list, {'host': HOST, 'firmware': firmware, 'index_base': base,
                                          'network_interfaces': {'10.30.0.4': 'Par-MPLS'}})
    running = _interfaces_and_srd() + '\n'.join(ac.ini_lines(rendered['ini'])) + '\n'
    found = ac.drift(rendered, running)
    assert found['changed'] is False, [t['differences'] for t in found['trunks']]
    rest = ac.desired(settings_list, {'host': HOST, 'firmware': firmware, 'index_base': base, 'mode': 'rest'})
    assert ac.drift(rest, running)['changed'] is False


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(neutral_settings(), st.sampled_from(['device-%s-base.ini', 'device-%s-unchanged.ini']),
       st.sampled_from(FIRMWARES), st.integers(0, 20))
def test_applying_the_drift_lines_leaves_no_drift(settings_list, name, firmware, base):
    running = recorded(name % firmware)
    data = ac.desired(settings_list, {'host': HOST, 'firmware': firmware, 'index_base': base, 'mode': 'rest'})
    found = ac.drift(data, running)
    after = ac.merge(running, '\n'.join(found['lines']) + '\n')
    again = ac.drift(data, after)
    assert again['changed'] is False, [t['differences'] for t in again['trunks']]
    # the rows no trunk owns are as they were
    before_rows = dict(((t['name'], r['index']), r['cells']) for t in ac.parse(running)['tables'] for r in t['rows'])
    after_parsed = ac.parse(after)
    written = set((t['name'], r['index']) for t in ac.parse('\n'.join(found['lines']) + '\n')['tables']
                  for r in t['rows'])
    for table in after_parsed['tables']:
        for entry in table['rows']:
            key = (table['name'], entry['index'])
            if key not in written:
                assert [ac._text(c) for c in entry['cells']] == [ac._text(c) for c in before_rows[key]]


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7e), min_size=1, max_size=40))
def test_every_string_the_helper_writes_reads_back_unchanged(value):
    try:
        written = quote(value, 'string')
    except QuoteError as error:
        assert value.strip() != value or '"' in value or value == '$$', error
        return
    parsed = ac.parse('[ T ]\nFORMAT Index = A, B;\nT 7 = %s, 1;\n[ \\T ]\n' % written)
    assert parsed['tables'][0]['rows'][0]['cells'][0] == {'kind': 'string', 'value': value}
    assert re.match(r'"[^"]*"\Z', written)
