# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which trunk each line of a rendered configuration belongs to, and which trunks a diff changes.

The gateway's configurations (kamailio.cfg, tls.cfg) mark each trunk's part with comment lines,
one marker a line, with optional leading whitespace::

    #@trunk lon-public-primary
    ... the lines of trunk lon-public-primary ...
    #@end

In the languages whose comments start otherwise, the marker stands behind the comment leader:
``; #@trunk NAME`` in an AudioCodes ini file or CLI script, ``! #@trunk NAME`` in an IOS
configuration (and ``; #@end``, ``! #@end``).

``#@trunk NAME`` opens the section of trunk NAME (a name of letters, digits and ``_.-``, at most
64 characters), ``#@end`` closes it. Sections do not nest: a ``#@trunk`` line closes the section
before it. Lines outside any section are host-wide: what several trunks share, and the settings
of the host. A marker line belongs to the section it opens or closes. A line that looks like a
marker but is not one (a name outside the grammar, text after ``#@end``) is a plain comment.

:func:`unified` writes a unified diff whose hunk headers name the owners of the lines the hunk
changes, as git names a hunk's function::

    @@ -41,7 +41,7 @@ trunk lon-public-primary
    @@ -1,9 +1,12 @@ host-wide, trunk a, trunk b

:func:`hunks` reads such a diff back (or any unified diff, where the markers inside the hunks
tell, and a change whose section cannot be told is host-wide), and :func:`trunks_of` sums it up.

Where identical lines let the diff place an added or removed run at several places (a new
section after one that ends the same way), the owners are read at the place where the run has
the fewest (the new section whole, not the end of the one before it and most of the new one).
The owners are those of the changed lines: a marker moved past unchanged lines is a change of
the marker's own trunk only.

Pure Python, no I/O.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

#: Opens the section of the trunk named after it.
BEGIN = '#@trunk '
#: Closes the open section.
END = '#@end'
#: The owner of host-wide lines, as a hunk header writes it.
HOST_WIDE = 'host-wide'

_NAME = re.compile(r'[A-Za-z0-9_.-]{1,64}\Z')
_HUNK = re.compile(r'@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@')
_INDENT = ' \t'
#: Comment leaders of the SBCs' languages a marker may stand behind: ``; #@trunk NAME`` in an AudioCodes
#: ini file or CLI script, ``! #@trunk NAME`` in an IOS configuration.
_OTHER_COMMENTS = (';', '!')
#: The largest replaced run (lines before times lines after) compared again exactly.
_REFINE_LIMIT = 1000000


def _marker(line):
    """``(True, NAME)`` for a line opening trunk NAME's section, ``(True, None)`` for one closing a
    section, ``(False, None)`` for any other line."""
    stripped = line.lstrip(_INDENT).rstrip(_INDENT)
    if stripped[:1] in _OTHER_COMMENTS:
        stripped = stripped[1:].lstrip(_INDENT)
    if stripped == END:
        return True, None
    if stripped.startswith(BEGIN):
        name = stripped[len(BEGIN):]
        if _NAME.match(name):
            return True, name
    return False, None


def _text(value):
    return value if isinstance(value, str) else ''


def _owners_of_lines(lines):
    found = []
    state = None
    for line in lines:
        is_marker, name = _marker(line)
        if is_marker and name is not None:
            state = name
            found.append(name)
        elif is_marker:
            found.append(state)
            state = None
        else:
            found.append(state)
    return found


def owners(text):
    """For each line of ``text`` (``text.splitlines()``), the name of the trunk whose section holds
    it, or None for a host-wide line."""
    return _owners_of_lines(_text(text).splitlines())


def _ordered(names):
    """Host-wide first, then the trunks in the order they came; each once."""
    seen = []
    for name in names:
        if name not in seen:
            seen.append(name)
    trunks = [name for name in seen if name is not None]
    return (None in seen), trunks


def _annotation(host_wide, trunks):
    return ', '.join(([HOST_WIDE] if host_wide else []) + ['trunk ' + name for name in trunks])


def _range(start, stop):
    """A hunk's range as difflib writes it (difflib._format_range_unified)."""
    beginning = start + 1
    length = stop - start
    if length == 1:
        return '%d' % beginning
    if not length:
        beginning -= 1
    return '%d,%d' % (beginning, length)


def _counted(names):
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return counts


def _place_key(counts, place):
    # fewest owners; then the diff's own place; then host-wide kept (the cautious reading); then the nearest
    return (len(counts), place != 0, None not in counts, abs(place))


def _run_owners(lines, line_owners, start, stop, low, high):
    """The owners of the run ``lines[start:stop]`` that a diff adds (or removes), where the unchanged
    lines around it (``lines[low:start]`` and ``lines[stop:high]``) let the diff place it elsewhere:
    a run that ends with the same line as the one before it could as well start one line earlier.
    Of the places it could be, the one with the fewest owners (a whole section rather than the end
    of one and the start of the next); the diff's own place when it is one of them."""
    best = 0
    best_key = _place_key(_counted(line_owners[start:stop]), 0)
    for step in (-1, 1):
        counts = _counted(line_owners[start:stop])
        place = 0
        while True:
            if step < 0:
                leaving, coming = stop + place - 1, start + place - 1
                if coming < low:
                    break
            else:
                leaving, coming = start + place, stop + place
                if coming >= high:
                    break
            if lines[coming] != lines[leaving]:
                break
            for owner, change in ((line_owners[leaving], -1), (line_owners[coming], 1)):
                counts[owner] = counts.get(owner, 0) + change
                if not counts[owner]:
                    del counts[owner]
            place += step
            key = _place_key(counts, place)
            if key < best_key:
                best, best_key = place, key
    return _ordered(line_owners[start + best:stop + best])


def _refined(matcher, old, new):
    """The matcher's opcodes, each ``replace`` refined by a second, exact comparison of its two runs
    (difflib passes over lines it finds too common, ``}`` or a blank line, and may then replace a
    run with one that starts or ends with the same lines): ``[tag, i1, i2, j1, j2, opcode]``, one
    after another, the unchanged runs next to each other merged, each change with the opcode it
    belongs to."""
    found = []
    for code in matcher.get_opcodes():
        tag, i1, i2, j1, j2 = code
        parts = [code]
        if tag == 'replace' and (i2 - i1) * (j2 - j1) <= _REFINE_LIMIT:
            exact = difflib.SequenceMatcher(None, old[i1:i2], new[j1:j2], autojunk=False)
            parts = [(kind, i1 + a1, i1 + a2, j1 + b1, j1 + b2) for kind, a1, a2, b1, b2 in exact.get_opcodes()]
        for kind, a1, a2, b1, b2 in parts:
            if kind == 'equal' and found and found[-1][0] == 'equal':
                found[-1][2], found[-1][4] = a2, b2
            else:
                found.append([kind, a1, a2, b1, b2, code])
    return found


def _changes(matcher, old, new, old_owners, new_owners):
    """{opcode: (host_wide, trunks)} for every change the matcher found."""
    parts = _refined(matcher, old, new)
    found = {}
    for index, (kind, i1, i2, j1, j2, code) in enumerate(parts):
        if kind == 'equal':
            continue
        before = parts[index - 1] if index > 0 and parts[index - 1][0] == 'equal' else None
        after = parts[index + 1] if index + 1 < len(parts) and parts[index + 1][0] == 'equal' else None
        if kind == 'insert':
            some = _run_owners(new, new_owners, j1, j2, before[3] if before else j1, after[4] if after else j2)
        elif kind == 'delete':
            some = _run_owners(old, old_owners, i1, i2, before[1] if before else i1, after[2] if after else i2)
        else:
            some = _ordered(old_owners[i1:i2] + new_owners[j1:j2])
        host_wide, trunks = found.get(code, (False, []))
        found[code] = (host_wide or some[0], trunks + [name for name in some[1] if name not in trunks])
    return found


def unified(before, after, fromfile, tofile, n=3):
    """``difflib.unified_diff`` of the lines of ``before`` and ``after`` (kept ends), joined; each
    hunk header names, after its second ``@@``, the owners of the lines it changes: a removed
    line's owner in ``before``, an added line's owner in ``after`` (:func:`_run_owners` says which
    lines, where the diff could have placed a run elsewhere). An empty string when the two texts
    are the same."""
    before, after = _text(before), _text(after)
    old, new = before.splitlines(True), after.splitlines(True)
    old_owners, new_owners = owners(before), owners(after)
    matcher = difflib.SequenceMatcher(None, old, new)
    changes = _changes(matcher, old, new, old_owners, new_owners)
    out = []
    for group in matcher.get_grouped_opcodes(n):
        if not out:
            out.append('--- {}\n'.format(fromfile))
            out.append('+++ {}\n'.format(tofile))
        host_wide, trunks = False, []
        for tag, i1, i2, j1, j2 in group:
            if tag != 'equal':
                # a replaced run the exact comparison finds unchanged: its lines' owners as they are
                some_host_wide, some_trunks = changes.get((tag, i1, i2, j1, j2)) or _ordered(
                    old_owners[i1:i2] + new_owners[j1:j2])
                host_wide = host_wide or some_host_wide
                trunks.extend(name for name in some_trunks if name not in trunks)
        first, last = group[0], group[-1]
        out.append('@@ -%s +%s @@ %s\n' % (_range(first[1], last[2]), _range(first[3], last[4]),
                                           _annotation(host_wide, trunks)))
        for tag, i1, i2, j1, j2 in group:
            if tag == 'equal':
                out.extend(' ' + line for line in old[i1:i2])
                continue
            if tag in ('replace', 'delete'):
                out.extend('-' + line for line in old[i1:i2])
            if tag in ('replace', 'insert'):
                out.extend('+' + line for line in new[j1:j2])
    return ''.join(out)


def _parse_annotation(tail):
    """The owners a hunk header's tail names, as ``(host_wide, trunks)``, or None when the tail is
    no annotation (empty, or git's function context)."""
    items = tail.strip().split(', ')
    host_wide, trunks = False, []
    for item in items:
        if item == HOST_WIDE:
            host_wide = True
        elif item.startswith('trunk ') and _NAME.match(item[len('trunk '):]):
            if item[len('trunk '):] not in trunks:
                trunks.append(item[len('trunk '):])
        else:
            return None
    return host_wide, trunks


def _count(text):
    return 1 if text is None else int(text)


def _file_name(line):
    # the name difflib and diff write after '+++ ', without the date they may add after a tab
    return line[4:].split('\t', 1)[0].rstrip() or None


def hunks(diff_text):
    """The hunks of a unified diff (several files' diffs may follow one another), each as a dict:
    ``file`` (the ``+++`` name, None before any), ``header`` (``@@ -a,b +c,d @@``), ``trunks`` (the
    names of the trunks it changes, in order), ``host_wide`` (it changes host-wide lines),
    ``annotated`` (its header named the owners), ``added`` and ``removed`` (its lines of each kind)
    and ``first_line`` (the index of its header in ``diff_text.splitlines()``).

    An annotated header (:func:`unified`) is taken as it is. Otherwise the marker lines inside the
    hunk tell the section of the lines after them; a changed line that no marker in the hunk places
    is host-wide. Any text is read: what is no diff gives no hunk."""
    found = []
    lines = _text(diff_text).splitlines()
    current_file = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith('--- '):
            current_file = None
            index += 1
            continue
        if line.startswith('+++ '):
            current_file = _file_name(line)
            index += 1
            continue
        match = _HUNK.match(line)
        if match is None:
            index += 1
            continue
        hunk, index = _hunk(lines, index, match, current_file)
        found.append(hunk)
    return found


def _hunk(lines, index, match, current_file):
    """The hunk whose header is ``lines[index]``, and the index of the line after it."""
    old_left, new_left = _count(match.group(2)), _count(match.group(4))
    annotation = _parse_annotation(lines[index][match.end():])
    # the section each side is in: unknown (False) before the hunk's first marker on that side
    old_state = new_state = False
    changed = []
    added = removed = 0
    first = index
    index += 1
    while index < len(lines) and (old_left > 0 or new_left > 0):
        line = lines[index]
        kind, content = (line[:1], line[1:]) if line else (' ', '')
        if kind == '\\':
            index += 1
            continue
        if kind not in ' -+' or (kind == ' ' and (old_left <= 0 or new_left <= 0)) or (
                kind == '-' and old_left <= 0) or (kind == '+' and new_left <= 0):
            break
        is_marker, name = _marker(content)
        if kind in ' -':
            old_left -= 1
            owner, old_state = _step(old_state, is_marker, name)
            if kind == '-':
                removed += 1
                changed.append(owner)
        if kind in ' +':
            new_left -= 1
            owner, new_state = _step(new_state, is_marker, name)
            if kind == '+':
                added += 1
                changed.append(owner)
        index += 1
    if annotation is not None:
        host_wide, trunks = annotation
    else:
        host_wide, trunks = _ordered(changed)
    return {'file': current_file, 'header': match.group(0), 'trunks': trunks, 'host_wide': host_wide,
            'annotated': annotation is not None, 'added': added, 'removed': removed, 'first_line': first}, index


def _step(state, is_marker, name):
    """The owner of a line in section ``state`` (False: not known, host-wide for a change), and the
    section of the lines after it."""
    if is_marker and name is not None:
        return name, name
    owner = None if state is False else state
    if is_marker:
        return owner, None
    return owner, state


def trunks_of(diff_text):
    """The trunks a diff changes (sorted) and whether it changes host-wide lines:
    ``{'trunks': [...], 'host_wide': bool}``."""
    names = set()
    host_wide = False
    for hunk in hunks(diff_text):
        names.update(hunk['trunks'])
        host_wide = host_wide or hunk['host_wide']
    return {'trunks': sorted(names), 'host_wide': host_wide}
