# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The structure of the AudioCodes files the role renders, read by parsers of their own (nothing here imports the
platform module, so a fault of its parser cannot hide one of its templates).

* :func:`audiocodes_ini_structure` - an incremental ini (``incremental.ini``): sections, parameters, tables with
  their FORMAT columns, rows with the kind of each value, trunk markers. Raises :class:`StructureError` where a row
  has more or fewer values than its FORMAT line has columns, a table is not closed (or closed twice), a row stands
  outside a table or before its FORMAT line, a value is not one ini value, or a trunk marker is not closed inside
  its table.
* :func:`audiocodes_cli_structure` - the CLI script (``cli.txt``): modes, row sub-modes, settings with the kind of
  each value, trunk markers. Raises :class:`StructureError` where a ``configure ...`` mode or a row sub-mode has no
  ``exit``, a row is not activated right before its ``exit``, or a line stands outside the mode it needs.

Two files with equal structures differ only inside their values: what the hostile-value test compares
(tests/unit/test_template_structure.py). :data:`BENIGN` holds benign values of the role inputs the templates write.
"""

from __future__ import annotations

import re

#: The tables of an incremental ini, in the order a table referenced by another comes before it.
DEPENDENCY_ORDER = ('TLSContexts', 'SIPInterface', 'ProxySet', 'ProxyIp', 'IpProfile', 'IPGroup')

#: Benign values of the AudioCodes role inputs that reach the rendered files (the hostile-value test puts a
#: hostile value in one of them at a time, the others benign).
BENIGN = {
    'mediation_gateway_audiocodes_srd': 'DefaultSRD',
    'mediation_gateway_audiocodes_name_prefix': 'acme-',
    'mediation_gateway_audiocodes_network_interfaces': {'10.1.0.5': 'WAN'},
    'mediation_gateway_audiocodes_trunks': {},
    'mediation_gateway_audiocodes_firmware': '7.4',
    'mediation_gateway_audiocodes_index_base': 1,
}

_STRING = r'"[^"\r\n]*"'
_BARE = r'[^,;"\'\s]+'
_VALUE = r'(?:%s|%s)' % (_STRING, _BARE)
_VALUES = re.compile(r'\s*%s(?:\s*,\s*%s)*\s*;\s*\Z' % (_VALUE, _VALUE))
_ONE_VALUE = re.compile(r'%s|%s' % (_STRING, _BARE))
_NAME = r'[A-Za-z][A-Za-z0-9_]*'
_MARKER = re.compile(r';\s*#@trunk ([A-Za-z0-9_.-]{1,64})\Z')
_MARKER_END = re.compile(r';\s*#@end\Z')


class StructureError(ValueError):
    """A file whose structure is broken."""


def _kind(token):
    if token.startswith('"'):
        return 'string'
    if token == '$$':
        return 'default'
    if re.match(r'-?[0-9]+\Z', token):
        return 'int'
    return 'bare'


def _fail(number, line, reason):
    raise StructureError('line %d (%r): %s' % (number, line, reason))


def audiocodes_ini_structure(text):
    """The structure of an incremental ini: a list of tuples ``('section', NAME)``, ``('param', NAME, KIND)``,
    ``('table', NAME, COLUMNS)``, ``('trunk', PLACE)`` (the trunk's place, its name abstracted), ``('row', TABLE, INDEX, KINDS)``, ``('end-trunk',)``,
    ``('end-table', NAME)``. Comments other than trunk markers are left out."""
    found = []
    table = columns = trunk = None
    seen_tables = set()
    for number, line in enumerate(text.split('\n'), 1):
        if '\r' in line:
            _fail(number, line, 'a carriage return')
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(';'):
            opened, closed = _MARKER.match(stripped), _MARKER_END.match(stripped)
            if opened:
                if table is None or columns is None or trunk is not None:
                    _fail(number, line, 'a trunk marker outside a table, or inside another trunk\'s rows')
                trunk = opened.group(1)
                found.append(('trunk', trunk))
            elif closed:
                if trunk is None:
                    _fail(number, line, '#@end without #@trunk')
                trunk = None
                found.append(('end-trunk',))
            elif '#@' in stripped:
                _fail(number, line, 'a malformed marker')
            continue
        title = re.match(r'\[ (\\?)(%s) \]\Z' % _NAME, stripped)
        if title:
            name = title.group(2)
            if title.group(1):
                if table != name or trunk is not None:
                    _fail(number, line, 'closes a table that is not open, or inside a trunk\'s rows')
                found.append(('end-table', name))
                table = columns = None
            else:
                if table is not None:
                    _fail(number, line, 'table %s is not closed' % table)
                if name in seen_tables:
                    _fail(number, line, 'table %s twice' % name)
                seen_tables.add(name)
                table, columns = name, None
            continue
        section = re.match(r'\[([A-Za-z][A-Za-z ]*)\]\Z', stripped)
        if section:
            if table is not None:
                _fail(number, line, 'a section inside table %s' % table)
            found.append(('section', section.group(1)))
            continue
        if table is not None:
            form = re.match(r'FORMAT Index = (%s(?:, %s)*);\Z' % (_NAME, _NAME), stripped)
            if form:
                if columns is not None:
                    _fail(number, line, 'a second FORMAT line')
                columns = tuple(form.group(1).split(', '))
                found.append(('table', table, columns))
                continue
            row = re.match(r'(%s) ([0-9]+) = (.*)\Z' % _NAME, stripped)
            if not row or row.group(1) != table or columns is None:
                _fail(number, line, 'not a row of table %s after its FORMAT line' % table)
            if trunk is None:
                _fail(number, line, 'a row outside any trunk marker')
            if not _VALUES.match(row.group(3)):
                _fail(number, line, 'not a list of ini values ended by ";"')
            kinds = tuple(_kind(token) for token in _ONE_VALUE.findall(row.group(3)))
            if len(kinds) != len(columns):
                _fail(number, line, '%d values for %d columns' % (len(kinds), len(columns)))
            found.append(('row', table, int(row.group(2)), kinds))
            continue
        param = re.match(r'(%s) = (.*)\Z' % _NAME, stripped)
        if not param or not re.match(r'%s\Z' % _VALUE, param.group(2)):
            _fail(number, line, 'neither a parameter, a table nor a comment')
        found.append(('param', param.group(1), _kind(param.group(2))))
    if table is not None or trunk is not None:
        raise StructureError('the file ends inside table %s / trunk %s' % (table, trunk))
    return _by_position(found)


def _by_position(found):
    """The values a role input may set, abstracted: the trunk markers' names become their places in order of first
    appearance (which sections belong to one trunk is structure), and a row's index becomes ``'INDEX'`` (an index
    base moves every row; a row is still one row of its table)."""
    order = []
    positioned = []
    for entry in found:
        if entry[0] == 'trunk':
            if entry[1] not in order:
                order.append(entry[1])
            entry = ('trunk', order.index(entry[1]))
        elif entry[0] == 'row':
            entry = entry[:2] + ('INDEX',) + entry[3:]
        positioned.append(entry)
    return positioned


def ini_tables(structure):
    """The tables of an ini structure, in file order."""
    return [entry[1] for entry in structure if entry[0] == 'table']


def audiocodes_cli_structure(text):
    """The structure of a CLI script: a list of tuples ``('mode', WORDS)``, ``('submode', WORDS)``,
    ``('row', COMMAND, INDEX)``, ``('set', KEYWORD, KIND)``, ``('activate',)``, ``('exit',)``, ``('trunk', PLACE)``,
    ``('end-trunk',)``. Comments other than trunk markers are left out."""
    found = []
    depth = 0              # 0: top, 1: in a configure mode, 2: in a row or sub-mode
    activated = False
    trunk = None
    for number, line in enumerate(text.split('\n'), 1):
        if not line.strip():
            continue
        if line.startswith(';'):
            opened, closed = _MARKER.match(line), _MARKER_END.match(line)
            if opened:
                if depth != 1 or trunk is not None:
                    _fail(number, line, 'a trunk marker outside a configure mode, or inside another trunk')
                trunk = opened.group(1)
                found.append(('trunk', trunk))
            elif closed:
                if depth != 1 or trunk is None:
                    _fail(number, line, '#@end without #@trunk, or inside a row')
                trunk = None
                found.append(('end-trunk',))
            elif '#@' in line:
                _fail(number, line, 'a malformed marker')
            continue
        indent = len(line) - len(line.lstrip(' '))
        words = line.strip()
        if indent != (depth - 1 if words == 'exit' else depth):
            _fail(number, line, 'indented %d at depth %d' % (indent, depth))
        if depth == 0:
            if not re.match(r'configure (network|voip)\Z', words):
                _fail(number, line, 'not a configure mode')
            found.append(('mode', words))
            depth = 1
        elif depth == 1:
            if words == 'exit':
                if trunk is not None:
                    _fail(number, line, 'leaves the mode inside a trunk\'s rows')
                found.append(('exit',))
                depth = 0
                continue
            row = re.match(r'([a-z][a-z-]*) ([0-9]+(?:/[0-9]+)?)\Z', words)
            sub = re.match(r'[a-z][a-z-]*( [a-z][a-z-]*)*\Z', words)
            if row:
                if trunk is None:
                    _fail(number, line, 'a row outside any trunk marker')
                found.append(('row', row.group(1), row.group(2)))
            elif sub:
                found.append(('submode', words))
            else:
                _fail(number, line, 'neither a row nor a sub-mode')
            depth, activated = 2, False
        else:
            if words == 'exit':
                if not activated:
                    _fail(number, line, 'a row or sub-mode left without "activate" right before "exit"')
                found.append(('exit',))
                depth = 1
                continue
            if activated:
                _fail(number, line, 'a setting after "activate"')
            if words == 'activate':
                activated = True
                found.append(('activate',))
                continue
            setting = re.match(r'([a-z][a-z0-9-]*) ("[^"]*"|-?[0-9]+|[a-z0-9][a-z0-9.-]*)\Z', words)
            if not setting:
                _fail(number, line, 'not "keyword value"')
            value = setting.group(2)
            kind = 'string' if value.startswith('"') else ('int' if re.match(r'-?[0-9]+\Z', value) else 'word')
            found.append(('set', setting.group(1), kind))
    if depth != 0 or trunk is not None:
        raise StructureError('the script ends inside a mode (depth %d) or a trunk (%s)' % (depth, trunk))
    return _by_position(found)
