# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How a value is written into each kind of file the roles render: one helper per language.

Validation (the engine's grammar, the roles' argument specs and input checks) is the first
wall; this is the second: whatever reaches a template, it cannot change the structure of the
file it lands in. Each helper takes the value and the kind of position it stands in:

* a string position escapes the value so that it stays inside one string literal of the
  language;
* a token position (a listen socket, an address, a port, a key, a section name) accepts only
  its grammar and refuses anything else;
* a comment refuses whatever would end the comment early (a line break, ``#>`` in a
  PowerShell block comment) and escapes what the language's comment syntax gives a meaning.

Nothing is dropped or replaced silently: a value a file cannot carry faithfully raises
:class:`QuoteError`, whose message names the file, the value (as YAML shows it) and why.
Control characters, line and paragraph separators, bidirectional-text controls, NUL and lone
surrogates are refused everywhere: no configuration value needs one, and where a language
could escape a line break (Kamailio strings, GLib key files) the program would still hand it
on as one (a SIP reason phrase, a log line).

Pure Python, no I/O, no Ansible import; the filter plugins ``kamailio_quote``,
``kamailio_tls_quote``, ``baresip_quote``, ``keyfile_quote``, ``systemd_quote``,
``supervisor_quote`` and ``powershell_quote`` expose these helpers to the templates.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re
import shlex

from collections.abc import Mapping, Sequence

from ansible_collections.voip.trunk_security.plugins.module_utils import describe


class QuoteError(ValueError):
    """A value that a file of the target language cannot hold without a change of its structure."""


# ---------------------------------------------------------------------------------------------
# Characters no helper writes
# ---------------------------------------------------------------------------------------------

#: Every character Python, an editor or a reviewer may take for the end of a line.
LINE_BREAKS = frozenset(u'\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029')
#: Bidirectional-text controls: they reorder what a reviewer sees without changing what a program reads.
BIDI_CONTROLS = frozenset(u'\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')

_PORT_TEXT = re.compile(r'[0-9]{1,5}\Z')
_INT_TEXT = re.compile(r'[0-9]{1,18}\Z')
_HOST_LABEL = re.compile(r'[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z')


def _fail(where, value, reason):
    raise QuoteError('%s cannot hold %s: %s' % (where, describe.show(value), reason))


def _char_name(char):
    return 'U+%04X' % ord(char)


def text(value, where):
    """The value as text a file may carry, or :class:`QuoteError`.

    Strings and integers are text (an integer as its decimal digits); a boolean, null, a
    number with a fraction, a list or a mapping is not, since each would be written as
    Python spells it. Refused in a string: NUL, control characters, line breaks, line and
    paragraph separators, bidirectional-text controls and lone surrogates.
    """
    if isinstance(value, bool) or value is None:
        _fail(where, value, 'it is %s, not text' % describe.type_name(value))
    if isinstance(value, int):
        if value.bit_length() > 64:
            _fail(where, value, 'an integer this large is no configuration value')
        return '%d' % value
    if not isinstance(value, str):
        _fail(where, value, 'it is %s, not text' % describe.type_name(value))
    plain = u'%s' % value
    for char in plain:
        code = ord(char)
        if char == u'\0':
            _fail(where, value, 'it has a NUL character')
        if char in LINE_BREAKS:
            _fail(where, value, 'it has a line break (%s)' % _char_name(char))
        if code < 0x20 or 0x7f <= code < 0xa0:
            _fail(where, value, 'it has the control character %s' % _char_name(char))
        if char in BIDI_CONTROLS:
            _fail(where, value, 'it has the bidirectional-text control %s' % _char_name(char))
        if 0xd800 <= code < 0xe000:
            _fail(where, value, 'it has a lone surrogate (%s), not valid Unicode text' % _char_name(char))
    return plain


def port(value, where):
    """A port, 1 to 65535, as its digits: an integer, or a string of digits."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        _fail(where, value, 'a port is an integer from 1 to 65535, not %s' % describe.type_name(value))
    if isinstance(value, str) and not _PORT_TEXT.match(value):
        _fail(where, value, 'a port is an integer from 1 to 65535')
    number = int(value)
    if not 1 <= number <= 65535:
        _fail(where, value, 'a port is an integer from 1 to 65535')
    return '%d' % number


def integer(value, where, low=0, high=2 ** 31 - 1):
    """A whole number in [low, high], as its digits: an integer, or a string of digits."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        _fail(where, value, 'it must be an integer from %d to %d, not %s' % (low, high, describe.type_name(value)))
    if isinstance(value, str) and not _INT_TEXT.match(value):
        _fail(where, value, 'it must be an integer from %d to %d' % (low, high))
    number = int(value)
    if not low <= number <= high:
        _fail(where, value, 'it must be an integer from %d to %d' % (low, high))
    return '%d' % number


def ip_address(value):
    """The :mod:`ipaddress` object of an IPv4 or IPv6 literal (no zone index), or None."""
    if not isinstance(value, str) or not value or len(value) > 45 or '%' in value:
        return None
    try:
        return ipaddress.ip_address(u'%s' % value)
    except ValueError:
        return None


def is_host_name(value):
    """An RFC 1123 host name: dot-separated labels of letters, digits and ``-`` (1-63 characters, no ``-`` at
    either end), 253 characters at most. Not an IP literal."""
    if not isinstance(value, str) or not value or len(value) > 253:
        return False
    return all(_HOST_LABEL.match(label) for label in value.split('.'))


def _ip_only(value, where):
    address = ip_address(value)
    if address is None:
        _fail(where, value, 'it must be an IPv4 or IPv6 address (such as 192.0.2.10 or 2001:db8::10)')
    return address


def _host(value, where):
    """An IP address (canonical) or a host name, for URI and socket positions."""
    address = ip_address(value)
    if address is not None:
        return address
    if is_host_name(value):
        return u'%s' % value
    _fail(where, value, 'it must be an IPv4 or IPv6 address or a host name (RFC 1123)')


def _bracketed(address):
    """An address as a URI or a socket writes it: IPv6 in brackets, compressed, hexadecimal only."""
    if isinstance(address, ipaddress.IPv6Address):
        return '[%s]' % address.compressed
    return '%s' % address


def inet_ntop(address):
    """The text the C library's ``inet_ntop`` (glibc) gives for an address, which is how Kamailio 5.x prints
    ``$Ri``, ``$si`` and its sockets (core parameter ``ipv6_hex_style``, default ``c``): IPv6 compressed, in
    lower case, an IPv4-mapped or IPv4-compatible address with its last 32 bits dotted (``::ffff:192.0.2.1``)."""
    if isinstance(address, ipaddress.IPv4Address):
        return '%s' % address
    words = [int(address.exploded[i:i + 4], 16) for i in range(0, 39, 5)]
    best_base, best_len, base, length = -1, 0, -1, 0
    for i, word in enumerate(words):
        if word == 0:
            if base < 0:
                base, length = i, 1
            else:
                length += 1
            if length > best_len:
                best_base, best_len = base, length
        else:
            base, length = -1, 0
    if best_len < 2:
        best_base = -1
    parts = []
    i = 0
    while i < 8:
        if i == best_base:
            parts.append('')
            i += best_len
            if i == 8:
                parts.append('')
            continue
        if i == 6 and best_base == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xffff)):
            parts.append('%d.%d.%d.%d' % (words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff))
            break
        parts.append('%x' % words[i])
        i += 1
    result = ':'.join(parts)
    if best_base == 0:
        result = ':' + result
    return result


def comment(value, where):
    """Text for a line comment: no line break (nor anything else :func:`text` refuses)."""
    return text(value, where)


# ---------------------------------------------------------------------------------------------
# Kamailio's routing script (kamailio.cfg)
# ---------------------------------------------------------------------------------------------

KAMAILIO = 'kamailio.cfg'
KAMAILIO_TRANSPORTS = ('udp', 'tcp', 'tls', 'sctp')


def _kamailio_escape(plain):
    # Kamailio's lexer (core/cfg.lex, state STRING1) ends a string at an unescaped '"' and reads
    # '\\' and '\"' as one backslash and one quote; nothing else in a string has a meaning to it.
    return plain.replace('\\', '\\\\').replace('"', '\\"')


def kamailio(value, kind='string'):
    """A value for Kamailio's routing script, as it stands in position ``kind``:

    ``string``
        a double-quoted string literal (``"..."``), for plain strings: comparisons
        (``$Ri == "..."``), assignments (``$du = "..."``), ``modparam`` values.
    ``in_string``
        the same, without the quotes, inside a literal the template writes.
    ``format`` / ``in_format``
        a literal (or its inside) given to a function that expands pseudo-variables
        (``xlog``, ``sl_send_reply``, ``rtpengine_offer``): ``$`` is doubled as well, so that
        it stays a ``$`` instead of starting a pseudo-variable.
    ``comment``
        the text of a ``#`` comment.
    ``socket``
        a listen socket ``PROTO:ADDRESS:PORT`` from a mapping with ``transport``, ``address``
        (an IPv4 or IPv6 literal; IPv6 in brackets) and ``port``, for ``listen=`` and ``$fs``.
    ``host``
        the host of a SIP URI: an IPv4 address, an IPv6 address in brackets, or a host name.
    ``ip``
        an address as Kamailio prints ``$Ri`` and ``$si`` (:func:`inet_ntop`); a host name as it is.
    ``port``
        a port (1-65535).
    ``int``
        a non-negative integer.
    """
    if kind in ('string', 'in_string', 'format', 'in_format'):
        escaped = _kamailio_escape(text(value, KAMAILIO))
        if kind in ('format', 'in_format'):
            escaped = escaped.replace('$', '$$')
        return '"%s"' % escaped if kind in ('string', 'format') else escaped
    if kind == 'comment':
        return comment(value, KAMAILIO + ' (a comment)')
    if kind == 'socket':
        return _kamailio_socket(value)
    if kind == 'host':
        return _bracketed(_host(value, KAMAILIO + ' (a SIP URI host)'))
    if kind == 'ip':
        address = _host(value, KAMAILIO + ' (an address)')
        return address if isinstance(address, str) else inet_ntop(address)
    if kind == 'port':
        return port(value, KAMAILIO + ' (a port)')
    if kind == 'int':
        return integer(value, KAMAILIO + ' (an integer)')
    raise QuoteError('kamailio_quote has no kind %s; it knows string, in_string, format, in_format, comment, socket, '
                     'host, ip, port, int' % describe.show(kind))


def _kamailio_socket(value):
    where = KAMAILIO + ' (a listen socket)'
    if not isinstance(value, Mapping):
        _fail(where, value, 'a socket is a mapping with transport, address and port')
    transport = value.get('transport', 'udp')
    if transport not in KAMAILIO_TRANSPORTS:
        _fail(where, transport, 'the transport is one of %s' % ', '.join(KAMAILIO_TRANSPORTS))
    address = _ip_only(value.get('address'), where)
    return '%s:%s:%s' % (transport, _bracketed(address), port(value.get('port'), where))


# ---------------------------------------------------------------------------------------------
# Kamailio's TLS profiles (tls.cfg, read by core/cfg_parser.c)
# ---------------------------------------------------------------------------------------------

TLS_CFG = 'tls.cfg'
#: core/cfg_parser.c keeps a token in a buffer of MAX_TOKEN_LEN bytes and refuses a longer one.
TLS_CFG_MAX_TOKEN = 512
# What an unquoted value may be made of (IS_ALPHA and most of IS_DELIM of cfg_parser.c).
_TLS_CFG_BARE = re.compile(r'[A-Za-z0-9_./:+!@,*-]+\Z')


def kamailio_tls(value, kind='value'):
    """A value for Kamailio's TLS profile file, as it stands in position ``kind``:

    ``value``
        the value of ``option = value``: as it is when it is made of letters, digits and
        ``_./:+!@,*-`` only (paths, cipher lists, names), else a double-quoted string with
        ``\\`` and ``"`` escaped. At most 512 bytes (the parser's token buffer).
    ``comment``
        the text of a ``#`` comment; a backslash is doubled, since the parser reads a
        backslash in a comment as escaping the next character, a line end included.
    ``profile``
        the address part of a ``[server:...]`` / ``[client:...]`` profile name from a
        mapping with ``address`` (an IPv4 or IPv6 literal; IPv6 in brackets, as the TLS
        module's parser requires) and ``port``.
    ``int``
        a non-negative integer (``verify_depth``).
    """
    if kind == 'value':
        plain = text(value, TLS_CFG)
        if len(plain.encode('utf-8')) > TLS_CFG_MAX_TOKEN:
            _fail(TLS_CFG, value, 'its parser reads at most %d bytes in a value' % TLS_CFG_MAX_TOKEN)
        if _TLS_CFG_BARE.match(plain):
            return plain
        return '"%s"' % plain.replace('\\', '\\\\').replace('"', '\\"')
    if kind == 'comment':
        return comment(value, TLS_CFG + ' (a comment)').replace('\\', '\\\\')
    if kind == 'profile':
        where = TLS_CFG + ' (a profile address)'
        if not isinstance(value, Mapping):
            _fail(where, value, 'a profile address is a mapping with address and port')
        return '%s:%s' % (_bracketed(_ip_only(value.get('address'), where)), port(value.get('port'), where))
    if kind == 'int':
        return integer(value, TLS_CFG + ' (an integer)')
    raise QuoteError('kamailio_tls_quote has no kind %s; it knows value, comment, profile, int' % describe.show(kind))


# ---------------------------------------------------------------------------------------------
# baresip (config and accounts, read with libre's conf and sip_addr parsers)
# ---------------------------------------------------------------------------------------------

BARESIP = 'baresip config'
BARESIP_ACCOUNTS = 'baresip accounts'
#: baresip copies config values into buffers of 256 bytes or less.
BARESIP_MAX_VALUE = 255
_BARESIP_KEY = re.compile(r'[A-Za-z0-9_]{1,64}\Z')
# An account line is <URI>;name=value;... with a quoted display name before it: these
# characters delimit its parts, so no value inside it may hold one.
_ACCOUNT_DELIMITERS = frozenset('<>";,\\ \t')


def baresip(value, kind='value'):
    """A value for baresip's ``config`` or ``accounts`` file, as it stands in position ``kind``:

    ``value``
        a config value (``key<TAB>value``): libre reads it up to the first space or tab, so a
        value is one word, not empty, at most 255 bytes.
    ``key``
        a config key or a module name: letters, digits and ``_``.
    ``comment``
        the text of a ``#`` line.
    ``display_name``
        the quoted display name of an account (``"..."``): libre reads it up to the next
        ``"``, with no escapes, so ``"`` and ``\\`` are refused.
    ``account``
        a value inside the account line (the address of record, a parameter value, a codec):
        none of ``<>";,\\``, no space or tab.
    ``host``
        a host as a SIP URI writes it: IPv4, IPv6 in brackets, or a host name.
    ``port``, ``int``
        a port (1-65535), a non-negative integer.
    """
    if kind == 'value':
        plain = text(value, BARESIP)
        if not plain:
            _fail(BARESIP, value, 'libre reads an empty value as no value')
        for char in plain:
            if char in ' \t':
                _fail(BARESIP, value, 'libre reads a value up to the first space or tab')
        if len(plain.encode('utf-8')) > BARESIP_MAX_VALUE:
            _fail(BARESIP, value, 'baresip keeps at most %d bytes of a value' % BARESIP_MAX_VALUE)
        return plain
    if kind == 'key':
        plain = text(value, BARESIP + ' (a key)')
        if not _BARESIP_KEY.match(plain):
            _fail(BARESIP + ' (a key)', value, 'a key or module name is 1-64 letters, digits or "_"')
        return plain
    if kind == 'comment':
        return comment(value, 'baresip file (a comment)')
    if kind == 'display_name':
        plain = text(value, BARESIP_ACCOUNTS + ' (a display name)')
        for char in '"\\':
            if char in plain:
                _fail(BARESIP_ACCOUNTS + ' (a display name)', value,
                      'libre reads a display name up to the next \'"\' and knows no escapes: no \'"\' or "\\"')
        return '"%s"' % plain
    if kind == 'account':
        plain = text(value, BARESIP_ACCOUNTS)
        if not plain:
            _fail(BARESIP_ACCOUNTS, value, 'an empty value')
        for char in plain:
            if char in _ACCOUNT_DELIMITERS:
                _fail(BARESIP_ACCOUNTS, value, 'it has %s, which delimits the parts of an account line'
                      % describe.show(char))
        return plain
    if kind == 'host':
        return _bracketed(_host(value, BARESIP + ' (a host)'))
    if kind == 'port':
        return port(value, BARESIP + ' (a port)')
    if kind == 'int':
        return integer(value, BARESIP + ' (an integer)')
    raise QuoteError('baresip_quote has no kind %s; it knows value, key, comment, display_name, account, host, '
                     'port, int' % describe.show(kind))


# ---------------------------------------------------------------------------------------------
# GLib key files (rtpengine.conf)
# ---------------------------------------------------------------------------------------------

KEYFILE = 'rtpengine.conf'
_KEYFILE_KEY = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z')


def _keyfile_escape(plain, separator=False):
    # GLib's key file escapes: \\ for a backslash, \s for a space GLib would strip (first or
    # last), and in a list \; for a ';' that is not a separator.
    escaped = plain.replace('\\', '\\\\')
    if separator:
        escaped = escaped.replace(';', '\\;')
    if escaped.startswith(' '):
        escaped = '\\s' + escaped[1:]
    if escaped.endswith(' '):
        escaped = escaped[:-1] + '\\s'
    return escaped


def keyfile(value, kind='value'):
    """A value for a GLib key file (rtpengine's config), as it stands in position ``kind``:

    ``value``
        the value of ``key = value``, with GLib's escapes (``\\\\``, ``\\s`` for a space at
        either end).
    ``list``
        a list written as one ``;``-separated value, each item escaped, a ``;`` inside an
        item as ``\\;``.
    ``key``
        a key: letters, digits, ``_`` and ``-``, starting with a letter or a digit.
    ``comment``
        the text of a ``#`` line.
    ``int``
        a non-negative integer.
    """
    if kind == 'value':
        return _keyfile_escape(text(value, KEYFILE))
    if kind == 'list':
        if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence):
            _fail(KEYFILE + ' (a list)', value, 'it is %s, not a list' % describe.type_name(value))
        items = [_keyfile_escape(text(item, KEYFILE), separator=True) for item in value]
        for item in items:
            if not item:
                _fail(KEYFILE + ' (a list)', value, 'an empty item')
        return ';'.join(items)
    if kind == 'key':
        plain = text(value, KEYFILE + ' (a key)')
        if not _KEYFILE_KEY.match(plain):
            _fail(KEYFILE + ' (a key)', value, 'a key is letters, digits, "_" and "-", starting with a letter or a digit')
        return plain
    if kind == 'comment':
        return comment(value, KEYFILE + ' (a comment)')
    if kind == 'int':
        return integer(value, KEYFILE + ' (an integer)')
    raise QuoteError('keyfile_quote has no kind %s; it knows value, list, key, comment, int' % describe.show(kind))


# ---------------------------------------------------------------------------------------------
# Command lines: systemd's ExecStart= and supervisor's command=
# ---------------------------------------------------------------------------------------------

SYSTEMD = 'systemd unit'
SUPERVISOR = 'supervisor program'
_SYSTEMD_BARE = re.compile(r'[A-Za-z0-9_/.,:=+@-]+\Z')
_SUPERVISOR_NAME = re.compile(r'[A-Za-z0-9_.@-]{1,128}\Z')


def _argv(value, where):
    """A command as its words: a list is taken as they are, a string is split as a POSIX shell would."""
    if isinstance(value, str):
        plain = text(value, where)
        try:
            words = shlex.split(plain)
        except ValueError as error:
            _fail(where, value, 'it is not a command line (%s)' % error)
    elif isinstance(value, Sequence) and not isinstance(value, Mapping):
        words = [text(word, where) for word in value]
    else:
        _fail(where, value, 'a command is a string or a list of words, not %s' % describe.type_name(value))
    if not words or not words[0]:
        _fail(where, value, 'a command needs a program')
    if words[0][0] in '@-:+!':
        _fail(where, value, 'a program does not start with "%s" (systemd reads it as a flag)' % words[0][0])
    return words


def _systemd_word(word):
    # specifiers (%n) and environment variables ($X) are systemd's own expansions: doubled, they stay themselves
    literal = word.replace('%', '%%').replace('$', '$$')
    if _SYSTEMD_BARE.match(word):
        return literal
    return '"%s"' % literal.replace('\\', '\\\\').replace('"', '\\"')


def systemd(value, kind='value'):
    """A value for a systemd unit file, as it stands in position ``kind``:

    ``exec``
        an ``ExecStart=`` command line from a string (split as a POSIX shell would) or a list
        of words: each word bare when it is made of letters, digits and ``_/.,:=+@-``, else
        double-quoted with C escapes; ``%`` and ``$`` doubled (specifiers, environment).
    ``value``
        a plain setting (``Description=``): ``%`` doubled; no ``\\`` at its end (it would join
        the next line) and no space at either end (systemd strips it).
    ``comment``
        the text of a ``#`` line.
    """
    if kind == 'exec':
        return ' '.join(_systemd_word(word) for word in _argv(value, SYSTEMD + ' (ExecStart)'))
    if kind == 'value':
        plain = text(value, SYSTEMD)
        if plain.endswith('\\'):
            _fail(SYSTEMD, value, 'a "\\" at the end of a line joins the next line to it')
        if plain != plain.strip():
            _fail(SYSTEMD, value, 'systemd strips spaces at either end of a value')
        return plain.replace('%', '%%')
    if kind == 'comment':
        return comment(value, SYSTEMD + ' (a comment)')
    raise QuoteError('systemd_quote has no kind %s; it knows exec, value, comment' % describe.show(kind))


def _supervisor_plain(plain, value, where):
    # supervisor's parser (RawConfigParser, inline comments ';' and '#') ends a value at a ';' or '#'
    # after white space, strips it, and expands %(name)s in it
    if re.search(r'\s[;#]', plain) or plain[:1] in (';', '#'):
        _fail(where, value, 'supervisor reads ";" or "#" after a space (or first) as the start of a comment')
    if plain != plain.strip():
        _fail(where, value, 'supervisor strips spaces at either end of a value')
    return plain.replace('%', '%%')


def supervisor(value, kind='value'):
    """A value for a supervisor program file (an ini file), as it stands in position ``kind``:

    ``command``
        ``command=`` from a string (split as a POSIX shell would) or a list of words, each
        word quoted as a POSIX shell would (supervisor splits it with :func:`shlex.split`),
        ``%`` doubled (supervisor expands ``%(name)s``).
    ``value``
        a plain setting (a log file path): ``%`` doubled; no ``;`` or ``#`` after a space (an
        inline comment to supervisor), no space at either end.
    ``section``
        a program name in ``[program:NAME]``: letters, digits, ``_.@-``.
    ``comment``
        the text of a ``;`` line.
    """
    if kind == 'command':
        where = SUPERVISOR + ' (command)'
        line = ' '.join(shlex.quote(word) for word in _argv(value, where))
        return _supervisor_plain(line, value, where)
    if kind == 'value':
        return _supervisor_plain(text(value, SUPERVISOR), value, SUPERVISOR)
    if kind == 'section':
        plain = text(value, SUPERVISOR + ' (a program name)')
        if not _SUPERVISOR_NAME.match(plain):
            _fail(SUPERVISOR + ' (a program name)', value, 'a program name is letters, digits and "_", ".", "@", "-"')
        return plain
    if kind == 'comment':
        return comment(value, SUPERVISOR + ' (a comment)')
    raise QuoteError('supervisor_quote has no kind %s; it knows command, value, section, comment' % describe.show(kind))


# ---------------------------------------------------------------------------------------------
# PowerShell (the Mediation Server scripts)
# ---------------------------------------------------------------------------------------------

POWERSHELL = 'a PowerShell script'
#: PowerShell ends a single-quoted string at any of these (its tokenizer's IsSingleQuote), and
#: reads any of them written twice as one of them.
POWERSHELL_SINGLE_QUOTES = u"'\u2018\u2019\u201a\u201b"
# What a vetted value (a name, an identity, a scope) may be made of: anything else is refused
# rather than escaped. ``*`` stands only in certificate names (a wildcard certificate).
_POWERSHELL_VETTED = re.compile(r'[A-Za-z0-9 :._*@\\/-]{1,255}\Z')
_POWERSHELL_NAME = re.compile(r'[A-Za-z_][A-Za-z0-9_]{0,63}\Z')


def _powershell_escape(plain):
    return ''.join(char * 2 if char in POWERSHELL_SINGLE_QUOTES else char for char in plain)


def powershell_vetted(value):
    """A single-quoted literal for a name, an identity or a scope: letters, digits, spaces and ``:._*@\\/-``
    only, 1-255 characters; anything else is refused (never escaped)."""
    plain = value if isinstance(value, str) else str(value)
    if not _POWERSHELL_VETTED.match(plain):
        raise QuoteError('%s cannot be written into a PowerShell script: use letters, digits, spaces and '
                         ':._*@\\/- only' % describe.show(value))
    return "'%s'" % plain


def powershell(value, kind='string'):
    """A value for a PowerShell script, as it stands in position ``kind``:

    ``string``
        a single-quoted literal (``'...'``), each single-quote character (``'`` and the
        typographic quotes U+2018, U+2019, U+201A and U+201B, which PowerShell reads as quotes too)
        doubled.
    ``in_string``
        the same, without the quotes, inside a literal the template writes.
    ``vetted``
        a single-quoted literal of letters, digits, spaces and ``:._*@\\/-`` only
        (:func:`powershell_vetted`).
    ``value``
        a literal of any kind: an integer bare, a boolean ``$true`` / ``$false``, text as ``string``.
    ``comment``
        the text of a ``#`` comment or of a ``<# ... #>`` block: ``#>`` and ``<#`` are refused.
    ``name``
        a property name after ``.``: letters, digits and ``_``, not starting with a digit.
    ``line``
        a statement computed and vetted in Python (a ``Set-Cs...`` command line): written as it
        is, but only on its own line (nothing :func:`text` refuses).
    ``int``
        a non-negative integer.
    """
    if kind in ('string', 'in_string'):
        escaped = _powershell_escape(text(value, POWERSHELL))
        return "'%s'" % escaped if kind == 'string' else escaped
    if kind == 'vetted':
        return powershell_vetted(value)
    if kind == 'value':
        if isinstance(value, bool):
            return '$true' if value else '$false'
        if isinstance(value, int):
            return '%d' % value
        return "'%s'" % _powershell_escape(text(value, POWERSHELL))
    if kind == 'comment':
        plain = comment(value, POWERSHELL + ' (a comment)')
        for mark in ('#>', '<#'):
            if mark in plain:
                _fail(POWERSHELL + ' (a comment)', value, '%s would end or open a block comment' % mark)
        return plain
    if kind == 'name':
        plain = text(value, POWERSHELL + ' (a property name)')
        if not _POWERSHELL_NAME.match(plain):
            _fail(POWERSHELL + ' (a property name)', value,
                  'a property name is letters, digits and "_", not starting with a digit, at most 64 characters')
        return plain
    if kind == 'line':
        return text(value, POWERSHELL + ' (a statement)')
    if kind == 'int':
        return integer(value, POWERSHELL + ' (an integer)')
    raise QuoteError('powershell_quote has no kind %s; it knows string, in_string, vetted, value, comment, name, line, int'
                     % describe.show(kind))


# ---------------------------------------------------------------------------------------------
# AudioCodes Mediant: the ini file (incremental ini) and the CLI script
# ---------------------------------------------------------------------------------------------

AUDIOCODES_INI = 'an AudioCodes ini file'
AUDIOCODES_CLI = 'an AudioCodes CLI script'
#: The ini marker of a column's default value in a data line.
AUDIOCODES_DEFAULT = '$$'
#: Table, column and parameter names (``TLSContexts``, ``SBCMediaSecurityBehaviour``, ``PLThresholdLevelsPerMille_0``).
_AUDIOCODES_NAME = re.compile(r'[A-Za-z][A-Za-z0-9_]{0,79}\Z')
#: A bare (unquoted) token of a data line that is neither a number nor an IP address: printable ASCII without
#: white space and without the characters that end a value (``,`` ``;``) or quote one (``"`` ``'``).
_AUDIOCODES_BARE = re.compile(r'[!#-&(-+\--:<-~]{1,255}\Z')
_AUDIOCODES_SIGNED = re.compile(r'-?[0-9]{1,10}\Z')
#: A CLI keyword or enumeration value (``proxy-set``, ``tls-version``, ``srtp``).
_AUDIOCODES_CLI_WORD = re.compile(r'[a-z0-9][a-z0-9.-]{0,63}\Z')
#: What a CLI string may hold: the CLI's own quoting rules are not documented in what the platform relies on, so
#: only characters that no shell-like command line gives a meaning to (names, addresses, cipher lists).
_AUDIOCODES_CLI_TEXT = re.compile(r"[A-Za-z0-9_.:/+@=,\[\]-]{0,255}\Z")
_AUDIOCODES_CLI_INDEX = re.compile(r'[0-9]{1,9}(?:/[0-9]{1,9})?\Z')
AUDIOCODES_INT_LOW = -2 ** 31
AUDIOCODES_INT_HIGH = 2 ** 31 - 1


def _audiocodes_ascii(plain, value, where):
    for char in plain:
        if not u' ' <= char <= u'~':
            _fail(where, value, 'it has %s: the ini file\'s encoding is not documented, so only printable ASCII is '
                                'written' % _char_name(char))
    return plain


def _audiocodes_signed(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        _fail(where, value, 'it must be an integer, not %s' % describe.type_name(value))
    if isinstance(value, str) and not _AUDIOCODES_SIGNED.match(value):
        _fail(where, value, 'it must be an integer')
    number = int(value)
    if not AUDIOCODES_INT_LOW <= number <= AUDIOCODES_INT_HIGH:
        _fail(where, value, 'it must be an integer from %d to %d' % (AUDIOCODES_INT_LOW, AUDIOCODES_INT_HIGH))
    return '%d' % number


def _audiocodes_ini_string(value):
    where = AUDIOCODES_INI + ' (a quoted string)'
    plain = _audiocodes_ascii(text(value, where), value, where)
    if '"' in plain:
        _fail(where, value, 'an ini string ends at the next \'"\' and the format has no escape for one')
    if plain != plain.strip():
        _fail(where, value, 'whether the device keeps spaces at either end of a string is not documented')
    if plain == AUDIOCODES_DEFAULT:
        _fail(where, value, '"$$" is the ini marker of a default value')
    return '"%s"' % plain


def _audiocodes_kept(value):
    where = AUDIOCODES_INI + " (a device's own string)"
    plain = text(value, where)
    if '"' in plain:
        _fail(where, value, 'an ini string ends at the next \'"\' and the format has no escape for one')
    return '"%s"' % plain


_AUDIOCODES_CELL_KINDS = ('string', 'kept', 'int', 'ip', 'bare', 'default')


def _audiocodes_cell(value):
    if not isinstance(value, Mapping) or value.get('kind') not in _AUDIOCODES_CELL_KINDS:
        _fail(AUDIOCODES_INI + ' (a cell)', value, 'a cell is a mapping with a kind (%s) and a value'
              % ', '.join(_AUDIOCODES_CELL_KINDS))
    return audiocodes(value.get('value'), value['kind'])


def audiocodes(value, kind='string'):
    """A value for an AudioCodes Mediant ini file (``kind`` without a prefix) or CLI script (``cli_...``), as it
    stands in position ``kind``:

    ``string``
        a double-quoted ini string (a table cell). It can carry ``,`` and ``;`` (devices write them inside quoted
        cells of their own ini files) but not ``"``: a string ends at the next ``"`` and the format has no escape.
        Refused as well: anything :func:`text` refuses, characters outside printable ASCII (the file's encoding is
        not documented), spaces at either end (not known to survive), and ``$$`` (the default marker).
    ``int``
        a signed 32-bit integer, bare (enumerations, ports, ``-1`` for "not configured").
    ``ip``
        an IPv4 or IPv6 address, bare (as devices write ``OcspServerPrimary`` or ``InterfaceTable`` addresses).
    ``kept``
        a string a device wrote in its own ini, written back as it was (a column the settings do not own): double
        quotes around it; refused only where it could not stay one string (a ``"``, a line break, anything
        :func:`text` refuses).
    ``bare``
        another unquoted token kept from a device's ini: printable ASCII without white space, ``,``, ``;``,
        ``"`` or ``'``.
    ``default``
        ``$$``, the column's default value (the value given is ignored unless it is neither null nor ``$$``).
    ``cell``
        a mapping ``{kind, value}`` with one of the six kinds above: how the platform module hands templates a
        table cell.
    ``name``
        a table, column or parameter name: a letter, then letters, digits and ``_``.
    ``index``
        a row index: a non-negative integer.
    ``comment``
        the text of a ``;`` comment line.
    ``cli_string``
        a double-quoted CLI value of letters, digits and ``_.:/+@=,[]-`` only (names, addresses, cipher lists);
        anything else is refused, never escaped: the CLI's quoting rules are not confirmed.
    ``cli_word``
        a CLI keyword or enumeration value: lower-case letters, digits, ``.`` and ``-``.
    ``cli_int``
        a signed integer; ``cli_index``: a row index, ``N`` or ``N/M``.
    ``cli_comment``
        the text of a ``;`` comment line of the script.
    """
    if kind == 'string':
        return _audiocodes_ini_string(value)
    if kind == 'kept':
        return _audiocodes_kept(value)
    if kind == 'int':
        return _audiocodes_signed(value, AUDIOCODES_INI + ' (an integer)')
    if kind == 'ip':
        return '%s' % _ip_only(value, AUDIOCODES_INI + ' (an IP address)').compressed
    if kind == 'bare':
        plain = text(value, AUDIOCODES_INI + ' (a bare value)')
        if not _AUDIOCODES_BARE.match(plain):
            _fail(AUDIOCODES_INI + ' (a bare value)', value, 'a bare value is printable ASCII without white space, '
                                                             '",", ";", \'"\' or "\'"')
        return plain
    if kind == 'default':
        if value is not None and value != AUDIOCODES_DEFAULT:
            _fail(AUDIOCODES_INI + ' (a default value)', value, 'a default cell carries no value')
        return AUDIOCODES_DEFAULT
    if kind == 'cell':
        return _audiocodes_cell(value)
    if kind == 'name':
        plain = text(value, AUDIOCODES_INI + ' (a name)')
        if not _AUDIOCODES_NAME.match(plain):
            _fail(AUDIOCODES_INI + ' (a name)', value, 'a table, column or parameter name is a letter, then letters, '
                                                       'digits and "_", at most 80 characters')
        return plain
    if kind == 'index':
        return integer(value, AUDIOCODES_INI + ' (a row index)')
    if kind == 'comment':
        where = AUDIOCODES_INI + ' (a comment)'
        return _audiocodes_ascii(comment(value, where), value, where)
    if kind == 'cli_string':
        where = AUDIOCODES_CLI + ' (a string)'
        plain = text(value, where)
        if not _AUDIOCODES_CLI_TEXT.match(plain):
            _fail(where, value, 'a CLI string is written only with letters, digits and "_.:/+@=,[]-" (at most 255): '
                                'the CLI\'s quoting rules are not confirmed')
        return '"%s"' % plain
    if kind == 'cli_word':
        plain = text(value, AUDIOCODES_CLI + ' (a keyword)')
        if not _AUDIOCODES_CLI_WORD.match(plain):
            _fail(AUDIOCODES_CLI + ' (a keyword)', value, 'a keyword is lower-case letters, digits, "." and "-"')
        return plain
    if kind == 'cli_int':
        return _audiocodes_signed(value, AUDIOCODES_CLI + ' (an integer)')
    if kind == 'cli_index':
        plain = value if isinstance(value, str) else integer(value, AUDIOCODES_CLI + ' (a row index)')
        plain = text(plain, AUDIOCODES_CLI + ' (a row index)')
        if not _AUDIOCODES_CLI_INDEX.match(plain):
            _fail(AUDIOCODES_CLI + ' (a row index)', value, 'a row index is N or N/M, non-negative integers')
        return plain
    if kind == 'cli_comment':
        where = AUDIOCODES_CLI + ' (a comment)'
        return _audiocodes_ascii(comment(value, where), value, where)
    raise QuoteError('audiocodes_quote has no kind %s; it knows string, kept, int, ip, bare, default, cell, name, '
                     'index, comment, cli_string, cli_word, cli_int, cli_index, cli_comment' % describe.show(kind))


# ---------------------------------------------------------------------------------------------
# Cisco IOS XE (CUBE): configuration lines
# ---------------------------------------------------------------------------------------------

IOS = 'an IOS XE configuration'
#: ``description`` of a dial peer: "Text string up to 64 alphanumeric characters" (Cisco IOS Voice Command
#: Reference, "description (dial peer)"); the same bound is kept for the voice classes' descriptions.
IOS_DESCRIPTION_MAX = 64
#: The longest configuration line written (IOS XE reads lines far longer; none of ours comes near).
IOS_LINE_MAX = 254
#: ``voice class tls-profile | tls-cipher | srtp-crypto | uri | tenant`` tags ("Tag range is 1-10000").
IOS_VOICE_CLASS_TAGS = (1, 10000)
#: ``dial-peer voice TAG voip``: "Range: 1 to 2,147,483,647".
IOS_DIAL_PEER_TAGS = (1, 2147483647)
# trustpoint and interface names: one token of letters, digits and ._:/- (GigabitEthernet0/0/0.100, CUBE-TP)
_IOS_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}\Z')
# a dial peer's destination-pattern: digits, letters (T, BAD.BAD), and the pattern characters of IOS
_IOS_PATTERN = re.compile(r'[0-9A-Za-z+.*#%$^()\[\],_-]{1,64}\Z')
#: The interface type words as ``show running-config`` prints them. IOS takes any unambiguous abbreviation
#: (``Gi0/0/1``) and any case, but prints the full word back: a name written otherwise would differ from the
#: router's own text on every comparison.
IOS_INTERFACE_TYPES = ('GigabitEthernet', 'TenGigabitEthernet', 'TwoGigabitEthernet', 'FiveGigabitEthernet',
                       'TwentyFiveGigE', 'FortyGigabitEthernet', 'HundredGigE', 'AppGigabitEthernet',
                       'FastEthernet', 'Ethernet', 'Port-channel', 'Vlan', 'Loopback', 'BDI', 'Dialer', 'Tunnel',
                       'Serial', 'Cellular', 'Multilink', 'Virtual-Template', 'VirtualPortGroup')
#: The abbreviations IOS itself prints (``show ip interface brief``, logs), for the message.
_IOS_INTERFACE_SHORT = {'gi': 'GigabitEthernet', 'te': 'TenGigabitEthernet', 'fa': 'FastEthernet',
                        'tw': 'TwoGigabitEthernet', 'twe': 'TwentyFiveGigE', 'fo': 'FortyGigabitEthernet',
                        'hu': 'HundredGigE', 'po': 'Port-channel', 'vl': 'Vlan', 'lo': 'Loopback',
                        'et': 'Ethernet', 'eth': 'Ethernet', 'tu': 'Tunnel', 'se': 'Serial', 'di': 'Dialer',
                        'ap': 'AppGigabitEthernet', 'vi': 'Virtual-Template', 'mu': 'Multilink'}
# an interface name: its type word, then the unit (digits, / . :)
_IOS_INTERFACE = re.compile(r'([A-Za-z][A-Za-z-]*)([0-9][0-9/.:]{0,47})\Z')


def _ios_text(value, where):
    """:func:`text` limited to printable ASCII without ``?`` (which the IOS command line answers with help,
    wherever it stands in a line)."""
    plain = text(value, where)
    for char in plain:
        if not u' ' <= char <= u'~':
            _fail(where, value, 'IOS configuration is printable ASCII; it has %s' % _char_name(char))
    if '?' in plain:
        _fail(where, value, 'the IOS command line answers "?" with help, wherever it stands')
    return plain


def _ios_token(value, where, grammar=None, rule=None):
    plain = _ios_text(value, where)
    if not plain or any(char.isspace() for char in plain):
        _fail(where, value, 'it must be one token: IOS splits its commands at whitespace')
    if grammar is not None and not grammar.match(plain):
        _fail(where, value, rule)
    return plain


def _ios_interface(value, where):
    """An interface name as IOS prints it: the full type word (:data:`IOS_INTERFACE_TYPES`, in its case) and the
    unit. An abbreviation or another case is refused, naming the full form: IOS would take it and print the
    full word back, and the comparison would find the line changed on every run."""
    plain = _ios_token(value, where, _IOS_NAME,
                       'a name is letters, digits and _.:/-, starting with a letter or a digit, at most 64 characters')
    for word in sorted(IOS_INTERFACE_TYPES, key=len, reverse=True):
        if plain.startswith(word) and re.match(r'[0-9][0-9/.:]*\Z', plain[len(word):]):
            return plain
    match = _IOS_INTERFACE.match(plain)
    if match:
        typed, unit = match.group(1), match.group(2)
        lower = typed.lower()
        full = [_IOS_INTERFACE_SHORT[lower]] if lower in _IOS_INTERFACE_SHORT else [
            word for word in IOS_INTERFACE_TYPES if word.lower().startswith(lower)]
        if full:
            _fail(where, value, 'IOS takes an abbreviated (or otherwise cased) interface type but prints the full word '
                  'back, so the line would differ from the router\'s on every run: write %s' % ' or '.join(word + unit for word in full))
    _fail(where, value, 'an interface name is its type word as IOS prints it (%s) and its number, such as '
          'GigabitEthernet0/0/1' % ', '.join(IOS_INTERFACE_TYPES))


def _ios_host(value, where):
    address = _host(value, where)
    if isinstance(address, ipaddress.IPv6Address):
        return 'ipv6:[%s]' % address.compressed
    if isinstance(address, ipaddress.IPv4Address):
        return 'ipv4:%s' % address
    return 'dns:%s' % address


def ios(value, kind='token'):
    """A value for a Cisco IOS XE configuration (CUBE), as it stands in position ``kind``. IOS has no
    quoting: every value is one token of the command line, or the free text of a description, so anything
    that would split a token, end a line, ask for help (``?``) or fall outside printable ASCII is refused.

    ``token``
        one token of printable ASCII: no whitespace, no ``?``.
    ``name``
        a trustpoint or interface name: letters, digits and ``_.:/-``, starting with a letter or a digit,
        at most 64 characters (``GigabitEthernet0/0/0.100``, ``CUBE-TP``).
    ``interface``
        an interface name as IOS prints it: the full type word in its case (``GigabitEthernet``,
        ``Port-channel``, ``Loopback``... :data:`IOS_INTERFACE_TYPES`) and the unit (``GigabitEthernet0/0/1.100``);
        an abbreviation (``Gi0/0/1``) or another case is refused, naming the full form.
    ``description``
        the text of a ``description`` line: printable ASCII on one line, at most 64 characters, no
        leading, trailing or repeated spaces (IOS would not print them back as written).
    ``comment``
        the text of a ``!`` comment line: printable ASCII, no ``?``.
    ``line``
        a whole configuration line computed (from values quoted here) in Python: printable ASCII, no
        ``?``, no leading or trailing whitespace, at most 254 characters.
    ``host``
        a URI class host: ``dns:NAME``, ``ipv4:A.B.C.D`` or ``ipv6:[X::Y]``.
    ``target``
        a session target from a mapping with ``address`` and ``port``: ``dns:NAME:PORT``,
        ``ipv4:A.B.C.D:PORT`` or ``ipv6:[X::Y]:PORT``.
    ``ipv4``
        an IPv4 address (``crypto signaling remote-addr``).
    ``pattern``
        a dial peer's destination pattern: digits, letters and ``+.*#%$^()[],_-``, at most 64 characters.
    ``port``
        a port (1-65535).
    ``tag``
        a voice class tag (1-10000).
    ``dial_peer``
        a dial peer tag (1-2147483647).
    ``int``
        a non-negative integer.
    """
    if kind == 'token':
        return _ios_token(value, IOS + ' (a token)')
    if kind == 'name':
        return _ios_token(value, IOS + ' (a trustpoint or interface name)', _IOS_NAME,
                          'a name is letters, digits and _.:/-, starting with a letter or a digit, at most 64 characters')
    if kind == 'interface':
        return _ios_interface(value, IOS + ' (an interface name)')
    if kind == 'description':
        where = IOS + ' (a description)'
        plain = _ios_text(value, where)
        if not plain.strip():
            _fail(where, value, 'a description has text')
        if plain != plain.strip() or '  ' in plain:
            _fail(where, value, 'IOS does not print leading, trailing or repeated spaces back as written')
        if len(plain) > IOS_DESCRIPTION_MAX:
            _fail(where, value, 'a description is at most %d characters' % IOS_DESCRIPTION_MAX)
        return plain
    if kind == 'comment':
        return _ios_text(value, IOS + ' (a comment)')
    if kind == 'line':
        where = IOS + ' (a configuration line)'
        plain = _ios_text(value, where)
        if not plain or plain != plain.strip():
            _fail(where, value, 'a configuration line has text and no leading or trailing whitespace')
        if len(plain) > IOS_LINE_MAX:
            _fail(where, value, 'a configuration line is at most %d characters here' % IOS_LINE_MAX)
        return plain
    if kind == 'host':
        where = IOS + ' (a URI host)'
        return _ios_host(_ios_token(value, where), where)
    if kind == 'target':
        where = IOS + ' (a session target)'
        if not isinstance(value, Mapping):
            _fail(where, value, 'a session target is a mapping with address and port')
        return '%s:%s' % (_ios_host(_ios_token(value.get('address'), where), where), port(value.get('port'), where))
    if kind == 'ipv4':
        where = IOS + ' (an IPv4 address)'
        address = _ip_only(_ios_token(value, where), where)
        if not isinstance(address, ipaddress.IPv4Address):
            _fail(where, value, 'it must be an IPv4 address')
        return '%s' % address
    if kind == 'pattern':
        return _ios_token(value, IOS + ' (a destination pattern)', _IOS_PATTERN,
                          'a destination pattern is digits, letters and +.*#%$^()[],_-, at most 64 characters')
    if kind == 'port':
        return port(value, IOS + ' (a port)')
    if kind == 'tag':
        return integer(value, IOS + ' (a voice class tag)', *IOS_VOICE_CLASS_TAGS)
    if kind == 'dial_peer':
        return integer(value, IOS + ' (a dial peer tag)', *IOS_DIAL_PEER_TAGS)
    if kind == 'int':
        return integer(value, IOS + ' (an integer)')
    raise QuoteError('ios_quote has no kind %s; it knows token, name, interface, description, comment, line, host, target, ipv4, '
                     'pattern, port, tag, dial_peer, int' % describe.show(kind))
