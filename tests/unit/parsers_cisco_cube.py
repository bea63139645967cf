# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The structure of a rendered CUBE configuration (cube.cfg), read by a real IOS-style parser.

ciscoconfparse2 (PyPI, tests/requirements.txt) reads the text the way IOS's configuration is read:
top-level commands in column 0, each child indented under its parent, ``!`` lines as comments. It is
independent of plugins/module_utils/platforms/cisco_cube.py, whose own parser the drift uses, so a
template or a value that bent the file's structure shows here even if both of the collection's halves
agreed on it.

* :func:`cube_blocks` - ``[(section, parents, [children])]``: each configuration mode with its direct
  children, in order, and the section it stands in (the trunk of the ``! #@trunk NAME`` ... ``! #@end``
  markers, None outside them).
* :func:`cisco_cube_structure` - what a value must not change: the sections, and per block the command
  words of its parents and of each child, every value (tags, names, addresses, descriptions) abstracted.
"""

from __future__ import annotations

import re

from ciscoconfparse2 import CiscoConfParse

_MARKER = re.compile(r'^!\s*#@trunk ([A-Za-z0-9_.-]{1,64})$')
_END = re.compile(r'^!\s*#@end$')

#: The command words of each line the role writes: the value-free head of the line. A line no rule knows is
#: abstracted word by word (any word holding a digit, a dot, a colon or an upper-case letter is a value).
_HEADS = [re.compile(pattern) for pattern in (
    r'^(description) ',
    r'^(dial-peer voice) \S+ (voip)$',
    r'^(voice class (?:tls-cipher|tls-profile|srtp-crypto|tenant)) \S+$',
    r'^(voice class uri) \S+ (sip)$',
    r'^(voice service voip|sip|sip-ua)$',
    r'^(crypto signaling remote-addr) \S+ \S+ (tls-profile|trustpoint) ',
    r'^(crypto signaling default) (tls-profile|trustpoint) ',
    r'^(cipher) \d+ \S+$',
    r'^(cipher) \S+$',
    r'^(crypto) \d+ \S+$',
    r'^(cn-san validate|cn-san-validate) (server|client|bidirectional)$',
    r'^(cn-san) \d+ \S+$',
    r'^(trustpoint|client-vtp|tls-profile|host|destination-pattern|session target|incoming uri via) \S+$',
    r'^(voice-class sip (?:tenant|srtp-crypto)) \S+$',
    r'^((?:voice-class sip )?bind (?:control|media) source-interface) \S+$',
    r'^(listen-port (?:secure|non-secure)) \S+$',
)]
_VALUE = re.compile(r'[0-9.:A-Z\[\]/]')


def shape(line):
    """A configuration line's command words, its values abstracted as ``_``."""
    text = line.strip()
    for pattern in _HEADS:
        match = pattern.match(text)
        if match:
            return ' '.join(g for g in match.groups() if g) + ' _'
    return ' '.join('_' if _VALUE.search(word) else word for word in text.split())


def cube_blocks(text):
    """``[(section, parents, children)]`` for every configuration mode with children, as ciscoconfparse2 reads
    ``text``; ``section`` is the trunk whose markers enclose the block (None outside)."""
    parsed = CiscoConfParse(text.splitlines(), syntax='ios')
    blocks = []
    section = None

    def walk(obj, parents):
        children = list(obj.children)
        if children:
            blocks.append((section, tuple(parents + [obj.text.strip()]), [c.text.strip() for c in children]))
        for child in children:
            walk(child, parents + [obj.text.strip()])

    for obj in parsed.find_objects(r'^\S'):
        line = obj.text.strip()
        if _MARKER.match(line):
            section = _MARKER.match(line).group(1)
            continue
        if _END.match(line):
            section = None
            continue
        if line.startswith('!'):
            continue
        if not obj.children:
            blocks.append((section, (line,), []))
            continue
        walk(obj, [])
    return blocks


def cisco_cube_structure(text):
    """What a value must not be able to change in a rendered cube.cfg: the order of the trunk sections (by
    position, not name), and in each the blocks' parents and children as command words (:func:`shape`)."""
    structure = []
    sections = []
    for section, parents, children in cube_blocks(text):
        if section not in sections:
            sections.append(section)
        position = None if section is None else [s for s in sections if s is not None].index(section)
        structure.append((position, tuple(shape(p) for p in parents), tuple(shape(c) for c in children)))
    return tuple(structure)
