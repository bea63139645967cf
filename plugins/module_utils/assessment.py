# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A host's assessment, and the reports built from many hosts' assessments.

Pure Python, no I/O, no Ansible import: the action plugin computes, the filters
render (JSON-ready data, JUnit XML, a text table), Ansible writes the files.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.voip.trunk_security.plugins.module_utils import junit, trunk_policy


FAIL_ON = ('blockers', 'invalid', 'never')
COUNT_KEYS = ('trunks', 'required', 'optional', 'blockers', 'invalid', 'compliant', 'warnings')


def assess_host(trunks):
    """Assess one host's trunks. Returns ``{'trunks': [...], 'counts': {...}}``.

    A valid trunk's entry is its policy result plus ``valid: true`` and ``index``;
    an invalid one is ``{name, index, valid: false, decision: invalid, compliant: false,
    error, problems}``, so one bad trunk never hides the others.
    """
    entries = []
    for outcome in trunk_policy.assess(trunks):
        if outcome['valid']:
            entry = outcome['result']
            entry['valid'] = True
            entry['index'] = outcome['index']
        else:
            error = outcome['error']
            entry = {'name': outcome['name'], 'index': outcome['index'], 'valid': False, 'decision': 'invalid',
                     'compliant': False, 'error': str(error), 'problems': [p.as_dict() for p in error.problems]}
        entries.append(entry)
    return {'trunks': entries, 'counts': count(entries)}


def count(entries):
    counts = {key: 0 for key in COUNT_KEYS}
    counts['trunks'] = len(entries)
    for entry in entries:
        if not entry['valid']:
            counts['invalid'] += 1
            continue
        counts[entry['decision']] += 1
        if entry['blockers']:
            counts['blockers'] += 1
        else:
            counts['compliant'] += 1
        if entry['warnings']:
            counts['warnings'] += 1
    return counts


def failures(entries, fail_on):
    """The lines explaining why a task with this ``fail_on`` fails; empty when it passes."""
    if fail_on == 'never':
        return []
    lines = [entry['error'] for entry in entries if not entry['valid']]
    if fail_on == 'blockers':
        lines.extend(blocker['message'] for entry in entries if entry['valid'] for blocker in entry['blockers'])
    return lines


def stopped_by(entries, fail_on):
    """The trunks a task with this ``fail_on`` fails on, as reports name them: its name, or its place
    (``(2 of 5)``) for a trunk without a usable name."""
    if fail_on == 'never':
        return []
    names = []
    for position, entry in enumerate(entries):
        if not entry['valid'] or (fail_on == 'blockers' and entry['blockers']):
            name = entry.get('name')
            names.append(name if isinstance(name, str) and name else trunk_policy.unnamed(position, len(entries)))
    return names


def build_report(assessments):
    """Many hosts' assessments (``{host: assessment}``) to one JSON-ready report.

    A host whose assessment was skipped (no trunks) or failed before assessing is
    listed under ``skipped`` with the reason, not silently dropped.
    """
    hosts, skipped = {}, {}
    totals = {key: 0 for key in COUNT_KEYS}
    for host in sorted(assessments):
        assessment = assessments[host]
        if not isinstance(assessment, dict) or 'trunks' not in assessment or assessment.get('skipped'):
            skipped[host] = _why_skipped(assessment)
            continue
        hosts[host] = {'counts': assessment['counts'], 'trunks': assessment['trunks']}
        for key in COUNT_KEYS:
            totals[key] += assessment['counts'].get(key, 0)
    totals['hosts'] = len(hosts)
    return {'summary': totals, 'hosts': hosts, 'skipped': skipped}


def _why_skipped(assessment):
    if not isinstance(assessment, dict):
        return 'not assessed'
    if assessment.get('skipped'):
        return 'no trunks: neither sip_trunks nor trunk_security_source is set'
    return assessment.get('msg') or 'not assessed'


def setting_word(setting):
    """A result's ``tls`` or ``srtp`` entry in one word: required, on or off."""
    setting = setting or {}
    if setting.get('required'):
        return 'required'
    return 'on' if setting.get('enable') else 'off'


def _notes(entry):
    if not entry['valid']:
        return 'INVALID: ' + '; '.join(p['field'] for p in entry['problems'])
    notes = ['BLOCKER ' + b['rule'] for b in entry['blockers']]
    notes.extend('warn ' + w['rule'] for w in entry['warnings'])
    return ', '.join(notes) or '-'


TABLE_COLUMNS = ('HOST', 'TRUNK', 'CONNECTION', 'DECISION', 'TLS', 'SRTP', 'BLOCKERS / WARNINGS')


def table_rows(report):
    rows = []
    for host, data in sorted(report['hosts'].items()):
        for entry in data['trunks']:
            if entry['valid']:
                rows.append((host, entry['name'], entry['connection'], entry['decision'],
                             setting_word(entry['tls']),
                             setting_word(entry['srtp']), _notes(entry)))
            else:
                rows.append((host, entry['name'] or trunk_policy.unnamed(entry['index'], len(data['trunks'])), '?', 'invalid', '-', '-', _notes(entry)))
    return rows


def table(report):
    """A compact fixed-width table, one line a trunk, as a list of lines."""
    rows = table_rows(report)
    widths = [max([len(col)] + [len(str(row[i])) for row in rows]) for i, col in enumerate(TABLE_COLUMNS[:-1])]
    fmt = '  '.join('%%-%ds' % w for w in widths) + '  %s'
    lines = [fmt % TABLE_COLUMNS, fmt % tuple('-' * w for w in widths + [len(TABLE_COLUMNS[-1])])]
    lines.extend(fmt % row for row in rows)
    summary = report['summary']
    lines.append('%d host(s), %d trunk(s): %d required, %d optional, %d with blockers, %d invalid'
                 % (summary['hosts'], summary['trunks'], summary['required'], summary['optional'], summary['blockers'],
                    summary['invalid']))
    if report['skipped']:
        lines.append('not assessed: ' + ', '.join('%s (%s)' % item for item in sorted(report['skipped'].items())))
    return lines


def junit_xml(report, suite_name='trunk-security'):
    """JUnit XML: a test suite per host, a test case per trunk; blockers and invalid trunks fail."""
    suites = []
    for host, data in sorted(report['hosts'].items()):
        cases = []
        for entry in data['trunks']:
            name = entry['name'] or trunk_policy.unnamed(entry['index'], len(data['trunks']))
            case = {'name': name, 'classname': '%s.%s' % (suite_name, host), 'failure': None, 'system_out': None}
            cases.append(case)
            if not entry['valid']:
                case['failure'] = junit.failure('invalid', entry['error'],
                                                ['%s: %s' % (p['field'], p['message']) for p in entry['problems']])
                continue
            if entry['blockers']:
                case['failure'] = junit.failure(','.join(b['rule'] for b in entry['blockers']),
                                                '; '.join(b['message'] for b in entry['blockers']),
                                                ['%s: %s' % (b['rule'], b['message']) for b in entry['blockers']])
            out = ['decision: %s (TLS %s, SRTP %s)' % (entry['decision'], setting_word(entry['tls']), setting_word(entry['srtp']))]
            out.extend('%s: %s' % (r['rule'], r['message']) for r in entry['reasons'])
            out.extend('warning %s: %s' % (w['rule'], w['message']) for w in entry['warnings'])
            case['system_out'] = '\n'.join(out)
        suites.append({'name': host, 'cases': cases})
    return junit.render(suite_name, suites)
