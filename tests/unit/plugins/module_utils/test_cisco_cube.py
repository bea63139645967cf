# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cisco CUBE (plugins/module_utils/platforms/cisco_cube.py, the ios quoting helper, templates/cisco_cube/).

* Golden files (tests/unit/golden/cisco_cube/): the example inventory's trunks (examples/inventory, through
  gateway.settings_all) and a host with one trunk per SRTP mode and transport, for each release; the drift
  of each recorded configuration. Regenerate them after a deliberate change with UPDATE_GOLDEN=1, review
  the diff, commit it.
* A real IOS-style parser (ciscoconfparse2, tests/unit/parsers_cisco_cube.py) reads the rendered file: every
  dial peer, TLS profile, SRTP crypto class and tenant has exactly the children the settings call for.
* What a release cannot express is refused, naming the trunk, the setting and the release that can.
* Drift against recorded ``show running-config`` texts (tests/unit/recorded/cisco_cube/, hand-written after
  Cisco's documented examples, each saying so at its top): unchanged, one trunk drifted, one trunk missing;
  and as properties: a configuration rendered from the desired state has no drift, and the drift's lines
  applied to a configuration (by a small applier, below, on the module's parser) leave none.

No router runs here: the applier stands for IOS with the rules docs/platforms/cisco_cube.md states (a
child line replaces the child of the same setting, ``no LINE`` removes that line) - what IOS itself does
is checked by network_cli mode's second read on a real router, not here.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import jmespath
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.errors import AnsibleFilterError
from ansible_collections.voip.trunk_security.plugins.filter.ios_quote import ios_quote
from ansible_collections.voip.trunk_security.plugins.module_utils import gateway
from ansible_collections.voip.trunk_security.plugins.module_utils.config_quote import QuoteError, ios
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import PlatformError, cisco_cube as cube

UNIT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(UNIT))
import parsers_cisco_cube as parsers  # noqa: E402  (tests/unit/parsers_cisco_cube.py: ciscoconfparse2)
import template_env  # noqa: E402  (tests/unit/template_env.py: the role's templates rendered in-process)

REPO = UNIT.parents[1]
GOLDEN = UNIT / 'golden' / 'cisco_cube'
RECORDED = UNIT / 'recorded' / 'cisco_cube'
UPDATE = os.environ.get('UPDATE_GOLDEN') == '1'
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: The rendered file's header: five comment lines and a separator.
HEADER_LINES = 6


def golden(name, text):
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.is_file(), '%s is missing: run the tests with UPDATE_GOLDEN=1 and review it' % path
    assert text == path.read_text(), '%s differs from what renders now (UPDATE_GOLDEN=1 regenerates it)' % path


def render(desired):
    return template_env.render('mediation_gateway', 'cisco_cube/cube.cfg.j2', {'_mediation_gateway_sbc_desired': desired})


# --------------------------------------------------------------------------- inputs

def example_trunks(host):
    """A host's trunks in examples/inventory (New York's through its JMESPath query, as the assessment does)."""
    data = yaml.safe_load((REPO / 'examples' / 'inventory' / 'host_vars' / ('%s.yml' % host)).read_text())
    if 'sip_trunks' in data:
        return data['sip_trunks']
    return jmespath.search(data['trunk_security_query'], data['cmdb_export'])


EXAMPLE_HOSTS = ('med-lon-01', 'med-par-01', 'med-nyc-01')
EXAMPLE_TRUNKS = [(host, trunk) for host in EXAMPLE_HOSTS for trunk in example_trunks(host)]


def interfaces(settings_list):
    """Every listen address on an interface of its own, GigabitEthernet0/0/1, /2, ... in order."""
    found = {}
    for s in settings_list:
        found.setdefault(s['listen']['address'], 'GigabitEthernet0/0/%d' % (len(found) + 1))
    return found


def options(release, host, settings_list, **more):
    """The role inputs of a host: 17.8 with an RSA identity; older releases with an ECDSA identity and the
    global listener on the Lync/SfB gateway ports the example trunks use (5067 TLS, 5068 TCP)."""
    opts = {'host': host, 'release': release, 'trustpoint': 'CUBE-TP', 'ca_trustpoint': 'PROVIDER-CA',
            'interfaces': interfaces(settings_list)}
    if release != '17.8':
        opts.update(identity_key='ecdsa', secure_port=5067, non_secure_port=5068)
    opts.update(more)
    return opts


def trunk(name, connection, tls, srtp, address, gateway_address, opportunistic=True, **gw):
    return {'name': name, 'connection': connection, 'opportunistic': opportunistic,
            'provider': {'tls': tls, 'srtp': srtp, 'address': address},
            'mediation_subnet': {'audience': 'authorized_it'},
            'gateway': dict({'address': gateway_address, 'tls_port': 5061, 'tcp_port': 5060}, **gw)}


#: One trunk per SRTP mode and transport, on CUBE's own global ports, next hops by name, IPv4 and IPv6.
MATRIX = [
    trunk('tls-required-dns', 'public', True, True, 'sbc-a.example.net', '198.51.100.10'),
    trunk('tls-optional-ipv4', 'private', True, True, '203.0.113.20', '198.51.100.11', srtp_mode='optional',
          mutual_tls=False),
    trunk('tls-disabled-ipv6', 'private', True, False, '2001:db8:20::30', '198.51.100.12'),
    trunk('tcp-required-dns', 'private', False, True, 'sbc-d.example.net', '198.51.100.13', opportunistic=False,
          srtp_mode='required'),
    trunk('tcp-optional-ipv4', 'private', False, True, '203.0.113.50', '198.51.100.14', opportunistic=False,
          srtp_mode='optional'),
    trunk('tcp-disabled-ipv6', 'private', False, False, '2001:db8:20::60', '198.51.100.15', opportunistic=False),
]
MATRIX_SETTINGS = gateway.settings_all(MATRIX)


def matrix_options(release):
    opts = {'host': 'cube-matrix', 'release': release, 'trustpoint': 'CUBE-TP', 'ca_trustpoint': 'PROVIDER-CA',
            'interfaces': interfaces(MATRIX_SETTINGS)}
    if release != '17.8':
        opts['identity_key'] = 'ecdsa'
    return opts


def lon(release='17.8', **more):
    settings_list = gateway.settings_all(example_trunks('med-lon-01'))
    return cube.desired(settings_list, options(release, 'med-lon-01', settings_list, **more))


def test_the_matrix_covers_every_srtp_mode_and_transport():
    assert sorted((s['transport'], s['srtp_mode']) for s in MATRIX_SETTINGS) == sorted(
        (t, m) for t in ('tls', 'tcp') for m in ('required', 'optional', 'disabled'))
    for s in MATRIX_SETTINGS:
        assert s['name'].startswith('%s-%s' % (s['transport'], s['srtp_mode'])), s


# --------------------------------------------------------------------------- golden files

@pytest.mark.parametrize('release', cube.RELEASES)
def test_the_london_example_matches_its_golden(release):
    golden('example-med-lon-01-%s.cfg' % release, render(lon(release)))


@pytest.mark.parametrize('host, trunk_data', EXAMPLE_TRUNKS, ids=[pair[1]['name'] for pair in EXAMPLE_TRUNKS])
def test_each_example_trunk_alone_matches_its_golden(host, trunk_data):
    settings_list = gateway.settings_all([trunk_data])
    desired = cube.desired(settings_list, options('17.8', host, settings_list))
    golden('example-trunk-%s.cfg' % trunk_data['name'], render(desired))


@pytest.mark.parametrize('release', cube.RELEASES)
def test_one_trunk_per_srtp_mode_and_transport_matches_its_golden(release):
    golden('matrix-%s.cfg' % release, render(cube.desired(MATRIX_SETTINGS, matrix_options(release))))


@pytest.mark.parametrize('release', cube.RELEASES)
def test_the_template_writes_what_the_drift_compares_and_sends(release):
    """cube.cfg is the header and then exactly config_text(): the text the drift's 'after' shows and its lines
    are taken from, so a rendered file and a change sent to a router never spell a value differently."""
    for desired in (lon(release), cube.desired(MATRIX_SETTINGS, matrix_options(release))):
        text = render(desired)
        lines = text.splitlines(True)
        assert all(line.startswith('!') for line in lines[:HEADER_LINES])
        assert ''.join(lines[HEADER_LINES:]) == cube.config_text(desired) == cube.drift(desired, '')['after']


def test_the_paris_and_new_york_examples_are_refused_as_hosts():
    """Two trunks of one host to one provider host: their inbound dial peers could not tell the calls apart."""
    for host, first, second, provider in (('med-par-01', 'par-mpls-private', 'par-mpls-office-lan', 'sip.contoso.example'),
                                          ('med-nyc-01', 'nyc-wg-tunnel', 'nyc-internet-backup', 'sbc.tailspin.example')):
        settings_list = gateway.settings_all(example_trunks(host))
        with pytest.raises(cube.CubeError) as error:
            cube.desired(settings_list, options('17.8', host, settings_list))
        message = str(error.value)
        assert "trunk '%s'" % second in message and "trunk '%s'" % first in message and provider in message, message


# --------------------------------------------------------------------------- a real IOS parser reads the file

def expected_children(s, release, opts, tag):
    """The children each of a trunk's blocks must have, written out from the mapping of
    docs/platforms/cisco_cube.md (not from the module): parents -> sorted child lines."""
    tls = s['transport'] == 'tls'
    hop = s['next_hop']['address']
    kind = 'dns' if re.search('[a-z]', hop) and ':' not in hop else ('ipv6' if ':' in hop else 'ipv4')
    own = s['listen']['port'] != ((opts.get('secure_port') or 5061) if tls else (opts.get('non_secure_port') or 5060))
    tenant = release == '17.8' and (tls or own)
    mutual = tls and s['certificate']['mutual_tls']
    interface = opts['interfaces'][s['listen']['address']]
    host = {'dns': 'dns:%s' % hop, 'ipv4': 'ipv4:%s' % hop, 'ipv6': 'ipv6:[%s]' % hop}[kind]
    out = {}
    if tls and (release == '17.8' or (release == '17.3' and kind == 'ipv4')):
        if release == '17.8':
            profile = ['description %s' % s['name'], 'trustpoint CUBE-TP', 'cipher %d' % opts.get('tag_base', 100),
                       'cn-san validate %s' % ('bidirectional' if mutual else 'server')]
            if mutual or s['next_hop']['server_name'] != hop:
                profile.append('cn-san 1 %s' % s['next_hop']['server_name'])
            if mutual:
                profile.append('client-vtp PROVIDER-CA')
            if kind == 'dns':
                profile.append('sni send')
        else:
            profile = ['description %s' % s['name'], 'trustpoint CUBE-TP', 'cn-san-validate server', 'cipher ecdsa-cipher']
            if mutual:
                profile.append('client-vtp PROVIDER-CA')
        out[('voice class tls-profile %d' % tag,)] = profile
    suites = opts.get('srtp_suites', list(cube.SRTP_SUITES))
    if s['srtp_mode'] != 'disabled':
        out[('voice class srtp-crypto %d' % tag,)] = ['crypto %d %s' % (i + 1, x) for i, x in enumerate(suites)]
    out[('voice class uri %d sip' % tag,)] = ['host %s' % host]
    bind = ['bind control source-interface %s' % interface, 'bind media source-interface %s' % interface]
    if tenant:
        lines = ['tls-profile %d' % tag] if tls else []
        if own:
            lines += ['listen-port %s %d' % ('secure' if tls else 'non-secure', s['listen']['port'])] + bind
        out[('voice class tenant %d' % tag,)] = lines
    common = ['voice-class sip tenant %d' % tag] if tenant else []
    if s['srtp_mode'] != 'disabled':
        common.append('voice-class sip srtp-crypto %d' % tag)
    if not (tenant and own):
        common += ['voice-class sip ' + b for b in bind]
    common += {'required': ['srtp'], 'optional': ['srtp fallback'], 'disabled': []}[s['srtp_mode']]
    transport = 'session transport tcp tls' if tls else 'session transport tcp'
    out[('dial-peer voice %d voip' % (tag * 10 + 1),)] = [
        'description %s outbound' % s['name'], 'destination-pattern BAD.BAD', 'session protocol sipv2',
        'session target %s:%d' % (host, s['next_hop']['port']), transport] + common
    out[('dial-peer voice %d voip' % (tag * 10 + 2),)] = [
        'description %s inbound' % s['name'], 'session protocol sipv2', transport, 'incoming uri via %d' % tag] + common
    if tls and kind == 'ipv4':
        if release == '16.12':
            line = 'crypto signaling remote-addr %s 255.255.255.255 trustpoint CUBE-TP cn-san-validate server%s ecdsa-cipher' % (
                hop, ' client-vtp PROVIDER-CA' if mutual else '')
        else:
            line = 'crypto signaling remote-addr %s /32 tls-profile %d' % (hop, tag)
        out[('sip-ua',)] = [line]
    return {parents: sorted(children) for parents, children in out.items()}


CASES = [(release, which) for release in cube.RELEASES for which in ('london', 'matrix')]


@pytest.mark.parametrize('release, which', CASES)
def test_every_block_has_exactly_the_expected_children_and_nothing_else(release, which):
    if which == 'london':
        settings_list = gateway.settings_all(example_trunks('med-lon-01'))
        opts = options(release, 'med-lon-01', settings_list)
    else:
        settings_list, opts = MATRIX_SETTINGS, matrix_options(release)
    text = render(cube.desired(settings_list, opts))
    blocks = parsers.cube_blocks(text)
    for position, s in enumerate(settings_list):
        found = {parents: sorted(children) for section, parents, children in blocks if section == s['name']}
        assert found == expected_children(s, release, opts, 100 + 1 + position), s['name']
    host_wide = {parents: children for section, parents, children in blocks if section is None}
    any_tls = any(s['transport'] == 'tls' for s in settings_list)
    assert ('sip-ua',) in host_wide if any_tls else ('sip-ua',) not in host_wide
    if any_tls:
        default = {'16.12': 'crypto signaling default trustpoint CUBE-TP%s ecdsa-cipher',
                   '17.3': 'crypto signaling default tls-profile 100', '17.8': 'crypto signaling default tls-profile 100'}
        assert host_wide[('sip-ua',)][0] == 'transport tcp tls v1.2'
        assert host_wide[('sip-ua',)][1].startswith(default[release].split('%s')[0]) and len(host_wide[('sip-ua',)]) == 2
    if release == '17.8' and any_tls:
        assert host_wide[('voice class tls-cipher 100',)] == ['cipher %d %s' % (i + 1, c) for i, c in enumerate(cube.TLS_CIPHERS)]
        assert all(c.startswith('ECDHE_') and '_GCM_' in c for c in cube.TLS_CIPHERS)
    else:
        assert ('voice class tls-cipher 100',) not in host_wide
    # no NULL suite anywhere, and the Microsoft suite wherever SRTP is
    for section, parents, children in blocks:
        if parents[0].startswith('voice class srtp-crypto'):
            assert 'crypto 3 AES_CM_128_HMAC_SHA1_80' in children and not any('NULL' in c for c in children)


def test_the_structure_parser_sees_values_only_as_values():
    text = render(lon())
    renamed = render(lon(trustpoint='OTHER-TP', ca_trustpoint='CA2', trunks={'lon-public-primary': {'interface': 'Port-channel1.20'}}))
    assert parsers.cisco_cube_structure(text) == parsers.cisco_cube_structure(renamed)
    assert parsers.cisco_cube_structure(text) != parsers.cisco_cube_structure(render(lon('17.3')))


# --------------------------------------------------------------------------- release floors and refusals

def one(name='t1', tls=True, address='sbc.example.net', **gw):
    data = trunk(name, 'public' if tls else 'private', tls, True, address, '198.51.100.10',
                 opportunistic=tls, **gw)
    return gateway.settings_all([data])


OPTS = {'host': 'cube', 'trustpoint': 'CUBE-TP', 'ca_trustpoint': 'PROVIDER-CA',
        'interfaces': {'198.51.100.10': 'GigabitEthernet1'}}


@pytest.mark.parametrize('release', ['16.12', '17.3'])
def test_forward_secret_aead_only_needs_tls_cipher_or_an_ecdsa_identity(release):
    with pytest.raises(cube.CubeError) as error:
        cube.desired(one(), dict(OPTS, release=release))
    message = str(error.value)
    assert "trunk 't1'" in message and 'transport tls' in message and '17.8.1a' in message, message
    assert "mediation_gateway_cube_release: '17.8'" in message and 'mediation_gateway_cube_identity_key: ecdsa' in message
    text = cube.config_text(cube.desired(one(), dict(OPTS, release=release, identity_key='ecdsa')))
    assert 'ecdsa-cipher' in text and 'strict-cipher' not in text and 'tls-cipher' not in text
    # a TCP trunk needs no cipher list
    cube.desired(one(tls=False), dict(OPTS, release=release))


@pytest.mark.parametrize('release', ['16.12', '17.3'])
def test_a_listen_port_of_its_own_needs_a_tenant_listener_of_17_8(release):
    settings_list = one(tls_port=5067)
    with pytest.raises(cube.CubeError) as error:
        cube.desired(settings_list, dict(OPTS, release=release, identity_key='ecdsa'))
    message = str(error.value)
    assert "trunk 't1': listen.port 5067" in message and "global secure port 5061" in message, message
    assert "'17.8'" in message and 'mediation_gateway_cube_secure_port: 5067' in message
    desired = cube.desired(settings_list, dict(OPTS, release='17.8'))
    tenant = [b for b in desired['trunks'][0]['blocks'] if b['kind'] == 'tenant'][0]
    assert tenant['lines'] == ['tls-profile 101', 'listen-port secure 5067', 'bind control source-interface GigabitEthernet1',
                               'bind media source-interface GigabitEthernet1']
    # the global port moved instead (a host-wide block, outside every trunk's markers)
    moved = cube.desired(settings_list, dict(OPTS, release=release, identity_key='ecdsa', secure_port=5067))
    assert moved['host_wide']['before_trunks'][0]['lines'] == ['listen-port secure 5067']
    assert any('needs a maintenance window' in note for note in moved['notes'])


@pytest.mark.parametrize('release', ['16.12', '17.3'])
def test_another_expected_server_name_needs_cn_san_of_17_8(release):
    settings_list = gateway.settings_all([dict(trunk('t1', 'public', True, True, '203.0.113.9', '198.51.100.10'),
                                               provider={'tls': True, 'srtp': True, 'address': '203.0.113.9',
                                                         'server_name': 'sbc.example.net'})])
    with pytest.raises(cube.CubeError) as error:
        cube.desired(settings_list, dict(OPTS, release=release, identity_key='ecdsa'))
    assert "trunk 't1': next_hop.server_name 'sbc.example.net'" in str(error.value) and '17.8.1a' in str(error.value)
    profile = cube.desired(settings_list, dict(OPTS, release='17.8'))['trunks'][0]['blocks'][0]
    assert 'cn-san 1 sbc.example.net' in profile['lines'] and 'sni send' not in profile['lines']


def test_mutual_tls_settings_and_what_the_router_does_regardless():
    mutual = cube.desired(one(), dict(OPTS))['trunks'][0]
    assert {'cn-san validate bidirectional', 'client-vtp PROVIDER-CA'} <= set(mutual['blocks'][0]['lines'])
    plain = cube.desired(one(mutual_tls=False), dict(OPTS))['trunks'][0]
    assert 'cn-san validate server' in plain['blocks'][0]['lines']
    assert not any(line.startswith('client-vtp') for line in plain['blocks'][0]['lines'])
    assert any('always requests a client certificate' in note for note in plain['notes'])
    # where CUBE cannot tell the trunk's inbound connections apart, the note says so
    scoped = cube.desired(one(), dict(OPTS, release='16.12', identity_key='ecdsa'))['trunks'][0]
    assert any('every trustpoint on the router' in note for note in scoped['notes'])
    ipv4 = cube.desired(one(address='203.0.113.9'), dict(OPTS, release='16.12', identity_key='ecdsa'))['trunks'][0]
    assert not any('every trustpoint' in note for note in ipv4['notes'])
    assert ipv4['blocks'][-1]['lines'] == ['crypto signaling remote-addr 203.0.113.9 255.255.255.255 trustpoint CUBE-TP '
                                           'cn-san-validate server client-vtp PROVIDER-CA ecdsa-cipher']
    with pytest.raises(cube.CubeError, match="trunk 't1': certificate.mutual_tls needs the trustpoint of the provider's CA"):
        cube.desired(one(address='203.0.113.9'), dict(OPTS, ca_trustpoint=None))


@pytest.mark.parametrize('change, pattern', [
    ({'trustpoint': None}, "trunk 't1' uses TLS: set mediation_gateway_cube_trustpoint"),
    ({'interfaces': {}}, r"trunk 't1': listen.address '198.51.100.10' needs the IOS interface"),
    ({'release': '17.10'}, r"mediation_gateway_cube_release is '17.10'"),
    ({'identity_key': 'dsa'}, 'mediation_gateway_cube_identity_key'),
    ({'colour': 'blue'}, "unknown option 'colour'"),
    ({'trunks': {'nope': {}}}, "mediation_gateway_cube_trunks names 'nope', which is not a trunk"),
    ({'trunks': {'t1': {'tags': 5}}}, "mediation_gateway_cube_trunks.t1: unknown key 'tags'"),
    ({'tag_base': 10000}, r"trunk 't1': the voice class tag .* cannot hold 10001"),
    ({'tag_base': 0}, 'mediation_gateway_cube_tag_base'),
    ({'trunks': {'t1': {'tag': 100}}}, "voice class tag 100 is also that of the host-wide TLS objects"),
    ({'trunks': {'t1': {'outbound_dial_peer': 7, 'inbound_dial_peer': 7}}}, 'dial peer 7 .* is also'),
    ({'trunks': {'t1': {'inbound_dial_peer': 2147483648}}}, 'a dial peer tag'),
    ({'srtp_suites': ['AEAD_AES_256_GCM']}, 'must include AES_CM_128_HMAC_SHA1_80'),
    ({'srtp_suites': ['AES_CM_128_HMAC_SHA1_80', 'NULL_HMAC_SHA1_80']}, "'NULL_HMAC_SHA1_80' is not a suite CUBE offers"),
    ({'srtp_suites': ['AES_CM_128_HMAC_SHA1_80'] * 2}, 'holds 1 to 4 different suites'),
    ({'interfaces': {'198.51.100.10': 'Gig 1'}}, r"interfaces\[198.51.100.10\]: .* cannot hold 'Gig 1': it must be one token"),
    ({'trunks': {'t1': {'interface': 'Gi1?'}}}, 'answers "\\?" with help'),
    ({'trustpoint': 'CUBE TP'}, "mediation_gateway_cube_trustpoint: .* cannot hold 'CUBE TP'"),
    ({'destination_pattern': '+44 T'}, 'mediation_gateway_cube_destination_pattern'),
    ({'trunks': {'t1': {'destination_pattern': '9\nend'}}}, r"trunk 't1': the destination pattern"),
])
def test_refusals_name_the_input_and_the_value(change, pattern):
    with pytest.raises(cube.CubeError, match=pattern):
        cube.desired(one(), dict(OPTS, **change))


def test_its_errors_are_platform_errors_the_lead_filters_turn_into_ansible_errors():
    assert issubclass(cube.CubeError, PlatformError)


def test_the_release_may_come_as_a_yaml_number():
    assert cube.desired(one(), dict(OPTS, release=17.8))['release'] == '17.8'
    assert cube.desired(one(), dict(OPTS, release=16.12, identity_key='ecdsa'))['release'] == '16.12'


@pytest.mark.parametrize('name', ['bad name', 'x?', 'é', 'a' * 65, '', None])
def test_trunk_names_that_cannot_be_markers_or_descriptions_are_refused(name):
    settings_list = one()
    settings_list[0]['name'] = name
    with pytest.raises(cube.CubeError, match='trunk name'):
        cube.desired(settings_list, dict(OPTS))


def test_a_long_trunk_name_must_leave_room_for_the_dial_peer_description():
    with pytest.raises(cube.CubeError, match="trunk '%s': the dial peer description" % ('a' * 60)):
        cube.desired(one(name='a' * 60), dict(OPTS))


def test_tags_come_from_the_base_and_the_position_with_overrides():
    settings_list = gateway.settings_all([trunk('a', 'public', True, True, 'a.example.net', '198.51.100.10'),
                                          trunk('b', 'public', True, True, 'b.example.net', '198.51.100.10')])
    desired = cube.desired(settings_list, dict(OPTS, tag_base=500, trunks={'b': {'tag': 900, 'outbound_dial_peer': 42}}))
    assert [(t['tag'], t['dial_peers']) for t in desired['trunks']] == [
        (501, {'outbound': 5011, 'inbound': 5012}), (900, {'outbound': 42, 'inbound': 9002})]
    assert 'dial-peer voice 42 voip' in cube.config_text(desired)


# --------------------------------------------------------------------------- quoting

@pytest.mark.parametrize('value, kind, written', [
    ('GigabitEthernet0/0/0.100', 'name', 'GigabitEthernet0/0/0.100'),
    ('lon-public-primary outbound', 'description', 'lon-public-primary outbound'),
    ('sbc.example.net', 'host', 'dns:sbc.example.net'),
    ('203.0.113.9', 'host', 'ipv4:203.0.113.9'),
    ('2001:DB8:0::1', 'host', 'ipv6:[2001:db8::1]'),
    ({'address': '2001:db8::1', 'port': 5061}, 'target', 'ipv6:[2001:db8::1]:5061'),
    ({'address': 'sbc.example.net', 'port': '5061'}, 'target', 'dns:sbc.example.net:5061'),
    ('+44T', 'pattern', '+44T'),
    (10000, 'tag', '10000'),
    ('crypto 1 AEAD_AES_256_GCM', 'line', 'crypto 1 AEAD_AES_256_GCM'),
])
def test_ios_writes_what_it_accepts_as_it_is(value, kind, written):
    assert ios(value, kind) == written == ios_quote(value, kind)


@pytest.mark.parametrize('value, kind, reason', [
    ('a b', 'token', 'one token'),
    ('Gi0/0/0 ', 'name', 'one token'),
    ('x?', 'description', 'help'),
    ('help me?', 'comment', 'help'),
    ('two\nlines', 'description', 'line break'),
    ('line\r', 'line', 'line break'),
    ('tab\there', 'description', 'control character'),
    ('café', 'description', 'printable ASCII'),
    (' padded', 'description', 'leading, trailing or repeated spaces'),
    ('a  b', 'description', 'leading, trailing or repeated spaces'),
    ('x' * 65, 'description', 'at most 64'),
    (' srtp', 'line', 'no leading or trailing whitespace'),
    ('sbc example', 'host', 'one token'),
    ('-bad-.example', 'host', 'host name'),
    ('2001:db8::1', 'ipv4', 'IPv4'),
    ({'address': 'sbc.example.net', 'port': 0}, 'target', 'port'),
    ('a' * 65, 'name', 'at most 64'),
    ('9 T', 'pattern', 'one token'),
    (0, 'tag', '1 to 10000'),
    (True, 'port', 'port'),
])
def test_ios_refuses_and_names_the_value(value, kind, reason):
    with pytest.raises(QuoteError) as error:
        ios(value, kind)
    assert reason in str(error.value) and 'IOS XE configuration' in str(error.value)
    with pytest.raises(AnsibleFilterError):
        ios_quote(value, kind)


def test_ios_names_its_kinds():
    with pytest.raises(QuoteError, match='ios_quote has no kind'):
        ios('x', 'nope')


# --------------------------------------------------------------------------- parse

def test_parse_reads_modes_and_skips_certificates_banners_and_comments():
    parsed = cube.parse((RECORDED / 'lon-17.8-unchanged.txt').read_text())
    index = {tuple(b['parents']): b['lines'] for b in parsed['blocks']}
    # the banner's text (which looks like a tenant) and the certificates' hexadecimal lines are not read
    assert index[('voice class tenant 101',)] == ['tls-profile 101', 'listen-port secure 5067',
                                                  'bind control source-interface GigabitEthernet0/0/1',
                                                  'bind media source-interface GigabitEthernet0/0/1', 'early-offer forced']
    assert not any(b['parents'][0].startswith(('crypto pki certificate chain', 'banner', 'Authorised', '3082'))
                   for b in parsed['blocks'])
    assert not any(line.strip().startswith(('3082', 'quit', 'certificate ')) for b in parsed['blocks'] for line in b['lines'])
    assert index[('voice service voip', 'sip')] == ['early-offer forced', 'no call service stop']
    assert index[('voice service voip', 'ip address trusted list')] == ['ipv4 10.20.0.0 255.255.0.0']
    assert ('end',) not in index and ('Building configuration...',) not in index
    assert ('hostname cube-lon-01',) in index


def test_parse_skips_macro_bodies_and_banners_whose_text_looks_like_configuration():
    index = {tuple(b['parents']): b['lines'] for b in cube.parse(recorded(OPERATOR))['blocks']}
    # the macro's body (up to its "@") and the exec and login banners (up to their delimiters) hold a URI class
    # 102, a dial peer 1022 and a TLS profile 101: none is read
    assert ('voice class uri 102 sip',) not in index and ('dial-peer voice 1022 voip',) not in index
    assert ('dial-peer voice 1012 voip',) not in index and ('voice class tls-profile 101',) not in index
    assert not any(p[0].startswith(('macro', 'banner', '@', '^C', '#')) for p in index)
    assert index[('voice class uri 101 sip',)] == ['pattern ^sip:.*'] and ('line con 0',) in index
    # a banner without its type (motd), and one that ends on its own line
    text = 'banner ^C\nvoice class uri 7 sip\n host dns:x.example\n^C\nbanner exec ^Cone line^C\nhostname r1\n'
    assert [b['parents'] for b in cube.parse(text)['blocks']] == [['hostname r1']]


def test_parse_reads_a_tab_as_indentation_to_the_next_multiple_of_8_and_refuses_mixed_indentation():
    tabbed = 'voice class uri 101 sip\n\thost dns:a.example\ndial-peer voice 1011 voip\n\tdescription a outbound\n'
    assert cube.parse(tabbed)['blocks'] == [
        {'parents': ['voice class uri 101 sip'], 'lines': ['host dns:a.example']},
        {'parents': ['dial-peer voice 1011 voip'], 'lines': ['description a outbound']}]
    # a tab is 8 columns: deeper than 7 spaces, so a child of a line indented 7 spaces
    nested = 'voice service voip\n       sip\n\tearly-offer forced\n'
    assert cube.parse(nested)['blocks'][-1] == {'parents': ['voice service voip', 'sip'], 'lines': ['early-offer forced']}
    with pytest.raises(cube.CubeError, match=r"indents line 3 \('srtp'\) with both spaces and tabs"):
        cube.parse('dial-peer voice 1011 voip\n description a outbound\n \tsrtp\n')
    # certificate chains (whose "quit" IOS indents with spaces and a tab) are skipped before that check
    assert cube.parse(recorded('lon-17.8-unchanged'))


def test_parse_agrees_with_ciscoconfparse2_on_the_recorded_configurations():
    """Every mode the module reads, ciscoconfparse2 reads with the same children (it also reads banner text and
    certificates as configuration, which the module leaves out)."""
    for path in sorted(RECORDED.glob('*.txt')):
        text = path.read_text()
        theirs = [(block[1], block[2]) for block in parsers.cube_blocks(text)]
        for block in cube.parse(text)['blocks']:
            if block['lines']:
                assert (tuple(block['parents']), block['lines']) in theirs, (path.name, block['parents'])


@pytest.mark.parametrize('line, canonical, setting', [
    ('srtp fallback', 'srtp fallback', 'srtp'),
    ('srtp-crypto 101', 'srtp-crypto 101', 'srtp-crypto'),
    ('cn-san-validate server', 'cn-san validate server', 'cn-san validate'),
    ('crypto signaling remote-addr 192.0.2.1 255.255.255.0 tls-profile 1',
     'crypto signaling remote-addr 192.0.2.1 /24 tls-profile 1', 'crypto signaling remote-addr 192.0.2.1 /24'),
    ('crypto signaling remote-addr 192.0.2.1/32 trustpoint TP', 'crypto signaling remote-addr 192.0.2.1 /32 trustpoint TP',
     'crypto signaling remote-addr 192.0.2.1 /32'),
    ('crypto  2   AEAD_AES_128_GCM', 'crypto 2 AEAD_AES_128_GCM', 'crypto 2'),
    ('cipher 3 ECDHE_RSA_AES128_GCM_SHA256', 'cipher 3 ECDHE_RSA_AES128_GCM_SHA256', 'cipher 3'),
    ('cipher 100', 'cipher 100', 'cipher'),
    ('voice-class sip bind media source-interface Gi1', 'voice-class sip bind media source-interface Gi1',
     'voice-class sip bind media'),
    ('dtmf-relay rtp-nte', 'dtmf-relay rtp-nte', 'dtmf-relay rtp-nte'),
    ('srtp pass-thru', 'srtp pass-thru', 'srtp'),
    ('srtp', 'srtp', 'srtp'),
    ('srtp negotiate cisco', 'srtp negotiate cisco', 'srtp negotiate cisco'),
    ('host ipv6:[2001:DB8:0::1]', 'host ipv6:[2001:db8::1]', 'host'),
    ('session target ipv6:[2001:DB8::A]:5061', 'session target ipv6:[2001:db8::a]:5061', 'session target'),
])
def test_canonical_lines_and_their_settings(line, canonical, setting):
    assert cube.canonical(line) == canonical and cube.key(line) == setting


# --------------------------------------------------------------------------- drift on recorded configurations

def edge():
    trunks = [
        {'name': 'edge-ipv4', 'connection': 'public', 'provider': {'tls': True, 'srtp': True, 'address': '203.0.113.10',
                                                                   'port': 5061},
         'mediation_subnet': {'audience': 'authorized_it'}, 'gateway': {'address': '192.0.2.4', 'tls_port': 5061}},
        {'name': 'edge-tcp', 'connection': 'private', 'opportunistic': False,
         'provider': {'tls': False, 'srtp': False, 'address': 'sip.adatum.example'},
         'mediation_subnet': {'audience': 'authorized_it'}, 'gateway': {'address': '192.0.2.20', 'tcp_port': 5060}},
    ]
    return cube.desired(gateway.settings_all(trunks), {
        'host': 'med-edge-01', 'release': '16.12', 'identity_key': 'ecdsa', 'trustpoint': 'CUBE-EC',
        'ca_trustpoint': 'PROVIDER-CA', 'tag_base': 200,
        'interfaces': {'192.0.2.4': 'GigabitEthernet1', '192.0.2.20': 'GigabitEthernet2'}})


RECORDINGS = {
    'lon-17.8-unchanged': lon,
    'lon-17.8-one-trunk-drifted': lon,
    'lon-17.8-one-trunk-missing': lon,
    'edge-16.12-unchanged': edge,
    # the operator's objects at the default tags: the way out the refusals name (another tag base, and leave to
    # manage the default TLS policy)
    'lon-17.8-operator-objects': lambda: lon(tag_base=200, manage_default_signaling=True),
}


def recorded(name):
    text = (RECORDED / ('%s.txt' % name)).read_text()
    assert text.startswith('! Hand-written'), 'a recorded configuration says at its top how it was made'
    return text


@pytest.mark.parametrize('name', sorted(RECORDINGS))
def test_drift_of_each_recorded_configuration_matches_its_golden(name):
    found = cube.drift(RECORDINGS[name](), recorded(name))
    golden('drift-%s.json' % name, json.dumps(found, indent=2, sort_keys=True) + '\n')


@pytest.mark.parametrize('name', ['lon-17.8-unchanged', 'edge-16.12-unchanged'])
def test_a_router_holding_the_settings_has_no_drift(name):
    """Next to the operator's own configuration (a CUCM dial peer and its remote-addr, codecs and DTMF in the
    role's dial peers, a tenant option), in the order and indentation IOS prints, and (16.12) a remote-addr
    printed with a prefix length where the role writes a mask."""
    found = cube.drift(RECORDINGS[name](), recorded(name))
    assert not found['changed'] and found['lines'] == [] and found['blocks'] == []
    assert [t['status'] for t in found['trunks']] == ['unchanged', 'unchanged']
    assert found['before'] == found['after']


def test_one_trunk_drifted():
    found = cube.drift(lon(), recorded('lon-17.8-one-trunk-drifted'))
    assert found['changed']
    primary, other = found['trunks']
    assert (primary['status'], other['status']) == ('drifted', 'unchanged') and other['lines'] == []
    assert primary['differences'] == [
        {'object': 'voice class tls-profile 101', 'setting': 'client-vtp', 'before': None, 'after': 'client-vtp PROVIDER-CA'},
        {'object': 'voice class srtp-crypto 101', 'setting': 'crypto 3', 'before': 'crypto 3 AES_CM_128_HMAC_SHA1_32',
         'after': 'crypto 3 AES_CM_128_HMAC_SHA1_80'},
        {'object': 'voice class srtp-crypto 101', 'setting': 'crypto 4', 'before': 'crypto 4 AES_CM_128_HMAC_SHA1_80',
         'after': 'crypto 4 AES_CM_128_HMAC_SHA1_32'},
        {'object': 'dial-peer voice 1011 voip', 'setting': 'srtp', 'before': 'srtp fallback', 'after': 'srtp'},
        {'object': 'dial-peer voice 1012 voip', 'setting': 'session transport', 'before': None,
         'after': 'session transport tcp tls'},
    ]
    assert primary['blocks'] == [
        {'parents': ['voice class tls-profile 101'], 'lines': ['client-vtp PROVIDER-CA']},
        # the order changed: every differing entry goes before the new ones are written
        {'parents': ['voice class srtp-crypto 101'], 'lines': ['no crypto 3 AES_CM_128_HMAC_SHA1_32',
                                                               'no crypto 4 AES_CM_128_HMAC_SHA1_80',
                                                               'crypto 3 AES_CM_128_HMAC_SHA1_80',
                                                               'crypto 4 AES_CM_128_HMAC_SHA1_32']},
        {'parents': ['dial-peer voice 1011 voip'], 'lines': ['no srtp fallback', 'srtp']},
        {'parents': ['dial-peer voice 1012 voip'], 'lines': ['session transport tcp tls']},
    ]
    assert found['host_wide']['differences'] == [{'object': 'sip-ua', 'setting': 'transport tcp tls',
                                                  'before': 'transport tcp tls', 'after': 'transport tcp tls v1.2'}]
    assert found['host_wide']['blocks_after_trunks'] == [{'parents': ['sip-ua'], 'lines': ['transport tcp tls v1.2']}]
    assert found['lines'] == primary['lines'] + found['host_wide']['lines']
    assert found['lines'][:2] == ['voice class tls-profile 101', ' client-vtp PROVIDER-CA']


def test_one_trunk_missing():
    desired = lon()
    found = cube.drift(desired, recorded('lon-17.8-one-trunk-missing'))
    primary, missing = found['trunks']
    assert (primary['status'], missing['status']) == ('unchanged', 'missing')
    assert missing['blocks'] == [{'parents': b['parents'], 'lines': b['lines']} for b in desired['trunks'][1]['blocks']]
    assert all(d['before'] is None for d in missing['differences'])
    assert found['host_wide']['differences'] == []
    # the diff shows the trunk's whole part as new, within its markers
    assert '! #@trunk lon-public-nosrtp' not in found['before'] and '! #@trunk lon-public-nosrtp' in found['after']


def test_extra_children_of_the_roles_objects_must_go_the_operators_stay():
    text = recorded('lon-17.8-unchanged').replace(
        ' crypto 4 AES_CM_128_HMAC_SHA1_32\n!\nvoice class srtp-crypto 102',
        ' crypto 4 AES_CM_128_HMAC_SHA1_32\n crypto 5 AES_CM_128_HMAC_SHA1_32\n!\nvoice class srtp-crypto 102', 1)
    text = text.replace(' description lon-public-primary inbound\n',
                        ' description lon-public-primary inbound\n incoming uri from 300\n voice-class sip bind control source-interface Gi9\n', 1)
    found = cube.drift(lon(), text)
    assert found['trunks'][0]['blocks'] == [
        {'parents': ['voice class srtp-crypto 101'], 'lines': ['no crypto 5 AES_CM_128_HMAC_SHA1_32']},
        {'parents': ['dial-peer voice 1012 voip'], 'lines': ['no incoming uri from 300',
                                                             'no voice-class sip bind control source-interface Gi9']},
    ]


def test_srtp_disabled_removes_what_made_the_call_secure_and_only_that():
    desired = cube.desired(MATRIX_SETTINGS, matrix_options('17.8'))
    text = cube.config_text(desired).replace(
        ' description tls-disabled-ipv6 outbound\n',
        ' description tls-disabled-ipv6 outbound\n srtp\n voice-class sip srtp-crypto 9\n voice-class codec 1\n', 1)
    found = cube.drift(desired, text)
    assert [t['name'] for t in found['trunks'] if t['status'] != 'unchanged'] == ['tls-disabled-ipv6']
    assert found['blocks'] == [{'parents': ['dial-peer voice 1031 voip'], 'lines': ['no srtp', 'no voice-class sip srtp-crypto 9']}]


def test_what_network_cli_mode_sends_for_a_recorded_configuration():
    """The ios_config loop of tasks/cisco_cube/network_cli.yml: host_wide.blocks_before_trunks, each trunk's
    blocks, host_wide.blocks_after_trunks - that is the drift's own order, each item one ios_config call."""
    for name in sorted(RECORDINGS):
        found = cube.drift(RECORDINGS[name](), recorded(name))
        items = (found['host_wide']['blocks_before_trunks'] + [b for t in found['trunks'] for b in t['blocks']]
                 + found['host_wide']['blocks_after_trunks'])
        assert items == found['blocks'], name
        assert all(item['parents'] and item['lines'] for item in items)
        assert all(ios(line, 'line') == line for item in items for line in item['parents'] + item['lines'])


# --------------------------------------------------------------------------- what is the role's on a router

OPERATOR = 'lon-17.8-operator-objects'


def refused(desired, text):
    with pytest.raises(cube.CubeError) as error:
        cube.drift(desired, text)
    return str(error.value)


def test_an_operator_dial_peer_at_the_roles_number_is_refused_not_taken_over():
    """Their PSTN dial peer 1011 where lon-public-primary's outbound dial peer would be (tag 101 kept, the
    host-wide objects moved out of the way)."""
    message = refused(lon(tag_base=200, trunks={'lon-public-primary': {'tag': 101}}), recorded(OPERATOR))
    assert message.startswith("trunk 'lon-public-primary': dial peer 1011 on the router is not the role's"), message
    assert "carries 'description lon-public-primary outbound'" in message
    assert 'holds: description PSTN via Carrier A; destination-pattern 9T; session protocol sipv2; ' in message
    assert 'mediation_gateway_cube_trunks.lon-public-primary.outbound_dial_peer' in message
    assert 'mediation_gateway_cube_trunks.lon-public-primary.tag' in message and 'mediation_gateway_cube_tag_base' in message


def test_an_operator_voice_class_at_the_roles_tag_is_refused_without_the_trunks_dial_peer():
    """Their URI class 101 (every SIP URI) where the trunk's would be, and no dial peer of the trunk to prove it
    the role's."""
    message = refused(lon(tag_base=200, trunks={'lon-public-primary': {'tag': 101, 'outbound_dial_peer': 5011}}),
                      recorded(OPERATOR))
    assert message.startswith("trunk 'lon-public-primary': voice class uri 101 sip is on the router, but not the "
                              "trunk's outbound dial peer 5011 (carrying 'description lon-public-primary outbound')"), message
    assert 'holds: pattern ^sip:.*' in message and 'mediation_gateway_cube_trunks.lon-public-primary.tag' in message


def test_an_operator_tls_profile_at_the_tag_base_is_refused():
    message = refused(lon(), recorded(OPERATOR))
    assert message.startswith("the host-wide voice class tls-profile 100 on the router is not the role's: the role's "
                              "carries 'description voip.trunk_security host-wide'"), message
    assert 'holds: description CUCM cluster; trustpoint OPS; cn-san-validate server; cipher ecdsa-cipher' in message
    assert 'mediation_gateway_cube_tag_base (100)' in message


def test_the_host_wide_cipher_list_without_the_roles_profile_is_refused():
    text = recorded('lon-17.8-unchanged').replace(
        'voice class tls-profile 100\n description voip.trunk_security host-wide\n trustpoint CUBE-TP\n cipher 100\n!\n', '')
    message = refused(lon(), text)
    assert message.startswith('the host-wide voice class tls-cipher 100 is on the router, but not the voice class '
                              "tls-profile 100 whose description ('description voip.trunk_security host-wide')"), message
    assert 'holds: cipher 1 ECDHE_ECDSA_AES256_GCM_SHA384;' in message


@pytest.mark.parametrize('old, new, start', [
    (' description lon-public-primary\n', ' description CUCM cluster\n',
     "trunk 'lon-public-primary': voice class tls-profile 101 on the router is not the role's: the role's carries "
     "'description lon-public-primary', this one holds: description CUCM cluster;"),
    (' description lon-public-primary inbound\n', ' description from carrier A\n',
     "trunk 'lon-public-primary': dial peer 1012 on the router is not the role's: the role's (the trunk's inbound "
     "dial peer) carries 'description lon-public-primary inbound', this one holds: description from carrier A;"),
    (' description lon-public-nosrtp outbound\n', '',
     "trunk 'lon-public-nosrtp': dial peer 1021 on the router is not the role's"),
])
def test_an_object_at_a_roles_tag_without_the_roles_description_is_refused(old, new, start):
    message = refused(lon(), recorded('lon-17.8-unchanged').replace(old, new, 1))
    assert message.startswith(start), message


def test_the_operators_default_tls_policy_is_kept_unless_the_role_may_manage_it():
    message = refused(lon(tag_base=200), recorded(OPERATOR))
    assert message.startswith("the router's sip-ua holds 'crypto signaling default trustpoint OPS', which is not the "
                              "role's"), message
    assert "'crypto signaling default tls-profile 200'" in message
    assert 'mediation_gateway_cube_manage_default_signaling: true' in message
    found = cube.drift(lon(tag_base=200, manage_default_signaling=True), recorded(OPERATOR))
    assert {'parents': ['sip-ua'], 'lines': ['transport tcp tls v1.2', 'crypto signaling default tls-profile 200']} \
        in found['host_wide']['blocks_after_trunks']
    # a router without any default line: the role adds its own
    text = recorded('lon-17.8-unchanged').replace(' crypto signaling default tls-profile 100\n', '')
    assert cube.drift(lon(), text)['host_wide']['blocks_after_trunks'] == [
        {'parents': ['sip-ua'], 'lines': ['crypto signaling default tls-profile 100']}]
    # the role's own line of another tag base (its profile carries the role's description) is the role's
    moved = cube.drift(lon(tag_base=300), recorded('lon-17.8-unchanged'))
    assert 'crypto signaling default tls-profile 300' in moved['host_wide']['blocks_after_trunks'][0]['lines']
    with pytest.raises(cube.CubeError, match="mediation_gateway_cube_manage_default_signaling is true or false, not 'yes'"):
        lon(manage_default_signaling='yes')


def test_the_operators_objects_stay_when_the_role_takes_other_tags():
    text = recorded(OPERATOR)
    found = cube.drift(RECORDINGS[OPERATOR](), text)
    assert [t['status'] for t in found['trunks']] == ['missing', 'missing']
    touched = [b['parents'][0] for b in found['blocks']]
    assert not any(p in touched for p in ('voice class uri 101 sip', 'dial-peer voice 1011 voip',
                                          'voice class tls-profile 100', 'dial-peer voice 300 voip'))
    tree = _tree(apply(text, found['blocks']))[0]
    assert tree[('dial-peer voice 1011 voip',)][0] == 'description PSTN via Carrier A'
    assert tree[('voice class uri 101 sip',)] == ['pattern ^sip:.*']
    assert 'crypto signaling remote-addr 10.20.1.10 255.255.255.255 tls-profile 100' in tree[('sip-ua',)]


def test_srtp_negotiate_is_its_own_command_and_stays():
    text = recorded('lon-17.8-unchanged').replace(
        ' description lon-public-primary outbound\n',
        ' description lon-public-primary outbound\n srtp negotiate cisco\n voice-class sip srtp negotiate cisco\n', 1)
    found = cube.drift(lon(), text)
    assert not found['changed'], found['lines']
    assert cube.key('srtp negotiate cisco') == 'srtp negotiate cisco' and cube.key('srtp pass-thru') == 'srtp'


def test_a_changed_srtp_order_removes_every_moved_entry_before_writing_the_new_ones():
    desired = lon(srtp_suites=['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM'])
    text = recorded('lon-17.8-unchanged')
    block = cube.drift(desired, text)['trunks'][0]['blocks'][0]
    assert block == {'parents': ['voice class srtp-crypto 101'], 'lines': [
        'no crypto 1 AEAD_AES_256_GCM', 'no crypto 2 AEAD_AES_128_GCM',
        'no crypto 3 AES_CM_128_HMAC_SHA1_80', 'no crypto 4 AES_CM_128_HMAC_SHA1_32',
        'crypto 1 AES_CM_128_HMAC_SHA1_80', 'crypto 2 AEAD_AES_256_GCM']}
    assert not cube.drift(desired, apply(text, cube.drift(desired, text)['blocks']))['changed']


# --------------------------------------------------------------------------- listeners, interfaces, IPv6

def test_two_tenant_listeners_on_one_interface_and_port_are_refused():
    settings_list = gateway.settings_all([
        trunk('a', 'public', True, True, 'a.example.net', '198.51.100.10', tls_port=5067),
        trunk('b', 'public', True, True, 'b.example.net', '198.51.100.10', tls_port=5067)])
    with pytest.raises(cube.CubeError) as error:
        cube.desired(settings_list, dict(OPTS))
    message = str(error.value)
    assert message.startswith("trunk 'b': its listener (voice class tenant listen-port secure 5067, bound to "
                              "GigabitEthernet1) is also trunk 'a''s (TLS)"), message
    # two addresses on one interface are one listener too; on two interfaces they are two
    settings_list = gateway.settings_all([
        trunk('a', 'public', True, True, 'a.example.net', '198.51.100.10', tls_port=5067),
        trunk('b', 'private', False, False, 'b.example.net', '198.51.100.11', tls_port=5061, tcp_port=5067,
              opportunistic=False)])
    with pytest.raises(cube.CubeError, match="trunk 'b': its listener .* is also trunk 'a''s"):
        cube.desired(settings_list, dict(OPTS, interfaces={'198.51.100.10': 'GigabitEthernet1',
                                                           '198.51.100.11': 'GigabitEthernet1'}))
    cube.desired(settings_list, dict(OPTS, interfaces={'198.51.100.10': 'GigabitEthernet1',
                                                       '198.51.100.11': 'GigabitEthernet2'}))


def test_a_tenant_listener_on_the_other_transports_global_port_is_refused():
    settings_list = gateway.settings_all([trunk('t1', 'private', False, False, 'sbc.example.net', '198.51.100.10',
                                                opportunistic=False, tcp_port=5061)])
    with pytest.raises(cube.CubeError) as error:
        cube.desired(settings_list, dict(OPTS))
    assert str(error.value).startswith("trunk 't1': its TCP listener port 5061 is the router's global secure port "
                                       "(IOS's default, on every address)"), str(error.value)
    assert 'mediation_gateway_cube_secure_port' in str(error.value)
    cube.desired(settings_list, dict(OPTS, secure_port=5071))


@pytest.mark.parametrize('name, full', [('Gi0/0/1', 'GigabitEthernet0/0/1'), ('gi0/0/1', 'GigabitEthernet0/0/1'),
                                        ('Te1/0/1', 'TenGigabitEthernet1/0/1'), ('Po1.20', 'Port-channel1.20'),
                                        ('vlan10', 'Vlan10'), ('Lo0', 'Loopback0'), ('Fa0/1', 'FastEthernet0/1'),
                                        ('Hu0/0/0', 'HundredGigE0/0/0'), ('Fo1/0/1', 'FortyGigabitEthernet1/0/1'),
                                        ('Tw1/0/1', 'TwoGigabitEthernet1/0/1'), ('VL10', 'Vlan10')])
def test_an_abbreviated_interface_is_refused_naming_its_full_form(name, full):
    for change in ({'interfaces': {'198.51.100.10': name}}, {'trunks': {'t1': {'interface': name}}}):
        with pytest.raises(cube.CubeError) as error:
            cube.desired(one(), dict(OPTS, **change))
        assert "cannot hold '%s'" % name in str(error.value) and 'write %s' % full in str(error.value), str(error.value)
    assert ios(full, 'interface') == full


def test_ipv6_addresses_compare_whatever_case_the_router_prints():
    desired = cube.desired(MATRIX_SETTINGS, matrix_options('17.8'))
    text = cube.config_text(desired)
    assert 'ipv6:[2001:db8:20::30]' in text
    upper = text.replace('ipv6:[2001:db8:20::30]', 'ipv6:[2001:DB8:20:0::30]')
    assert upper != text and not cube.drift(desired, upper)['changed']


# --------------------------------------------------------------------------- notes

def test_a_dns_next_hop_says_that_incoming_uri_via_matches_the_name_literally():
    notes = {t['name']: t['notes'] for t in cube.desired(MATRIX_SETTINGS, matrix_options('17.8'))['trunks']}
    literal = [name for name, found in notes.items() if any('without resolving it (inference' in n for n in found)]
    assert sorted(literal) == ['tcp-required-dns', 'tls-required-dns']


def test_a_17_3_host_wide_profile_sends_sni_for_a_dns_next_hop_on_the_default_policy():
    profile = [b for b in cube.desired(MATRIX_SETTINGS, matrix_options('17.3'))['host_wide']['before_trunks']
               if b['kind'] == 'tls-profile'][0]
    assert profile['lines'] == ['description voip.trunk_security host-wide', 'trustpoint CUBE-TP',
                                'cn-san-validate server', 'cipher ecdsa-cipher', 'sni send']


# --------------------------------------------------------------------------- an applier, and properties

def _tree(text):
    """The module's parse as a tree: parents -> [child lines], and the top-level order."""
    tree = {}
    top = []
    for block in cube.parse(text)['blocks']:
        path = tuple(block['parents'])
        if len(path) == 1 and path not in tree:
            top.append(path)
        tree.setdefault(path, []).extend(block['lines'])
    return tree, top


def _write(tree, top):
    out = []

    def emit(path):
        out.append(' ' * (len(path) - 1) + path[-1])
        for child in tree.get(path, []):
            if path + (child,) in tree:
                emit(path + (child,))
            else:
                out.append(' ' * len(path) + child)

    for path in top:
        emit(path)
        out.append('!')
    return '\n'.join(out) + '\n'


def apply(text, blocks):
    """What IOS does with ios_config's parents and lines, as docs/platforms/cisco_cube.md states it: a mode is
    entered (made when new), a line replaces the child of the same setting, ``no LINE`` removes that line."""
    tree, top = _tree(text)
    for block in blocks:
        path = ()
        for parent in block['parents']:
            if path and parent not in tree[path]:
                tree[path].append(parent)
            path += (parent,)
            if path not in tree:
                tree[path] = []
                if len(path) == 1:
                    top.append(path)
        for line in block['lines']:
            children = tree[path]
            if line.startswith('no '):
                gone = cube.canonical(line[3:])
                assert any(cube.canonical(c) == gone for c in children), ('no line for an absent child', line)
                tree[path] = [c for c in children if cube.canonical(c) != gone]
            else:
                tree[path] = [c for c in children if cube.key(c) != cube.key(line)] + [line]
    return _write(tree, top)


@pytest.mark.parametrize('name', sorted(RECORDINGS))
def test_the_drift_lines_applied_to_the_recorded_configuration_leave_no_drift(name):
    desired = RECORDINGS[name]()
    text = recorded(name)
    found = cube.drift(desired, text)
    after = cube.drift(desired, apply(text, found['blocks']))
    assert not after['changed'] and [t['status'] for t in after['trunks']] == ['unchanged'] * len(after['trunks'])
    # and the operator's configuration is still there
    assert 'dial-peer voice 300 voip' in apply(text, found['blocks']) or name.startswith('edge')


@st.composite
def hosts(draw):
    """A host's neutral settings and role inputs that every release can hold (refusals are tested above)."""
    release = draw(st.sampled_from(cube.RELEASES))
    count = draw(st.integers(1, 4))
    settings_list = []
    for i in range(count):
        tls = draw(st.booleans())
        hop = draw(st.sampled_from(['dns', 'ipv4', 'ipv6']))
        address = {'dns': 'sbc%d.example.net' % i, 'ipv4': '203.0.113.%d' % (10 + i), 'ipv6': '2001:db8::%x' % (16 + i)}[hop]
        own = release == '17.8' and draw(st.booleans())
        # a listener of its own: one interface and port per trunk (two on one are refused, tested above)
        port = 5062 + 8 * i + draw(st.integers(0, 7)) if own else (5061 if tls else 5060)
        server_name = address
        if tls and release == '17.8' and draw(st.booleans()):
            server_name = 'name%d.example.org' % i
        settings_list.append({
            'name': 'trunk-%d' % i, 'transport': 'tls' if tls else 'tcp', 'compliant': True, 'notes': [],
            'listen': {'address': '10.0.%d.4' % draw(st.integers(0, 2)), 'port': port, 'transport': 'tls' if tls else 'tcp'},
            'plaintext_listener': not tls,
            'next_hop': {'address': address, 'port': draw(st.sampled_from([5060, 5061, 5065])),
                         'transport': 'tls' if tls else 'tcp', 'server_name': server_name if tls else None,
                         'verify_certificate': tls},
            'certificate': {'needed': tls, 'mutual_tls': tls and draw(st.booleans())},
            'srtp_mode': draw(st.sampled_from(['required', 'optional', 'disabled'])),
        })
    suites = draw(st.permutations(cube.SRTP_SUITES))
    suites = list(suites[:draw(st.integers(1, 4))]) or ['AES_CM_128_HMAC_SHA1_80']
    if cube.MICROSOFT_SUITE not in suites:
        suites[-1] = cube.MICROSOFT_SUITE
    opts = {'host': 'cube', 'release': release, 'trustpoint': 'CUBE-TP', 'ca_trustpoint': 'PROVIDER-CA',
            'identity_key': 'ecdsa' if release != '17.8' else draw(st.sampled_from(cube.IDENTITY_KEYS)),
            'tag_base': draw(st.integers(1, 9000)), 'srtp_suites': suites,
            'interfaces': {'10.0.%d.4' % n: 'GigabitEthernet0/0/%d' % n for n in range(3)}}
    return cube.desired(settings_list, opts)


@FAST
@given(hosts())
def test_a_configuration_rendered_from_the_desired_state_has_no_drift(desired):
    found = cube.drift(desired, cube.config_text(desired))
    assert not found['changed'] and found['before'] == found['after']
    assert all(t['status'] == 'unchanged' for t in found['trunks'])
    assert parsers.cube_blocks(cube.config_text(desired))  # and the real parser reads it


# a change the router may carry in one of the role's blocks
MUTATIONS = st.sampled_from(['drop', 'srtp fallback', 'srtp pass-thru', 'crypto 4 AEAD_AES_128_GCM', 'cipher 9 RSA_WITH_AES_128_CBC_SHA',
                             'session transport udp', 'dtmf-relay rtp-nte', 'no vad', 'host dns:evil.example',
                             'voice-class sip tenant 9999', 'bind control source-interface Loopback0'])


def unproven(desired, blocks, lines, dropped_blocks):
    """Whether a changed router lacks the proof that an object at the role's tags is the role's (written out from
    docs/platforms/cisco_cube.md, not from the module): a dial peer or TLS profile present without the role's
    description, a voice class at a trunk's tag present without the trunk's outbound dial peer, the host-wide
    cipher list present without the host-wide TLS profile."""
    present = {tuple(block['parents']): i for i, block in enumerate(blocks) if i not in dropped_blocks}
    for i, block in enumerate(blocks):
        mark = [line for line in block['lines'] if line.startswith('description ')]
        if i not in dropped_blocks and mark and mark[0] not in lines[i]:
            return True
    kinds = {}
    for owner, block in cube.ordered_blocks(desired):
        kinds.setdefault(owner, []).append(block)
    for trunk in desired['trunks']:
        outbound = ('dial-peer voice %d voip' % trunk['dial_peers']['outbound'],)
        if outbound not in present and any(tuple(b['parents']) in present for b in kinds[trunk['name']]
                                           if b['kind'] in ('uri', 'srtp-crypto', 'tenant')):
            return True
    host = {b['kind']: tuple(b['parents']) for b in desired['host_wide']['before_trunks']}
    return 'tls-cipher' in host and host['tls-cipher'] in present and host['tls-profile'] not in present


@FAST
@given(hosts(), st.lists(st.tuples(st.integers(0, 10 ** 6), MUTATIONS), max_size=6), st.sets(st.integers(0, 50), max_size=4))
def test_the_drift_lines_applied_to_a_changed_router_leave_no_drift(desired, mutations, dropped_blocks):
    """Each block of the rendered configuration changed (a child dropped or added, a setting changed) or left
    out whole: the drift's lines, applied, leave none - and the operator's additions stay. Where a change took
    the role's mark off one of its objects, the drift refuses, naming it, and takes nothing over."""
    blocks = [pair[1] for pair in cube.ordered_blocks(desired) if pair[1]['lines']]
    lines = {i: list(block['lines']) for i, block in enumerate(blocks)}
    for where, change in mutations:
        i = where % len(blocks)
        if change == 'drop':
            if lines[i]:
                del lines[i][where % len(lines[i])]
        elif change not in lines[i]:     # IOS never prints one line twice in a mode
            lines[i].append(change)
    text = ''.join('\n'.join(cube.block_lines(block, lines[i])) + '\n!\n'
                   for i, block in enumerate(blocks) if i not in dropped_blocks)
    if unproven(desired, blocks, lines, dropped_blocks):
        with pytest.raises(cube.CubeError, match="is not the role's|cannot be told the role's"):
            cube.drift(desired, text)
        return
    found = cube.drift(desired, text)
    applied = apply(text, found['blocks'])
    again = cube.drift(desired, applied)
    assert not again['changed'], again['lines']
    tree = _tree(applied)[0]
    for i, block in enumerate(blocks):
        if block['kind'] in ('dial-peer', 'tenant') and i not in dropped_blocks:
            for extra in ('dtmf-relay rtp-nte', 'no vad'):
                if extra in lines[i]:
                    assert extra in tree[tuple(block['parents'])], (block['parents'], extra)
