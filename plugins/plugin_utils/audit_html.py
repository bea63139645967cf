# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The audit report's HTML page, rendered from the Jinja2 templates beside this file.

The document (``module_utils/audit_report.build``) is data; this module arranges it for the page
(order, element ids, trimmed diffs), still as data, and
the templates under ``audit_templates/`` write every element: ``page.html.j2`` the page,
``path.html.j2`` the path diagram macro, ``audit.css`` its style and ``audit.js`` the optional
filter. Autoescape is on for everything; control characters are shown as ``\\xNN``.

The page is self-contained: the style and the script are inlined, a Content-Security-Policy
allows nothing else (no request, no other script: the script is pinned by its hash), and
without the script everything is still there (the filter only hides rows).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import os
import re

import jinja2
import markupsafe

from ansible_collections.voip.trunk_security.plugins.module_utils import audit_report

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'audit_templates')

#: Lines of one change's diff the page shows (context trimmed first); the JSON keeps every line.
DIFF_LINES = 40
#: Lines the page shows of a file that would be created (the whole file is new: the JSON has it).
NEW_FILE_LINES = 12
#: Unchanged lines kept around each change in the page's diffs.
DIFF_CONTEXT = 1


# Control characters are shown, not passed through: a hostile name must not confuse a parser.
# So are the characters that reorder or hide text (bidirectional controls, zero-width characters).
_CONTROL = re.compile(u'[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e'
                      u'\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]')


def _visible(value):
    """Every value a template writes: None as nothing, control characters as ``\\xNN``."""
    if value.__class__ is str:  # the common case first (a str subclass such as Markup takes the long way)
        return _CONTROL.sub(_shown, value) if _CONTROL.search(value) else value
    if value is None:
        return ''
    if isinstance(value, jinja2.runtime.Undefined):
        return value
    if isinstance(value, (str, int, float)):
        text = value if isinstance(value, str) else str(value)
        shown = _CONTROL.sub(lambda m: '\\x%02x' % ord(m.group()), text)
        if isinstance(value, markupsafe.Markup):
            return value if shown == text else markupsafe.Markup(shown)
        return shown
    return value


def _shown(match):
    return '\\x%02x' % ord(match.group())


_ENVIRONMENT = []


def environment():
    """The templates' environment (one per process): autoescape on, undefined names are errors."""
    if not _ENVIRONMENT:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                                 lstrip_blocks=True, undefined=jinja2.StrictUndefined, finalize=_visible)
        _ENVIRONMENT.append(env)
    return _ENVIRONMENT[0]


def _asset(name):
    with open(os.path.join(TEMPLATES, name), 'r', encoding='utf-8') as stream:
        return stream.read()


def render_html(doc, title='Trunk security audit'):
    """The document as one self-contained HTML page (text)."""
    script = _asset('audit.js')
    style = _asset('audit.css')
    return environment().get_template('page.html.j2').render(
        doc=doc, title=title, view=view(doc), style=style, script=script, style_hash=_digest(style),
        script_hash=_digest(script),
        status_words=audit_report.STATUS_WORDS, status_hints=audit_report.STATUS_HINTS,
        audience_words=audit_report.AUDIENCE_WORDS, words=_WORDS)


def _digest(text):
    """The CSP source that allows exactly this inline style or script."""
    return 'sha256-' + base64.b64encode(hashlib.sha256(text.encode('utf-8')).digest()).decode('ascii')


# --------------------------------------------------------------------------- the page's arrangement

def view(doc):
    """What the page shows, in its order: trunks by status (non-compliant first), hosts with problems
    first; each trunk's lines in words, so that the template only writes them."""
    order = dict((status, number) for number, status in enumerate(audit_report.STATUSES))
    host_ids = dict((host, 'host-%d' % (number + 1)) for number, host in enumerate(sorted(doc['hosts'])))
    rows = []
    for host in sorted(doc['hosts']):
        for trunk in doc['hosts'][host]['trunks']:
            rows.append((order[trunk['status']], host, trunk['label'], trunk))
    rows.sort(key=lambda row: row[:3])
    trunks = [_row(row[1], host_ids[row[1]], row[3]) for row in rows]
    hosts = []
    for host in sorted(doc['hosts'], key=lambda h: (-_not_compliant(doc['hosts'][h]), h)):
        data = doc['hosts'][host]
        hosts.append({'name': host, 'id': host_ids[host], 'data': data,
                      'changes': [_change(change) for change in data['drift']['changes']]})
    rules = sorted(count['rule'] for count in doc['summary']['rules'])
    return {'trunks': trunks, 'hosts': hosts, 'rules': rules,
            'drift_hosts': [h for h in hosts if h['data']['drift']['state'] in audit_report.DRIFTING]}


#: Lines of a trunk's ``why`` the page leaves out: its drift and live lines say them.
_SAID_ELSEWHERE = ('blocker ', 'configuration not confirmed', 'configuration drift not checked', 'live checks not run',
                   "the check-mode run would", "the host's check-mode run", 'the host was unreachable')
_LIVE_FAILED = re.compile(r'\d+ live check\(s\) failed: ')


def _row(host, host_id, trunk):
    """One trunk's line and detail, the words decided here."""
    drift = trunk['drift']
    state = drift['state']
    if state == audit_report.DRIFT_CHANGES:
        words = []
        if drift['changes']:
            words.append("this trunk's section would change (%d hunk(s))." % drift['hunks'])
        if drift['host_wide']:
            words.append("What the host's trunks share would change (%d task(s))." % len(drift['host_wide']))
        drift_text = ' '.join(words)
    elif state == audit_report.DRIFT_FAILED:
        drift_text = "the host's check-mode run failed."
    elif state == audit_report.DRIFT_UNREACHABLE:
        drift_text = 'the host could not be reached by the check-mode run.'
    elif state == audit_report.DRIFT_NOT_CONFIRMED:
        others = [name for name in drift['stopped_by'] if name != trunk['label']]
        drift_text = ("the host's check-mode run was stopped by %s: this trunk's configuration is not confirmed."
                      % ('the blocker of trunk ' + ', '.join(others) if others else "this trunk's own blocker"))
    elif state == audit_report.DRIFT_CLEAN:
        drift_text = ''
    else:
        drift_text = 'no check-mode run of this host.'
    live = trunk['checks']['live']
    if live == audit_report.LIVE_NOT_RUN:
        reason = trunk.get('live_not_run_reason')
        live_text = 'for this trunk%s.' % (': ' + reason if reason else '')
    else:
        live_text = ''
    why = [line for line in trunk['why'] if not line.startswith(_SAID_ELSEWHERE) and not _LIVE_FAILED.match(line)]
    return {'host': host, 'host_id': host_id, 'trunk': trunk, 'why': why,
            'rules': ' '.join(trunk['rules']), 'drift_state': state, 'drift_word': _WORDS.get(state, state),
            'drift_text': drift_text, 'drift_link': state in audit_report.DRIFTING,
            'live_state': live, 'live_word': _WORDS.get(live, live), 'live_text': live_text,
            'recheck': '\n'.join(item['command'] for item in trunk['recheck']),
            'exact': all(item.get('exact', True) for item in trunk['recheck'])}


_WORDS = {'not-run': 'not run', 'not-confirmed': 'not confirmed'}


def _change(change):
    """One change of a host's drift as the page shows it: the task without its role's prefix (the role is
    shown beside it), where it acts, whom it concerns, and its diff trimmed."""
    task = change['task'] or '?'
    role = change.get('role')
    if role and task.startswith(role + ' : '):
        task = task[len(role) + 3:]
    where = [part for part in (role, change['action'], change['path'] or change.get('item')) if part]
    owners = (['host-wide'] if change['host_wide'] else []) + ['trunk ' + name for name in change['trunks']]
    return {'task': task, 'where': ' · '.join(where), 'owners': ', '.join(owners), 'shown': diff_lines(change['diff']),
            'same_as': change.get('same_as_diff_of'), 'stale': ', '.join(change.get('stale_trunks', ()))}


def _not_compliant(host):
    return sum(count for status, count in host['counts'].items() if status != 'compliant')


def diff_lines(diff):
    """A diff for the page: ``{'lines': [(kind, text)], 'more': n}``, unchanged context trimmed to
    DIFF_CONTEXT lines around each change and at most DIFF_LINES lines."""
    lines = diff.splitlines() if diff else []
    kinds = [_kind(line) for line in lines]
    keep = [kind != 'ctx' for kind in kinds]
    for number, kind in enumerate(kinds):
        if kind in ('add', 'del'):
            for near in range(max(0, number - DIFF_CONTEXT), min(len(lines), number + DIFF_CONTEXT + 1)):
                keep[near] = True
    shown, skipped = [], 0
    for number, line in enumerate(lines):
        if not keep[number]:
            skipped += 1
            continue
        if skipped:
            shown.append(('skip', '%d unchanged line(s)' % skipped))
            skipped = 0
        shown.append((kinds[number], line))
    if skipped:
        shown.append(('skip', '%d unchanged line(s)' % skipped))
    limit = NEW_FILE_LINES if _NEW_FILE.search(diff or '') else DIFF_LINES
    more = max(0, len(shown) - limit)
    return {'lines': shown[:limit], 'more': more, 'total': len(lines)}


_NEW_FILE = re.compile(r'^@@ -0,0 \+1', re.M)


def _kind(line):
    if line.startswith('+++') or line.startswith('---'):
        return 'meta'
    if line.startswith('@@'):
        return 'hunk'
    if line.startswith('+'):
        return 'add'
    if line.startswith('-'):
        return 'del'
    return 'ctx'
