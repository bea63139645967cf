# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The form of every trunk value that reaches a configuration file, and the words of input errors."""

from __future__ import annotations

import json

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils import describe
from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy as tp
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError

HOST_NAME_WORDS = ('a host name (RFC 1123: labels of letters, digits and "-", 1-63 characters each, not starting or '
                   'ending with "-", separated by dots, 253 characters in all)')


def trunk(**changes):
    data = {'name': 'lon-1', 'connection': 'public', 'provider': {'tls': True, 'srtp': True, 'address': 'sbc.example.net'},
            'gateway': {'address': '192.0.2.10'}}
    for path, value in changes.items():
        target = data
        keys = path.split('__')
        for key in keys[:-1]:
            target = target.setdefault(key, {})
        target[keys[-1]] = value
    return data


def problems_and_text(data):
    with pytest.raises(TrunkInputError) as info:
        tp.evaluate(data)
    return {p.field: p.message for p in info.value.problems}, str(info.value)


def problems(data):
    return problems_and_text(data)[0]


# --------------------------------------------------------------------------- addresses and names

@pytest.mark.parametrize('address', ['192.0.2.1', '2001:db8::1', '::1', '127.0.0.1', 'fe80::1', '::ffff:192.0.2.1'])
def test_gateway_address_takes_ip_literals(address):
    assert tp.evaluate(trunk(gateway__address=address))['decision'] == 'required'


@pytest.mark.parametrize('address', [
    'gw.example.net', '192.0.2.1\nlisten=udp:0.0.0.0:5060', '192.0.2.1 ', ' 192.0.2.1', '[2001:db8::1]', 'fe80::1%eth0',
    '192.0.2.256', '01.2.3.4', '192.0.2.1"){ sl_send_reply("200","x"); } if("x', '\uff11.2.3.4', '192.0.2.1\u2028',
    '0.0.0.0', '::', '224.0.0.1', 'ff02::1',
])
def test_gateway_address_refuses_anything_but_an_ip_literal(address):
    found = problems(trunk(gateway__address=address))
    assert found == {'gateway.address': '%s is not an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10 (not '
                                        '0.0.0.0, :: or multicast)' % describe.quote(address)}


@pytest.mark.parametrize('address', ['sbc.example.net', 'SBC-1.Example.NET', 'a', 'x' * 63 + '.example', '192.0.2.7',
                                     '2001:db8::7', 'a1.b2.c3', '1sbc.example.net', ('a' * 63 + '.') * 3 + 'a' * 61])
def test_provider_address_takes_ip_literals_and_host_names(address):
    assert tp.evaluate(trunk(provider__address=address))['decision'] == 'required'


@pytest.mark.parametrize('address', [
    'sbc.example.net\nloadmodule "x.so"', 'sbc..example.net', '-sbc.example.net', 'sbc-.example.net',
    'sbc.example.net.', 'x' * 64 + '.example', ('a' * 63 + '.') * 3 + 'a' * 62, 'sbc_1.example.net', 'sbc example',
    '192.0.2.300', '10.1', 'sbc.example.net:5061', 'sip:sbc.example.net', 'b\u00fccher.example', '*.example.net',
    '192.0.2.1"){ sl_send_reply("200","x"); } if("x', "sbc'; Remove-Item C:\\ -Recurse; '", '0.0.0.0', '::',
])
def test_provider_address_refuses_the_rest(address):
    found = problems(trunk(provider__address=address))
    assert found == {'provider.address': '%s is not an IPv4 or IPv6 address or %s' % (describe.quote(address),
                                                                                      HOST_NAME_WORDS)}


@pytest.mark.parametrize('name', ['sbc.example.net', '*.example.net', '192.0.2.9', 'provider.lab.test'])
def test_server_name_takes_host_names_wildcards_and_addresses(name):
    assert tp.evaluate(trunk(provider__server_name=name))['decision'] == 'required'


@pytest.mark.parametrize('name', ['*.', '*.*.example.net', 'a.*.example.net', '*example.net', 'sbc.example.net\n',
                                  '*', '*.net'])
def test_server_name_refuses_misplaced_wildcards_and_line_breaks(name):
    found = problems(trunk(provider__server_name=name))
    assert list(found) == ['provider.server_name']
    assert found['provider.server_name'].endswith('; a leading "*." label is allowed)')


@pytest.mark.parametrize('name, ok', [('a' * 64, True), ('a' * 65, False), ('lon_1.b-2', True), ('lon 1', False),
                                      ('lon-1\n', False), ('lon/1', False), ('l\u00f6n', False)])
def test_trunk_names(name, ok):
    data = trunk(name=name)
    if ok:
        assert tp.evaluate(data)['name'] == name
    else:
        found = problems(data)
        assert found == {'name': '%s is not a name of letters, digits, ".", "_" and "-", at most 64 characters'
                         % describe.quote(name)}


@pytest.mark.parametrize('field', ['provider__name', 'segments'])
@pytest.mark.parametrize('text, ok', [('Contoso Telecom (UK) Ltd.', True), ('x' * 128, True), ('x' * 129, False),
                                      ('Contoso\nTelecom', False), ('Contoso\x00', False), ('Contoso\u2028', False),
                                      ('caf\u00e9 "du coin"', True)])
def test_free_text_is_printable_and_bounded(field, text, ok):
    if field == 'provider__name':
        data = trunk(provider__name=text)
    else:
        data = trunk(segments=[{'name': text, 'audience': 'public'}])
    where = 'provider.name' if field == 'provider__name' else 'segments[0].name'
    if ok:
        tp.evaluate(data)
    else:
        found = problems(data)
        assert found == {where: '%s is not printable text of at most 128 characters, on one line' % describe.quote(text)}


@pytest.mark.parametrize('port', ['5061', ' 5061'])
def test_a_port_in_quotes_is_refused_and_the_message_says_so(port):
    found = problems(trunk(provider__port=port))
    assert found == {'provider.port': 'must be a port number from 1 to 65535, found a string %s: write the port as a '
                                      'number, without quotes' % describe.quote(port)}


# --------------------------------------------------------------------------- the words of messages

def test_null_is_said_once():
    found = problems(trunk(segments=[None]))
    assert found == {'segments[0]': 'must be a mapping, found null'}


def test_a_huge_integer_is_described_by_its_size():
    found = problems(trunk(provider__port=1 << 16610))
    assert found == {'provider.port': 'must be a port number from 1 to 65535, found an integer of 16611 bits'}


def test_a_huge_integer_as_a_key_is_an_unknown_key():
    data = trunk()
    data[1 << 20000] = 1
    with pytest.raises(TrunkInputError) as info:
        tp.evaluate(data)
    (item,) = info.value.problems
    assert item.field == 'an integer of 20001 bits'
    assert item.message.startswith('unknown key; allowed keys: name, connection')
    assert json.loads(json.dumps(info.value.as_dict()))['problems'][0]['value'] == 'an integer of 20001 bits'


def test_plain_type_names():
    found = problems(trunk(name=7, connection=True, opportunistic='yes', provider__tls=1.5, segments='core',
                           mediation_subnet=['10.0.0.0/8']))
    assert found == {
        'name': 'must be a non-empty string, found an integer 7',
        'connection': 'a boolean true is not an allowed value; allowed values: private, vpn, public',
        'opportunistic': "must be true or false, found a string 'yes'",
        'provider.tls': 'must be true or false, found a number 1.5',
        'mediation_subnet': "must be a mapping, found a list ['10.0.0.0/8']",
        'segments': "must be a list of points of the path, found a string 'core'",
    }


@pytest.mark.parametrize('value, shown', [(float('nan'), 'a number .nan'), (float('inf'), 'a number .inf'),
                                          (float('-inf'), 'a number -.inf')])
def test_non_finite_numbers_are_shown_as_yaml_writes_them(value, shown):
    found = problems(trunk(gateway__tls_port=value))
    assert found == {'gateway.tls_port': 'must be a port number from 1 to 65535, found %s' % shown}
    error = tp.TrunkInputError('t', [tp.InputProblem('gateway.tls_port', 'x', value)])
    json.dumps(error.as_dict(), allow_nan=False)


def test_a_long_value_is_cut_and_its_length_given():
    found, text = problems_and_text(trunk(provider__address='a' * 10000))
    assert "'%s'... (10000 characters) is not" % ('a' * 80) in found['provider.address']
    assert len(text) < 1000


def test_deep_nesting_is_described_not_recursed():
    deep = []
    for depth in range(5000):
        deep = [deep]
    found = problems(trunk(segments=[deep], provider__name={'a': deep}))
    assert found == {'segments[0]': 'must be a mapping, found a list [[[...]]]',
                     'provider.name': 'must be a non-empty string, found a mapping {a: [[...]]}'}


def test_trunks_are_placed_counting_from_one():
    outcomes = tp.assess([trunk(), {'connection': 'public'}, trunk(name='x', connection='mpls'), 7, trunk(name='lon 2')])
    assert [str(o['error']).split(' is invalid', maxsplit=1)[0] for o in outcomes[1:]] == [
        'trunk 2 of 5', "trunk 'x' (3 of 5)", 'trunk 4 of 5', "trunk 'lon 2' (5 of 5)"]


def test_a_name_with_a_line_break_never_reaches_the_label():
    outcomes = tp.assess([trunk(name='evil\nlisten=udp:0.0.0.0:5060')])
    assert str(outcomes[0]['error']).startswith('trunk 1 of 1 is invalid: name: "evil\\nlisten=udp:0.0.0.0:5060" is not')
    assert outcomes[0]['name'] is None
    assert tp.report_name(trunk(name='evil\nx'), 0, 1) == '(1 of 1)'


def test_a_list_of_trunks_is_required():
    with pytest.raises(TrunkInputError) as info:
        tp.assess(7)
    assert str(info.value) == 'the trunks is invalid: trunks: must be a list of trunks, found an integer 7'


# --------------------------------------------------------------------------- Ansible's tagged values

@pytest.fixture
def tagged():
    datatag = pytest.importorskip('ansible.module_utils._internal._datatag')
    tags = pytest.importorskip('ansible._internal._datatag._tags')
    return lambda value: datatag.AnsibleTagHelper.tag(value, [tags.TrustedAsTemplate()])


def test_tagged_values_read_as_their_plain_types(tagged):
    data = tagged({'name': tagged('lon-1'), 'connection': tagged('vpnn'), 'provider': tagged('Acme'),
                   'segments': tagged({'name': 'x'})})
    assert type(data).__name__.startswith('_AnsibleTagged')
    found, text = problems_and_text(data)
    assert found == {'connection': "'vpnn' is not an allowed value (did you mean 'vpn'?); allowed values: private, vpn, "
                                   'public',
                     'provider': "must be a mapping, found a string 'Acme'",
                     'segments': "must be a list of points of the path, found a mapping {name: 'x'}"}
    assert 'Tagged' not in text
    good = tagged({'name': tagged('lon-1'), 'connection': tagged('public'),
                   'provider': tagged({'tls': True, 'srtp': True, 'address': tagged('sbc.example.net')})})
    assert json.dumps(tp.evaluate(good))


def test_describe_never_names_a_private_class():
    class _Hidden(dict):
        pass

    class _Odd(object):
        pass

    assert describe.found(_Hidden(a=1)) == 'a mapping {a: 1}'
    assert describe.type_name(_Odd()) == 'a value of type object'
    assert describe.found(b'x') == 'binary data'
    assert describe.found({1, 2}) == 'a list'


@pytest.mark.parametrize('text, shown', [("it's", "'it''s'"), ('a\nb', '"a\\nb"'), ('tab\there', '"tab\\there"'),
                                         ('nul\x00', '"nul\\0"'), ('ls\u2028', '"ls\\u2028"'), ('q"\\', '\'q"\\\''),
                                         ('', "''")])
def test_strings_are_quoted_as_yaml_quotes_them(text, shown):
    assert describe.quote(text) == shown


def test_integers_beyond_python_s_print_limit():
    assert describe.show(10 ** 5000) == 'an integer of %d bits' % (10 ** 5000).bit_length()
    assert describe.jsonable(10 ** 5000) == describe.show(10 ** 5000)
    assert describe.jsonable(5061) == 5061
