# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Input values described in the words of the person who wrote them.

Error messages about inventory data show the value as YAML would show it (``'5061'``,
``null``, ``.nan``, ``{port: 5061}``) and name its type in plain words (a string, a
mapping, a list, an integer, a boolean, a number), whatever Python class carried it:
Ansible hands plugins tagged subclasses of ``str`` and ``dict``. Every function here is
bounded: a 10 kB string, an integer of 20,000 digits or a value nested 2,000 deep is
described in a few words, never printed whole and never recursed into without limit.

Pure Python, no I/O, no Ansible import.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

from collections.abc import Mapping, Sequence

#: The longest string shown whole; longer ones are cut and their length given.
MAX_TEXT = 80
#: Integers with more bits than this are described by their size, not printed.
MAX_INT_BITS = 256
_MAX_DEPTH = 2
_MAX_ITEMS = 5

# YAML shows these in single quotes; anything else (a control character, a line or
# paragraph separator, a quote of its own kind is fine) makes it double-quoted, escaped.
_ESCAPES = {'\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0', '"': '\\"', '\\': '\\\\'}


def type_name(value):
    """``a string``, ``a mapping``, ``a list``, ``an integer``, ``a boolean``, ``a number``, ``null``."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, int):
        return 'an integer'
    if isinstance(value, float):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, Mapping):
        return 'a mapping'
    if isinstance(value, (bytes, bytearray)):
        return 'binary data'
    if isinstance(value, (Sequence, set, frozenset)):
        return 'a list'
    return 'a value of type %s' % _public_class(value)


def _public_class(value):
    for cls in type(value).__mro__:
        if not cls.__name__.startswith('_'):
            return cls.__name__
    return 'object'


def show(value, _depth=0):
    """The value as YAML would show it, in a bounded number of characters."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            return 'an integer of %d bits' % value.bit_length()
        return str(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return '.nan'
        if math.isinf(value):
            return '.inf' if value > 0 else '-.inf'
        return repr(float(value))
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, Mapping):
        if _depth >= _MAX_DEPTH:
            return '{...}' if value else '{}'
        shown = ['%s: %s' % (show_key(key), show(value[key], _depth + 1)) for key in _first(value)]
        if len(value) > _MAX_ITEMS:
            shown.append('... (%d keys)' % len(value))
        return '{%s}' % ', '.join(shown)
    if isinstance(value, (list, tuple)):
        if _depth >= _MAX_DEPTH:
            return '[...]' if value else '[]'
        shown = [show(item, _depth + 1) for item in value[:_MAX_ITEMS]]
        if len(value) > _MAX_ITEMS:
            shown.append('... (%d items)' % len(value))
        return '[%s]' % ', '.join(shown)
    return type_name(value)


def _first(mapping):
    keys = []
    for key in mapping:
        if len(keys) == _MAX_ITEMS:
            break
        keys.append(key)
    return keys


_PLAIN_KEY = re.compile(r'[A-Za-z_][A-Za-z0-9_.-]{0,79}\Z')


def quote(text):
    """A string as YAML would quote it: ``'it''s'``, or ``"a\\nb"`` when it holds a character
    single quotes cannot carry. Long strings are cut, with their length."""
    text = str(text)
    suffix = ''
    if len(text) > MAX_TEXT:
        suffix = '... (%d characters)' % len(text)
        text = text[:MAX_TEXT]
    if text.isprintable():
        return "'%s'%s" % (text.replace("'", "''"), suffix)
    return '"%s"%s' % (''.join(_escape(char) for char in text), suffix)


def _escape(char):
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable():
        return char
    code = ord(char)
    return '\\x%02x' % code if code < 0x100 else ('\\u%04x' % code if code < 0x10000 else '\\U%08x' % code)


def found(value):
    """``found ...`` words for a message: ``a string '5061'``, ``null``, ``an integer of 16610 bits``."""
    if value is None:
        return 'null'
    shown = show(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        return shown
    kind = type_name(value)
    return kind if shown == kind else '%s %s' % (kind, shown)


def jsonable(value):
    """A scalar as JSON can carry it (the value itself when it is small and plain), else its description."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value) if value.bit_length() <= MAX_INT_BITS else show(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else show(value)
    if isinstance(value, str) and len(value) <= 4 * MAX_TEXT:
        return str(value)
    return show(value)


def show_key(key):
    """A mapping key as it may stand in a field path: plain keys as they are, others shown."""
    if isinstance(key, str) and _PLAIN_KEY.match(key):
        return str(key)
    return show(key, _MAX_DEPTH)
