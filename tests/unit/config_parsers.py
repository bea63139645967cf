# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How the programs read the files the roles write, in Python, for tests: each reader gives a
file's *structure* (what a value must not be able to change) and, where a test needs it, the
values as the program would read them back.

* Kamailio's routing script: its lexer (core/cfg.lex): strings, comments, preprocessor lines and
  tokens; the structure is the token sequence with every string literal abstracted, and listen
  addresses abstracted (an IPv6 listener is written differently from an IPv4 one).
* tls.cfg: a port of core/cfg_parser.c's scanner (cfg_get_token) and of the TLS module's profile
  parser; the structure is the profiles and their options, in order.
* baresip's config and accounts: libre's rules (conf.c, sip_addr_decode, msg_param_decode): a
  line break is \\r or \\n, a value ends at a space or tab, an account line is a quoted display
  name, <URI> and ;name=value parameters.
* rtpengine.conf: GLib's key file rules (groups, key = value, escapes, ;-separated lists).
* systemd units (sections, Key=Value, backslash-newline continuation, ExecStart words).
* supervisor program files: Python's RawConfigParser with supervisor's settings, its %(name)s
  expansion and shlex.split of the command.
* PowerShell: the tree-sitter grammar's syntax tree (tests/unit/plugins/module_utils/powershell_lint.py
  has the tokenizer-level check), every single-quoted string checked against PowerShell's own
  rule that any of five characters is a quote.
"""

from __future__ import annotations

import configparser
import re
import shlex

# ---------------------------------------------------------------------------------------------
# Kamailio's routing script
# ---------------------------------------------------------------------------------------------

_LISTEN = re.compile(r'^listen=(udp|tcp|tls|sctp):(\[[0-9a-fA-F:]+\]|[0-9]{1,3}(?:\.[0-9]{1,3}){3}):([0-9]{1,5})$', re.M)
_KAMAILIO_WORD = re.compile(r'[A-Za-z0-9_]+')
_KAMAILIO_OPERATORS = ('==', '!=', '=~', '!~', '&&', '||', '=>', '<=', '>=', '+=')


class Unparsable(ValueError):
    """The file does not parse as the program would read it."""


def kamailio_strings(text):
    """Every string literal of a routing script, as Kamailio's lexer reads it (escapes resolved)."""
    return [value for kind, value in _kamailio_scan(text) if kind == 'STR']


def kamailio_structure(text):
    """The token sequence of a routing script, string literals as ``STR``, numbers as ``NUM``, listen addresses
    as ``ADDRESS``."""
    text = _LISTEN.sub(lambda m: 'listen=%s:ADDRESS:%s' % (m.group(1), m.group(3)), text)
    return tuple('STR' if kind == 'STR' else ('NUM' if value.isdigit() else value)
                 for kind, value in _kamailio_scan(text))


def _kamailio_scan(text):
    # core/cfg.lex: '#!' starts a preprocessor directive (to the end of the line), any other '#' a comment to the
    # end of the line, /* */ a (nesting) comment; "..." a string with \\ \" \n \r \t \a \xHH \NNN escapes (a
    # backslash before anything else stays a backslash), '...' a string without escapes
    tokens = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in ' \t\r\n':
            i += 1
        elif text.startswith('#!', i) or text.startswith('!!', i):
            end = text.find('\n', i)
            end = n if end < 0 else end
            tokens.append(('PP', ' '.join(text[i:end].split())))
            i = end
        elif c == '#':
            end = text.find('\n', i)
            i = n if end < 0 else end
        elif text.startswith('/*', i):
            depth, i = 1, i + 2
            while depth and i < n:
                if text.startswith('/*', i):
                    depth, i = depth + 1, i + 2
                elif text.startswith('*/', i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            if depth:
                raise Unparsable('a comment is never closed')
        elif c == '"':
            value, i = _kamailio_string(text, i + 1)
            tokens.append(('STR', value))
        elif c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise Unparsable('a string is never closed')
            tokens.append(('STR', text[i + 1:end]))
            i = end + 1
        else:
            m = _KAMAILIO_WORD.match(text, i)
            if m:
                tokens.append(('WORD', m.group(0)))
                i = m.end()
                continue
            for operator in _KAMAILIO_OPERATORS:
                if text.startswith(operator, i):
                    tokens.append(('OP', operator))
                    i += len(operator)
                    break
            else:
                tokens.append(('OP', c))
                i += 1
    return tokens


_ESCAPES = {'n': '\n', 'r': '\r', 'a': '\a', 't': '\t', '"': '"', '\\': '\\'}


def _kamailio_string(text, i):
    out = []
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            return ''.join(out), i + 1
        if c == '\\' and i + 1 < n:
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            m = re.compile(r'x([0-9A-Fa-f]{1,2})').match(text, i + 1)
            if m:
                out.append(chr(int(m.group(1), 16)))
                i = m.end()
                continue
            m = re.compile(r'[0-7]{2,3}').match(text, i + 1)
            if m:
                out.append(chr(int(m.group(0), 8)))
                i = m.end()
                continue
            if nxt == '\n':
                i += 2
                continue
        out.append(c)
        i += 1
    raise Unparsable('a string is never closed')


def pv_format_text(value):
    """What a pseudo-variable format (xlog, sl_send_reply) prints for a literal with no pseudo-variable: ``$$``
    is one ``$``; a lone ``$`` would start a pseudo-variable (Unparsable)."""
    out = []
    i = 0
    while i < len(value):
        if value[i] == '$':
            if value.startswith('$$', i):
                out.append('$')
                i += 2
                continue
            raise Unparsable('a pseudo-variable at %d' % i)
        out.append(value[i])
        i += 1
    return ''.join(out)


# ---------------------------------------------------------------------------------------------
# tls.cfg (core/cfg_parser.c and modules/tls/tls_config.c)
# ---------------------------------------------------------------------------------------------

_CFG_DELIMS = frozenset('=:;.,?[]/@!$%&*()-+|\'')
ALPHA, STRING = 'ALPHA', 'STRING'


def _cfg_alpha(c):
    return c.isascii() and (c.isalnum() or c == '_')


class _CfgScanner:
    """core/cfg_parser.c's cfg_get_token, byte for byte (the file is read as UTF-8 bytes)."""

    def __init__(self, text):
        self.data = text.encode('utf-8')
        self.pos = 0

    def _read(self):
        if self.pos >= len(self.data):
            return None
        c = chr(self.data[self.pos])
        self.pos += 1
        return c

    def token(self, extended=False):
        value = []
        state = 'S'
        c = self._read()
        while c is not None:
            if len(value) > 512:
                raise Unparsable('token too long')
            if state == 'S':
                if c in ' \t\r':
                    pass
                elif extended and (_cfg_alpha(c) or c == '\\' or c in _CFG_DELIMS):
                    value.append(c)
                    state = 'A'
                elif not extended and _cfg_alpha(c):
                    value.append(c)
                    state = 'A'
                elif c == '"':
                    state = 'Q'
                elif c == '#':
                    state = 'C'
                elif not extended and c == '\\':
                    state = 'E'
                elif c in _CFG_DELIMS or c == '\n':
                    return c, c
                else:
                    raise Unparsable('invalid character 0x%x' % ord(c))
            elif state == 'A':
                if _cfg_alpha(c) or (extended and (c in _CFG_DELIMS or c == '"')):
                    value.append(c)
                elif c == '\\':
                    state = 'AE'
                elif c in ' \t\r#\n' or (not extended and (c in _CFG_DELIMS or c == '"')):
                    self.pos -= 1
                    return ALPHA, _bytes_text(value)
                else:
                    raise Unparsable('invalid character 0x%x' % ord(c))
            elif state == 'AE':
                if c in '#"\\':
                    value.append(c)
                elif c in 'rnt ':
                    value.append({'r': '\r', 'n': '\n', 't': '\t', ' ': ' '}[c])
                elif c != '\n':
                    raise Unparsable('unsupported escape')
                state = 'A'
            elif state == 'Q':
                if c == '"':
                    return STRING, _bytes_text(value)
                if c == '\\':
                    state = 'QE'
                else:
                    value.append(c)
            elif state == 'QE':
                if c in '\\"':
                    value.append(c)
                elif c in 'nrt':
                    value.append({'n': '\n', 'r': '\r', 't': '\t'}[c])
                elif c != '\n':
                    raise Unparsable('unsupported escape')
                state = 'Q'
            elif state == 'C':
                if c == '\\':
                    state = 'CE'
                elif c == '\n':
                    return '\n', '\n'
            elif state == 'CE':
                state = 'C'
            elif state == 'E':
                raise Unparsable('escape outside a value')
            c = self._read()
        if state == 'A':
            return ALPHA, _bytes_text(value)
        if state in ('S', 'C', 'CE'):
            return None, None
        raise Unparsable('premature end of file')


def _bytes_text(chars):
    return bytes(ord(c) for c in chars).decode('utf-8')


def tls_cfg_parse(text):
    """A tls.cfg as the TLS module reads it: ``[(profile, [(option, value), ...]), ...]``; a profile is
    ``(type, 'default' | 'any' | 'ADDRESS:PORT')``, an IPv6 address as the text between its brackets."""
    scanner = _CfgScanner(text)
    profiles = []
    while True:
        kind, value = scanner.token()
        if kind is None:
            return profiles
        if kind == '\n':
            continue
        if kind == '[':
            profiles.append((_tls_profile(scanner), []))
        elif kind == ALPHA:
            if not profiles:
                raise Unparsable('an option outside a profile')
            if scanner.token()[0] != '=':
                raise Unparsable("'=' expected after %s" % value)
            vkind, option_value = scanner.token(extended=True)
            if vkind not in (ALPHA, STRING):
                raise Unparsable('a value expected for %s' % value)
            end = scanner.token()[0]
            if end not in ('\n', None):
                raise Unparsable('end of line expected after %s' % value)
            profiles[-1][1].append((value, option_value))
        else:
            raise Unparsable('syntax error at %r' % value)


def _tls_profile(scanner):
    kind, profile_type = scanner.token()
    if kind != ALPHA or scanner.token()[0] != ':':
        raise Unparsable('a profile type and ":" expected')
    kind, value = scanner.token()
    if kind == '[':
        parts = []
        while True:
            kind, value = scanner.token()
            if kind == ']':
                break
            if kind not in (ALPHA, ':'):
                raise Unparsable('invalid IPv6 address')
            parts.append(value)
        address = ''.join(parts)
    elif kind == ALPHA and value.lower() in ('default', 'def', '*', 'any', 'all'):
        address = value.lower()
    elif kind == ALPHA:
        parts = [value]
        for _octet in range(3):
            if scanner.token()[0] != '.':
                raise Unparsable('invalid IPv4 address')
            kind, value = scanner.token()
            if kind != ALPHA:
                raise Unparsable('invalid IPv4 address')
            parts.append(value)
        address = '.'.join(parts)
    else:
        raise Unparsable('an IP address expected')
    if address not in ('default', 'def', '*', 'any', 'all'):
        if scanner.token()[0] != ':':
            raise Unparsable("':' expected before the port")
        kind, port = scanner.token()
        if kind != ALPHA or not port.isdigit():
            raise Unparsable('invalid port')
        address = '%s:%s' % (address, port)
    if scanner.token()[0] != ']':
        raise Unparsable("']' expected")
    if scanner.token()[0] not in ('\n', None):
        raise Unparsable('end of line expected after a profile name')
    return (profile_type, address)


def tls_cfg_structure(text):
    structure = []
    for (profile_type, address), options in tls_cfg_parse(text):
        if address not in ('default', 'def', '*', 'any', 'all'):
            address = 'ADDRESS:PORT'
        structure.append(('profile', profile_type, address))
        structure.extend(('option', name) for name, _value in options)
    return tuple(structure)


# ---------------------------------------------------------------------------------------------
# baresip (libre's conf and SIP address parsers)
# ---------------------------------------------------------------------------------------------

def _libre_lines(text):
    return re.split(r'[\r\n]', text)


def baresip_config_parse(text):
    """``[(key, [words...]), ...]`` as libre's conf_get reads the file: a key starts a line (after spaces or
    tabs), its value is the next run of non-white characters; a line starting with '#' names no key."""
    entries = []
    for line in _libre_lines(text):
        words = re.split(r'[ \t]+', line.strip(' \t'))
        if not words or not words[0] or words[0].startswith('#'):
            continue
        entries.append((words[0], words[1:]))
    return entries


def baresip_config_structure(text):
    return tuple((key, len(words)) for key, words in baresip_config_parse(text))


_ACCOUNT = re.compile(r'[ \t]*(?:"([^"]*)"[ \t]*)?<([^>]*)>(.*)\Z', re.S)


def baresip_accounts_parse(text):
    """``[{display, uri, uri_params, params}, ...]``, one per account line, as libre reads the address
    (sip_addr_decode: a quoted display name with no escapes, <URI>) and its parameters (;name=value, a value
    in double quotes may hold ';')."""
    accounts = []
    for line in _libre_lines(text):
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        m = _ACCOUNT.match(line)
        if not m:
            raise Unparsable('not an account line: %r' % line[:80])
        uri = m.group(2).split(';')
        accounts.append({'display': m.group(1), 'uri': uri[0], 'uri_params': [p.split('=')[0] for p in uri[1:]],
                         'params': _sip_params(m.group(3))})
    return accounts


def _sip_params(text):
    params = []
    i, n = 0, len(text)
    while i < n:
        if text[i] != ';':
            raise Unparsable('a parameter must start with ";": %r' % text[i:i + 40])
        j = i + 1
        while j < n and text[j] not in '=;':
            j += 1
        name = text[i + 1:j].strip()
        value = None
        if j < n and text[j] == '=':
            j += 1
            if j < n and text[j] == '"':
                end = text.find('"', j + 1)
                if end < 0:
                    raise Unparsable('a quoted parameter value is never closed')
                value = text[j + 1:end]
                j = end + 1
            else:
                end = text.find(';', j)
                end = n if end < 0 else end
                value = text[j:end]
                j = end
        params.append((name, value))
        i = j
    return params


def baresip_accounts_structure(text):
    return tuple((account['display'] is not None, tuple(account['uri_params']),
                  tuple(name for name, _value in account['params'])) for account in baresip_accounts_parse(text))


# ---------------------------------------------------------------------------------------------
# GLib key files (rtpengine.conf)
# ---------------------------------------------------------------------------------------------

def keyfile_parse(text):
    """``[(group, [(key, raw value), ...]), ...]`` as GLib reads a key file (g_key_file_parse_line)."""
    groups = []
    for line in text.split('\n'):
        stripped = line.lstrip(' \t\r\f\v')
        if not stripped or stripped.startswith('#'):
            continue
        if stripped.startswith('['):
            if not stripped.rstrip().endswith(']'):
                raise Unparsable('a group line must end with "]"')
            groups.append((stripped.rstrip()[1:-1], []))
            continue
        if '=' not in stripped or not groups:
            raise Unparsable('not a key = value line: %r' % line[:80])
        key, value = stripped.split('=', 1)
        groups[-1][1].append((key.rstrip(' \t'), value.lstrip(' \t\r\f\v')))
    return groups


def keyfile_value(raw, separator=None):
    """A raw value unescaped as GLib's g_key_file_parse_value_as_string does; with ``separator``, the list items."""
    items, out = [], []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == '\\':
            i += 1
            if i >= len(raw):
                raise Unparsable('an escape character at the end of a value')
            e = raw[i]
            if e in 'sntr\\':
                out.append({'s': ' ', 'n': '\n', 't': '\t', 'r': '\r', '\\': '\\'}[e])
            elif separator and e == separator:
                out.append(separator)
            else:
                raise Unparsable('an invalid escape sequence \\%s' % e)
        elif separator and c == separator:
            items.append(''.join(out))
            out = []
        else:
            out.append(c)
        i += 1
    if separator:
        if out:
            items.append(''.join(out))
        return items
    return ''.join(out)


def keyfile_structure(text):
    structure = []
    for group, entries in keyfile_parse(text):
        structure.append(('group', group))
        for key, raw in entries:
            structure.append(('key', key, len(keyfile_value(raw, ';')) if key == 'interface' else None))
    return tuple(structure)


# ---------------------------------------------------------------------------------------------
# systemd units
# ---------------------------------------------------------------------------------------------

def systemd_parse(text):
    """``[(section, [(key, value), ...]), ...]``; a line ending in a backslash continues on the next."""
    sections = []
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        stripped = line.strip()
        if not stripped or stripped[0] in '#;':
            continue
        while stripped.endswith('\\') and i < len(lines):
            stripped = stripped[:-1] + ' ' + lines[i].strip()
            i += 1
        if stripped.startswith('['):
            if not stripped.endswith(']'):
                raise Unparsable('a section line must end with "]"')
            sections.append((stripped[1:-1], []))
            continue
        if '=' not in stripped or not sections:
            raise Unparsable('not a Key=Value line: %r' % stripped[:80])
        key, value = stripped.split('=', 1)
        sections[-1][1].append((key.strip(), value.strip()))
    return sections


def systemd_structure(text):
    structure = []
    for section, entries in systemd_parse(text):
        structure.append(('section', section))
        structure.extend(('key', key) for key, _value in entries)
    return tuple(structure)


_C_ESCAPES = {'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\', '"': '"',
              "'": "'", 's': ' ', ';': ';'}


def systemd_exec_words(value):
    """The argv systemd makes of an ExecStart= value: specifiers (%%) and $$ resolved, words split at white
    space, double and single quotes removed, C escapes resolved (extract_first_word with UNQUOTE|CUNESCAPE)."""
    if '%' in value.replace('%%', '') or '$' in value.replace('$$', ''):
        raise Unparsable('an unescaped specifier or variable')
    value = value.replace('%%', '%')
    words, word, quote = [], None, None
    i = 0
    while i < len(value):
        c = value[i]
        if quote is None and c in ' \t':
            if word is not None:
                words.append(''.join(word))
                word = None
            i += 1
            continue
        if word is None:
            word = []
        if c == '\\':
            i += 1
            if i >= len(value):
                raise Unparsable('a backslash at the end')
            e = value[i]
            if e not in _C_ESCAPES:
                raise Unparsable('an unknown escape \\%s' % e)
            word.append(_C_ESCAPES[e])
        elif quote is None and c in '"\'':
            quote = c
        elif c == quote:
            quote = None
        elif c == '$' and value.startswith('$$', i):
            word.append('$')
            i += 1
        else:
            word.append(c)
        i += 1
    if quote:
        raise Unparsable('a quote is never closed')
    if word is not None:
        words.append(''.join(word))
    return words


# ---------------------------------------------------------------------------------------------
# supervisor program files
# ---------------------------------------------------------------------------------------------

def supervisor_parser(text):
    """The file as supervisor's UnhosedConfigParser reads it (RawConfigParser, inline ';' and '#' comments)."""
    parser = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as error:
        raise Unparsable(str(error))
    return parser


def supervisor_value(parser, section, option):
    """A value after supervisor's expansion (%(name)s; %% is %)."""
    try:
        return parser.get(section, option) % {'here': '/etc/supervisor/conf.d', 'program_name': 'x'}
    except (KeyError, ValueError, TypeError) as error:
        raise Unparsable('expansion: %s' % error)


def supervisor_structure(text):
    parser = supervisor_parser(text)
    structure = []
    for section in parser.sections():
        structure.append(('section', section.split(':', 1)[0]))
        structure.extend(('option', option) for option in parser.options(section))
    return tuple(structure)


def supervisor_command_words(text, section):
    return shlex.split(supervisor_value(supervisor_parser(text), section, 'command'))


# ---------------------------------------------------------------------------------------------
# PowerShell
# ---------------------------------------------------------------------------------------------

POWERSHELL_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
_STRING_NODES = ('string_literal',)


def powershell_parser():
    import tree_sitter
    import tree_sitter_powershell
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def verbatim_string_value(literal):
    """The value of a single-quoted literal as PowerShell reads it, or Unparsable where PowerShell would end it
    earlier than the grammar does (any of five characters is a quote; two in a row are one)."""
    if len(literal) < 2 or literal[0] not in POWERSHELL_SINGLE_QUOTES or literal[-1] not in POWERSHELL_SINGLE_QUOTES:
        raise Unparsable('not a single-quoted literal')
    body = literal[1:-1]
    out = []
    i = 0
    while i < len(body):
        c = body[i]
        if c in POWERSHELL_SINGLE_QUOTES:
            if i + 1 < len(body) and body[i + 1] in POWERSHELL_SINGLE_QUOTES:
                out.append(body[i + 1])
                i += 2
                continue
            raise Unparsable('PowerShell ends the string at %r' % c)
        out.append(c)
        i += 1
    return ''.join(out)


_PARSER = []


def powershell_structure(text, parser=None):
    """The syntax tree's leaves in order, every string literal as ``STRING`` (each checked with
    :func:`verbatim_string_value`), every integer as ``NUM``, comments dropped; Unparsable where the grammar
    finds an error."""
    if parser is None:
        if not _PARSER:
            _PARSER.append(powershell_parser())
        parser = _PARSER[0]
    tree = parser.parse(text.encode('utf-8'))
    if tree.root_node.has_error:
        raise Unparsable('the PowerShell grammar finds a syntax error')
    leaves = []
    pending = [tree.root_node]
    while pending:
        node = pending.pop()
        if node.type == 'comment':
            continue
        if node.type in _STRING_NODES:
            for child in node.children:
                if child.type == 'verbatim_string_characters':
                    verbatim_string_value(child.text.decode('utf-8'))
            leaves.append('STRING')
            continue
        if node.child_count == 0:
            leaf = node.text.decode('utf-8')
            leaves.append('NUM' if node.type == 'decimal_integer_literal' else leaf)
            continue
        pending.extend(reversed(node.children))
    return tuple(leaves)


def powershell_strings(text, parser=None):
    """The values of every single-quoted literal, as PowerShell reads them."""
    parser = parser or powershell_parser()
    tree = parser.parse(text.encode('utf-8'))
    values = []
    pending = [tree.root_node]
    while pending:
        node = pending.pop()
        if node.type == 'verbatim_string_characters':
            values.append(verbatim_string_value(node.text.decode('utf-8')))
        pending.extend(reversed(node.children))
    return values
