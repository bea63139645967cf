# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The quoting helpers (plugins/module_utils/config_quote.py), language by language: exact output for the
values the roles write, exact refusals, and for any text a round trip through a reader of the language
(tests/unit/config_parsers.py): either the helper refuses the value, naming it, or the program reads back
exactly the value, in one string, on one line.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket

import pytest
from hypothesis import given, settings, strategies as st

from ansible.errors import AnsibleFilterError
from ansible_collections.voip.trunk_security.plugins.module_utils import config_quote as q
from ansible_collections.voip.trunk_security.plugins.module_utils import describe
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import kamailio
from ansible_collections.voip.trunk_security.plugins.filter import kamailio_quote as kamailio_filter

import config_parsers as parsers

#: Text as hostile as templates can be fed: quotes of every kind, escapes, comment and statement
#: starters, expansions, line and paragraph separators, NUL, surrogates; and arbitrary text around them.
FRAGMENTS = ['\n', '\r', '\r\n', '\0', '\t', '\x0b', '\x0c', '\x1b', '\x7f', '\x85', '\u2028', '\u2029', '\u202e',
             '\ud800', "'", '"', '`', '\u2018', '\u2019', '\u201a', '\u201b', '\u201c', '\u201d', '\\', '\\\\', ';',
             '#', '#!', '#>', '<#', '/*', '*/', '$', '$$', '$(whoami)', '${HOME}', '$ru', '%', '%%', '%n', '%(here)s',
             '{{ 7 * 7 }}', '{% raw %}', ' ', '  ', '=', ',', '<', '>', '[', ']', '(', ')', '{', '}', '|', '&', ':',
             '"){ sl_send_reply("200","x"); } if("x', '\nlisten=udp:0.0.0.0:5060\n', '\nloadmodule "evil.so"\n',
             "'; Remove-Item C:\\ -Recurse; '", 'é', '\u00a0', '\U0001f600']
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), min_size=1, max_size=6).map(''.join)


def refused_naming(error, value):
    """The refusal names the value as YAML shows it (cut after 80 characters); for a list, the item at fault."""
    candidates = [value] + (list(value) if isinstance(value, list) else [])
    assert any(describe.show(candidate) in str(error) for candidate in candidates), (str(error), value)


def round_trip(quote, read, value):
    """quote(value) is refused with the value named, or read(quote(value)) == value."""
    try:
        written = quote(value)
    except q.QuoteError as error:
        refused_naming(error, value)
        return None
    assert read(written) == value, (value, written)
    return written


# ---- what every helper refuses --------------------------------------------------------------------

@pytest.mark.parametrize('value, reason', [
    ('a\nb', 'it has a line break (U+000A)'),
    ('a\rb', 'it has a line break (U+000D)'),
    ('a\u2028b', 'it has a line break (U+2028)'),
    ('a\u2029b', 'it has a line break (U+2029)'),
    ('a\x85b', 'it has a line break (U+0085)'),
    ('a\0b', 'it has a NUL character'),
    ('a\tb', 'it has the control character U+0009'),
    ('a\x1bb', 'it has the control character U+001B'),
    ('a\u202eb', 'it has the bidirectional-text control U+202E'),
    ('a\ud800b', 'it has a lone surrogate (U+D800), not valid Unicode text'),
    (None, 'it is null, not text'),
    (True, 'it is a boolean, not text'),
    (1.5, 'it is a number, not text'),
    (['a'], 'it is a list, not text'),
    ({'a': 1}, 'it is a mapping, not text'),
])
def test_no_language_gets_a_control_character_a_line_break_or_a_non_text(value, reason):
    for helper in (q.kamailio, q.kamailio_tls, q.baresip, q.keyfile, q.systemd, q.supervisor, q.powershell):
        with pytest.raises(q.QuoteError) as error:
            helper(value) if value is not None or helper is not q.systemd else helper(value, 'value')
        assert str(error.value).endswith(': %s' % reason)
        assert describe.show(value) in str(error.value)


def test_the_message_names_the_file_the_value_and_why():
    with pytest.raises(q.QuoteError) as error:
        q.kamailio('192.0.2.1\nlisten=udp:0.0.0.0:5060')
    assert str(error.value) == ('kamailio.cfg cannot hold "192.0.2.1\\nlisten=udp:0.0.0.0:5060": it has a line break '
                                '(U+000A)')
    with pytest.raises(q.QuoteError) as error:
        q.baresip('x' * 300)
    assert str(error.value) == ("baresip config cannot hold '%s'... (300 characters): baresip keeps at most 255 bytes "
                                'of a value' % ('x' * 80))


def test_the_filter_raises_ansibles_filter_error_with_the_same_words():
    with pytest.raises(AnsibleFilterError, match='^kamailio.cfg cannot hold "a\\\\nb": it has a line break'):
        kamailio_filter.kamailio_quote('a\nb')
    with pytest.raises(AnsibleFilterError, match="kamailio_quote has no kind 'strng'"):
        kamailio_filter.kamailio_quote('a', 'strng')


# ---- Kamailio's routing script --------------------------------------------------------------------

@pytest.mark.parametrize('value, kind, written', [
    ('sbc.example.net', 'string', '"sbc.example.net"'),
    ('a"b\\c', 'string', '"a\\"b\\\\c"'),
    ('a"b', 'in_string', 'a\\"b'),
    ('192.0.2.1"){ sl_send_reply("200","x"); } if("x', 'string',
     '"192.0.2.1\\"){ sl_send_reply(\\"200\\",\\"x\\"); } if(\\"x"'),
    ('cost $5 $(ru)', 'in_format', 'cost $$5 $$(ru)'),
    ('cost $5', 'format', '"cost $$5"'),
    ('trunk # one', 'comment', 'trunk # one'),
    ({'transport': 'tls', 'address': '127.0.0.10', 'port': 5067}, 'socket', 'tls:127.0.0.10:5067'),
    ({'transport': 'tls', 'address': '::1', 'port': '5067'}, 'socket', 'tls:[::1]:5067'),
    ({'transport': 'tcp', 'address': '2001:DB8:0::00a1', 'port': 5068}, 'socket', 'tcp:[2001:db8::a1]:5068'),
    ({'transport': 'tls', 'address': '::ffff:192.0.2.1', 'port': 5067}, 'socket', 'tls:[::ffff:c000:201]:5067'),
    ('2001:db8::10', 'host', '[2001:db8::10]'),
    ('192.0.2.10', 'host', '192.0.2.10'),
    ('sbc-1.example.net', 'host', 'sbc-1.example.net'),
    ('2001:DB8:0:0:0:0:0:1', 'ip', '2001:db8::1'),
    ('::ffff:192.0.2.1', 'ip', '::ffff:192.0.2.1'),
    ('sbc.example.net', 'ip', 'sbc.example.net'),
    (5061, 'port', '5061'),
    ('5061', 'port', '5061'),
    (2, 'int', '2'),
])
def test_kamailio_writes(value, kind, written):
    assert q.kamailio(value, kind) == written


@pytest.mark.parametrize('value, kind, reason', [
    ({'transport': 'tls', 'address': 'sbc.example.net', 'port': 5067}, 'socket',
     'it must be an IPv4 or IPv6 address (such as 192.0.2.10 or 2001:db8::10)'),
    ({'transport': 'udp', 'address': '0.0.0.0:5060\nlisten=udp:0.0.0.0', 'port': 5067}, 'socket',
     'it must be an IPv4 or IPv6 address (such as 192.0.2.10 or 2001:db8::10)'),
    ({'transport': 'ws', 'address': '::1', 'port': 5067}, 'socket', 'the transport is one of udp, tcp, tls, sctp'),
    ({'transport': 'tls', 'address': 'fe80::1%eth0', 'port': 5067}, 'socket',
     'it must be an IPv4 or IPv6 address (such as 192.0.2.10 or 2001:db8::10)'),
    ({'transport': 'tls', 'address': '::1', 'port': 0}, 'socket', 'a port is an integer from 1 to 65535'),
    ('192.0.2.1"){', 'host', 'it must be an IPv4 or IPv6 address or a host name (RFC 1123)'),
    ('-sbc.example.net', 'host', 'it must be an IPv4 or IPv6 address or a host name (RFC 1123)'),
    ('5061; exit', 'port', 'a port is an integer from 1 to 65535'),
    (True, 'port', 'a port is an integer from 1 to 65535, not a boolean'),
    (65536, 'port', 'a port is an integer from 1 to 65535'),
    ('-1', 'int', 'it must be an integer from 0 to 2147483647'),
])
def test_kamailio_tokens_take_their_grammar_only(value, kind, reason):
    with pytest.raises(q.QuoteError) as error:
        q.kamailio(value, kind)
    assert str(error.value).endswith(': ' + reason)


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_a_kamailio_string_is_read_back_whole(value):
    written = round_trip(q.kamailio, lambda text: parsers.kamailio_strings('x = %s;' % text)[0], value)
    if written is not None:
        assert parsers.kamailio_structure('x = %s;' % written) == ('x', '=', 'STR', ';')


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_a_kamailio_format_string_prints_the_value_itself(value):
    round_trip(lambda v: q.kamailio(v, 'format'),
               lambda text: parsers.pv_format_text(parsers.kamailio_strings('xlog(%s);' % text)[0]), value)


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_a_kamailio_comment_stays_one_comment(value):
    round_trip(lambda v: q.kamailio(v, 'comment'),
               lambda text: text if parsers.kamailio_structure('# %s\nexit;' % text) == ('exit', ';') else None, value)


@settings(max_examples=2000, deadline=None)
@given(st.binary(min_size=16, max_size=16))
def test_the_ip_text_is_what_inet_ntop_prints(packed):
    """Kamailio 5.x prints $Ri/$si with inet_ntop (ipv6_hex_style c): the helper's pure-Python version agrees."""
    assert q.kamailio(str(ipaddress.IPv6Address(packed)), 'ip') == socket.inet_ntop(socket.AF_INET6, packed)


# ---- tls.cfg --------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, kind, written', [
    ('/etc/kamailio/gateway/tls/gateway.pem', 'value', '/etc/kamailio/gateway/tls/gateway.pem'),
    ('ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!SHA1:!SHA256:!SHA384', 'value',
     'ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!SHA1:!SHA256:!SHA384'),
    ('TLSv1.2+', 'value', 'TLSv1.2+'),
    ('*.example.net', 'value', '*.example.net'),
    ('/etc/my keys/gateway.pem', 'value', '"/etc/my keys/gateway.pem"'),
    ('a"b\\c#d', 'value', '"a\\"b\\\\c#d"'),
    ('', 'value', '""'),
    ('trunk \\ one', 'comment', 'trunk \\\\ one'),
    ({'address': '127.0.0.10', 'port': 5067}, 'profile', '127.0.0.10:5067'),
    ({'address': '::1', 'port': 5067}, 'profile', '[::1]:5067'),
    (4, 'int', '4'),
])
def test_tls_cfg_writes(value, kind, written):
    assert q.kamailio_tls(value, kind) == written


def test_tls_cfg_refuses_what_its_parser_cannot_hold():
    with pytest.raises(q.QuoteError, match=r"tls.cfg cannot hold 'x+'\.\.\. \(513 characters\): its parser reads at most "
                                           r'512 bytes in a value$'):
        q.kamailio_tls('x' * 513)
    with pytest.raises(q.QuoteError, match='it must be an IPv4 or IPv6 address'):
        q.kamailio_tls({'address': 'sbc.example.net', 'port': 5067}, 'profile')


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_a_tls_cfg_value_is_read_back_whole(value):
    def read(written):
        profiles = parsers.tls_cfg_parse('[client:any]\nserver_name = %s\nverify_depth = 4\n' % written)
        assert [name for name, _value in profiles[0][1]] == ['server_name', 'verify_depth']
        return profiles[0][1][0][1]
    round_trip(q.kamailio_tls, read, value)


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_a_tls_cfg_comment_never_swallows_the_next_line(value):
    def read(written):
        assert parsers.tls_cfg_structure('# %s\n[server:default]\nverify_depth = 4\n' % written) == (
            ('profile', 'server', 'default'), ('option', 'verify_depth'))
        return value
    round_trip(lambda v: q.kamailio_tls(v, 'comment'), read, value)


def test_a_tls_profile_address_parses_as_the_tls_module_reads_it():
    assert parsers.tls_cfg_parse('[server:%s]\n' % q.kamailio_tls({'address': '2001:db8::1', 'port': 5067}, 'profile')) \
        == [(('server', '2001:db8::1:5067'), [])]


# ---- baresip --------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, kind, written', [
    ('127.0.0.1:5062', 'value', '127.0.0.1:5062'),
    ('alsa,default', 'value', 'alsa,default'),
    ('debug_cmd', 'key', 'debug_cmd'),
    ('Alice Example', 'display_name', '"Alice Example"'),
    ('sip:alice@lab.test', 'account', 'sip:alice@lab.test'),
    ('[::1]', 'account', '[::1]'),
    ('2001:db8::1', 'host', '[2001:db8::1]'),
])
def test_baresip_writes(value, kind, written):
    assert q.baresip(value, kind) == written


@pytest.mark.parametrize('value, kind, reason', [
    ('/var/lib/my records', 'value', 'libre reads a value up to the first space or tab'),
    ('', 'value', 'libre reads an empty value as no value'),
    ('sip_listen\t0.0.0.0', 'value', 'it has the control character U+0009'),
    ('debug.so', 'key', 'a key or module name is 1-64 letters, digits or "_"'),
    ('Alice "Admin"', 'display_name',
     'libre reads a display name up to the next \'"\' and knows no escapes: no \'"\' or "\\"'),
    ('sip:alice@lab.test>;auth_pass=x', 'account', "it has '>', which delimits the parts of an account line"),
    ('pcmu,opus', 'account', "it has ',', which delimits the parts of an account line"),
])
def test_baresip_refuses_what_libre_would_split(value, kind, reason):
    with pytest.raises(q.QuoteError) as error:
        q.baresip(value, kind)
    assert str(error.value).endswith(': ' + reason)


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_a_baresip_value_is_one_word_on_one_line(value):
    def read(written):
        entries = parsers.baresip_config_parse('poll_method\t\tepoll\nsip_cafile\t\t%s\nrtcp_mux\t\tno\n' % written)
        assert [key for key, _value in entries] == ['poll_method', 'sip_cafile', 'rtcp_mux']
        return ' '.join(entries[1][1])
    round_trip(q.baresip, read, value)


@settings(max_examples=300, deadline=None)
@given(hostile, hostile)
def test_an_account_line_keeps_its_parts(display, aor):
    try:
        line = '%s <%s;transport=tls>;regint=0;answermode=auto\n' % (
            q.baresip(display, 'display_name'), q.baresip(aor, 'account'))
    except q.QuoteError as error:
        assert describe.show(display) in str(error) or describe.show(aor) in str(error)
        return
    [account] = parsers.baresip_accounts_parse(line)
    assert (account['display'], account['uri'], account['uri_params']) == (display, aor, ['transport'])
    assert [name for name, _value in account['params']] == ['regint', 'answermode']


# ---- GLib key files (rtpengine.conf) ---------------------------------------------------------------

@pytest.mark.parametrize('value, kind, written', [
    ('127.0.0.1:2223', 'value', '127.0.0.1:2223'),
    (' padded ', 'value', '\\spadded\\s'),
    ('a\\b', 'value', 'a\\\\b'),
    (['internal/127.0.0.3', 'trunk/127.0.0.4'], 'list', 'internal/127.0.0.3;trunk/127.0.0.4'),
    (['a;b', 'c'], 'list', 'a\\;b;c'),
    ('delete-delay', 'key', 'delete-delay'),
    (30, 'value', '30'),
])
def test_keyfile_writes(value, kind, written):
    assert q.keyfile(value, kind) == written


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_a_keyfile_value_is_read_back_whole(value):
    def read(written):
        [(group, entries)] = parsers.keyfile_parse('[rtpengine]\nlisten-ng = %s\ntable = -1\n' % written)
        assert [key for key, _value in entries] == ['listen-ng', 'table']
        return parsers.keyfile_value(entries[0][1])
    round_trip(q.keyfile, read, value)


@settings(max_examples=300, deadline=None)
@given(st.lists(hostile, min_size=1, max_size=3))
def test_a_keyfile_list_keeps_its_items(items):
    def read(written):
        [(group, entries)] = parsers.keyfile_parse('[rtpengine]\ninterface = %s\n' % written)
        return parsers.keyfile_value(entries[0][1], ';')
    round_trip(lambda v: q.keyfile(v, 'list'), read, items)


# ---- command lines: systemd and supervisor ---------------------------------------------------------

COMMAND = '/usr/sbin/kamailio -DD -E -f /etc/kamailio/gateway/kamailio.cfg -m 64 -M 8 -P /run/kamailio-gateway/kamailio.pid'


def test_a_plain_command_line_is_written_as_it_is():
    assert q.systemd(COMMAND, 'exec') == COMMAND
    assert q.supervisor(COMMAND, 'command') == COMMAND


def test_a_path_with_a_space_stays_one_word():
    assert q.systemd(['/usr/bin/baresip', '-f', '/etc/baresip/my endpoint'], 'exec') == \
        '/usr/bin/baresip -f "/etc/baresip/my endpoint"'
    assert q.supervisor(['/usr/bin/baresip', '-f', '/etc/baresip/my endpoint'], 'command') == \
        "/usr/bin/baresip -f '/etc/baresip/my endpoint'"
    assert q.systemd('/bin/x 50% $HOME', 'exec') == '/bin/x "50%%" "$$HOME"'


@pytest.mark.parametrize('helper, value, kind, reason', [
    (q.systemd, 'Gateway \\', 'value', 'a "\\" at the end of a line joins the next line to it'),
    (q.systemd, ' Gateway', 'value', 'systemd strips spaces at either end of a value'),
    (q.systemd, '-/bin/x', 'exec', 'a program does not start with "-" (systemd reads it as a flag)'),
    (q.systemd, '/bin/x "unclosed', 'exec', 'it is not a command line (No closing quotation)'),
    (q.supervisor, '/var/log/x.log ;comment', 'value',
     'supervisor reads ";" or "#" after a space (or first) as the start of a comment'),
    (q.supervisor, ['/bin/x', 'a ;b'], 'command',
     'supervisor reads ";" or "#" after a space (or first) as the start of a comment'),
    (q.supervisor, 'gateway]\n[program:x', 'section', 'it has a line break (U+000A)'),
    (q.supervisor, 'gate:way', 'section', 'a program name is letters, digits and "_", ".", "@", "-"'),
])
def test_command_lines_and_values_refused(helper, value, kind, reason):
    with pytest.raises(q.QuoteError) as error:
        helper(value, kind)
    assert str(error.value).endswith(': ' + reason)


@settings(max_examples=300, deadline=None)
@given(st.lists(hostile, min_size=0, max_size=3))
def test_systemd_runs_the_words_it_was_given(arguments):
    words = ['/usr/bin/baresip'] + arguments

    def read(written):
        [(section, entries)] = parsers.systemd_parse('[Service]\nExecStart=%s\nRestart=on-failure\n' % written)
        assert [key for key, _value in entries] == ['ExecStart', 'Restart']
        return parsers.systemd_exec_words(entries[0][1])
    round_trip(lambda v: q.systemd(v, 'exec'), read, words)


@settings(max_examples=300, deadline=None)
@given(st.lists(hostile, min_size=0, max_size=3))
def test_supervisor_runs_the_words_it_was_given(arguments):
    words = ['/usr/bin/baresip'] + arguments

    def read(written):
        text = '[program:x]\ncommand=%s\nautostart=true\n' % written
        assert parsers.supervisor_structure(text) == (('section', 'program'), ('option', 'command'),
                                                      ('option', 'autostart'))
        return parsers.supervisor_command_words(text, 'program:x')
    round_trip(lambda v: q.supervisor(v, 'command'), read, words)


@settings(max_examples=200, deadline=None)
@given(hostile)
def test_a_command_string_is_split_as_a_shell_would(command):
    """A command given as one string means the words a POSIX shell makes of it."""
    line = '/usr/bin/baresip ' + command
    try:
        words = shlex.split(line)
    except ValueError:
        return
    try:
        assert parsers.systemd_exec_words(q.systemd(line, 'exec')) == words
    except q.QuoteError as error:
        refused_naming(error, line)


# ---- PowerShell -----------------------------------------------------------------------------------

@pytest.mark.parametrize('value, kind, written', [
    ('Global', 'string', "'Global'"),
    ("the trunks' SRTP", 'string', "'the trunks'' SRTP'"),
    ('O\u2019Brien \u2018x\u2019', 'string', "'O\u2019\u2019Brien \u2018\u2018x\u2019\u2019'"),
    ('root\\cimv2', 'string', "'root\\cimv2'"),
    ('x $(Remove-Item) `n "y"', 'in_string', 'x $(Remove-Item) `n "y"'),
    (5067, 'value', '5067'),
    (True, 'value', '$true'),
    ('Required', 'value', "'Required'"),
    ('SipClientTlsPort', 'name', 'SipClientTlsPort'),
    ("Set-CsTrunkConfiguration -Identity 'Global' -SRTPMode 'Required'", 'line',
     "Set-CsTrunkConfiguration -Identity 'Global' -SRTPMode 'Required'"),
])
def test_powershell_writes(value, kind, written):
    assert q.powershell(value, kind) == written


@pytest.mark.parametrize('value, kind, reason', [
    ('med01 #> Remove-Item C:\\ <#', 'comment', '#> would end or open a block comment'),
    ('Sip-Port', 'name', 'a property name is letters, digits and "_", not starting with a digit, at most 64 characters'),
    ("Set-Cs 'x'\nRemove-Item", 'line', 'it has a line break (U+000A)'),
])
def test_powershell_refuses(value, kind, reason):
    with pytest.raises(q.QuoteError) as error:
        q.powershell(value, kind)
    assert str(error.value).endswith(': ' + reason)


def test_the_vetted_literal_is_mediation_servers_own():
    assert q.powershell('PstnGateway:sbc.contoso.example', 'vetted') == "'PstnGateway:sbc.contoso.example'"
    with pytest.raises(q.QuoteError, match=r"^'o''brien' cannot be written into a PowerShell script: use letters"):
        q.powershell("o'brien", 'vetted')


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_a_powershell_string_is_read_back_whole(value):
    pytest.importorskip('tree_sitter_powershell')
    parser = parsers.powershell_parser()

    def read(written):
        text = '$message = %s\n$id = 1\n' % written
        assert parsers.powershell_structure(text, parser) == parsers.powershell_structure("$message = 'x'\n$id = 1\n",
                                                                                          parser)
        return parsers.powershell_strings(text, parser)[0]
    round_trip(q.powershell, read, value)


def test_kamailio_statements_leave_out_comments_and_keep_directives():
    text = '# Ansible managed\n#!define FLT 1\n\nlisten=tls:127.0.0.1:5067  \n    # trunk a: TLS\n  route(X);\n'
    assert kamailio.statements(text) == ['#!define FLT 1', 'listen=tls:127.0.0.1:5067', 'route(X);']
    assert kamailio.statements(text.replace('trunk a: TLS', 'trunk a: TLS, policy optional')) == (
        kamailio.statements(text))
    assert kamailio.statements(text.replace('5067', '5068')) != kamailio.statements(text)
    assert kamailio.statements(None) == [] and kamailio.statements('') == []
