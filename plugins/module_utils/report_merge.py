# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The reports of a sliced run (one directory a slice, each holding a part) merged into one set.

Pure Python, no I/O, no Ansible import: the action plugin reads the parts and writes the files.

A slice writes, for its own hosts, what one run over the whole inventory writes for all of
them: the assessment (``trunk-security.json``), and, when those playbooks ran in the slice,
the drift of a check-mode run (``trunk-drift.json``) and the live verification
(``trunk-verify.json``). Every host is in exactly one slice, so merging is a union per host:

* the assessment is rebuilt with :func:`assessment.build_report` from the parts' hosts, so the
  totals, the order and the JUnit XML are those of one run;
* the drift and the verification are the union of the parts' hosts; the verification's
  timestamp is the oldest of the parts' (the merged report never looks fresher than its
  oldest part) and every part must have judged certificates with the same threshold.

A host in more than one part, a part that is not a report of the playbooks, and two parts
whose verification used different thresholds are errors; so, for the caller, are hosts of the
inventory that no part covers (:func:`uncovered`: a slice's reports are missing) (:class:`MergeError`) naming the
hosts, the parts and the values. A source that some parts have and others lack is, by
default, merged from the parts that have it: the hosts of the others are then reported by the
audit as "not run" for it (never as passed), and :func:`merge` returns a note naming those
parts. With ``partial_sources='fail'`` it is an error instead.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.voip.trunk_security.plugins.module_utils import assessment

ASSESSMENT, DRIFT, VERIFY = 'assessment', 'drift', 'verify'
KINDS = (ASSESSMENT, DRIFT, VERIFY)
#: The file each source is read from and written to, as its producer names it.
FILE_NAMES = {ASSESSMENT: 'trunk-security.json', DRIFT: 'trunk-drift.json', VERIFY: 'trunk-verify.json'}
JUNIT_NAME = 'trunk-security.junit.xml'
PARTIAL_SOURCES = ('not_run', 'fail')
_PRODUCERS = {ASSESSMENT: 'playbooks/assess.yml', DRIFT: 'the trunk_drift callback (enforce.yml --check --diff)',
              VERIFY: 'playbooks/verify.yml'}


class MergeError(ValueError):
    """Parts that cannot be merged into one run's reports; the message names the hosts and the parts."""


def hosts_of(kind, doc):
    """The host names one source of a part speaks of (the assessment: assessed and skipped)."""
    names = list(doc.get('hosts') or {})
    if kind == ASSESSMENT:
        names.extend(doc.get('skipped') or {})
    return names


def check_part(name, sources):
    """Raise MergeError when a part's sources are not what their producers write."""
    if sources.get(ASSESSMENT) is None:
        raise MergeError('part %s has no %s: run playbooks/assess.yml in that slice' % (name, FILE_NAMES[ASSESSMENT]))
    for kind in KINDS:
        doc = sources.get(kind)
        if doc is None:
            continue
        where = '%s/%s' % (name, FILE_NAMES[kind])
        if not isinstance(doc, dict) or not isinstance(doc.get('hosts'), dict):
            raise MergeError('%s is not a report of %s: it needs a mapping "hosts"' % (where, _PRODUCERS[kind]))
        if kind == ASSESSMENT:
            if not isinstance(doc.get('skipped', {}), dict):
                raise MergeError('%s: "skipped" must be a mapping of host to reason' % where)
            for host, data in doc['hosts'].items():
                if not isinstance(data, dict) or not isinstance(data.get('trunks'), list) \
                        or not isinstance(data.get('counts'), dict):
                    raise MergeError('%s: host %s needs "counts" (a mapping) and "trunks" (a list)'
                                     % (where, json.dumps(host)))


def duplicates(parts):
    """``{host: [(part, [file names])]}`` for every host found in more than one part."""
    seen = {}
    for name, sources in parts:
        for kind in KINDS:
            doc = sources.get(kind)
            if doc is None:
                continue
            for host in hosts_of(kind, doc):
                places = seen.setdefault(host, [])
                if not places or places[-1][0] != name:
                    places.append((name, []))
                if FILE_NAMES[kind] not in places[-1][1]:
                    places[-1][1].append(FILE_NAMES[kind])
    return dict((host, places) for host, places in seen.items() if len(places) > 1)


def merge_assessments(reports):
    """The parts' assessments as the one report ``assessment.build_report`` writes for all their hosts."""
    gathered = {}
    for report in reports:
        for host, data in report['hosts'].items():
            gathered[host] = {'counts': data['counts'], 'trunks': data['trunks']}
        for host, reason in (report.get('skipped') or {}).items():
            # build_report gives a result without trunks the reason it carries as msg
            gathered[host] = {'msg': str(reason)}
    return assessment.build_report(gathered)


def merge_drift(docs):
    """One drift document: every part's hosts; a check-mode run only if every part was one."""
    hosts = {}
    for doc in docs:
        hosts.update(doc['hosts'])
    return {'check_mode': all(doc.get('check_mode') is not False for doc in docs), 'hosts': hosts}


def merge_verify(named_docs):
    """One verification document from ``[(part, doc)]``; the thresholds must agree."""
    thresholds = {}
    for name, doc in named_docs:
        thresholds.setdefault(json.dumps(doc.get('cert_expiry_days')), []).append(name)
    if len(thresholds) > 1:
        raise MergeError('the parts judged certificates with different thresholds (cert_expiry_days): %s; '
                         'rerun verify.yml in every slice with one trunk_security_cert_expiry_days'
                         % '; '.join('%s in %s' % (value, ', '.join(names)) for value, names in sorted(thresholds.items())))
    hosts = {}
    for name, doc in named_docs:
        hosts.update(doc['hosts'])
    stamps = [doc['generated'] for name, doc in named_docs if isinstance(doc.get('generated'), str)]
    return {'cert_expiry_days': named_docs[0][1].get('cert_expiry_days'), 'generated': min(stamps) if stamps else None,
            'hosts': hosts}


def uncovered(report, hosts):
    """The ``hosts`` (those of the play over the whole inventory) that no part assessed or skipped, sorted."""
    covered = set(report['hosts']) | set(report['skipped'])
    return sorted(set(hosts) - covered)


def merge(parts, partial_sources='not_run'):
    """Merge ``[(part name, {kind: document or None})]``, in the order given.

    Returns ``{'assessment': report, 'drift': doc or None, 'verify': doc or None,
    'notes': [text], 'missing': {kind: [part names]}}``. Raises MergeError.
    """
    if partial_sources not in PARTIAL_SOURCES:
        raise MergeError('partial_sources is %s: use not_run or fail' % json.dumps(partial_sources))
    if not parts:
        raise MergeError('no parts to merge: give the report directory of every slice')
    names = [name for name, sources in parts]
    repeated = sorted(set(name for name in names if names.count(name) > 1))
    if repeated:
        raise MergeError('part(s) given more than once: %s' % ', '.join(repeated))
    for name, sources in parts:
        check_part(name, sources)
    found = duplicates(parts)
    if found:
        # grouped by where they are: a slice run twice names its hundreds of hosts once each
        groups = {}
        for host, places in sorted(found.items()):
            groups.setdefault(tuple((part, tuple(files)) for part, files in places), []).append(host)
        raise MergeError('%d host(s) in more than one part (each host belongs to one slice): %s' % (len(found), '; '.join(
            'in %s: %s' % (' and '.join('%s (%s)' % (part, ', '.join(files)) for part, files in places), ', '.join(hosts))
            for places, hosts in groups.items())))

    notes, missing = [], {}
    for kind in (DRIFT, VERIFY):
        have = [name for name, sources in parts if sources.get(kind) is not None]
        lack = [name for name in names if name not in have]
        missing[kind] = lack if have else []
        if not have or not lack:
            continue
        hosts = sum(len(hosts_of(ASSESSMENT, sources[ASSESSMENT])) for name, sources in parts if name in lack)
        if partial_sources == 'fail':
            raise MergeError('%s is in part(s) %s but not in %s: run %s in every slice, or set partial_sources=not_run '
                             'to report it as not run for their hosts'
                             % (FILE_NAMES[kind], ', '.join(have), ', '.join(lack), _PRODUCERS[kind]))
        notes.append('%s is missing from part(s) %s: the audit reports %s as not run for their %d host(s)'
                     % (FILE_NAMES[kind], ', '.join(lack), 'drift' if kind == DRIFT else 'live checks', hosts))
    drift_docs = [sources[DRIFT] for name, sources in parts if sources.get(DRIFT) is not None]
    if drift_docs and len(set(doc.get('check_mode') is not False for doc in drift_docs)) > 1:
        notes.append('%s: some parts were not check-mode runs (%s), so the merged drift is not marked as one'
                     % (FILE_NAMES[DRIFT], ', '.join(name for name, sources in parts if sources.get(DRIFT) is not None
                                                     and sources[DRIFT].get('check_mode') is False)))
    verify_docs = [(name, sources[VERIFY]) for name, sources in parts if sources.get(VERIFY) is not None]
    return {
        'assessment': merge_assessments([sources[ASSESSMENT] for name, sources in parts]),
        'drift': merge_drift(drift_docs) if drift_docs else None,
        'verify': merge_verify(verify_docs) if verify_docs else None,
        'notes': notes,
        'missing': missing,
    }


# --------------------------------------------------------------------------- the files, as their producers write them

def assessment_json(report):
    """``trunk-security.json`` as the trunk_report action writes it."""
    return json.dumps(report, indent=4, sort_keys=False) + '\n'


def drift_json(doc):
    """``trunk-drift.json`` as the trunk_drift callback writes it."""
    return json.dumps(doc, indent=2, sort_keys=True) + '\n'


def verify_json(doc):
    """``trunk-verify.json`` as verify.yml writes it (``to_nice_json(indent=2)``, no final line break)."""
    return json.dumps(doc, indent=2, sort_keys=True, separators=(',', ': '))


def render(merged):
    """``{file name: text}`` of the merged sources: the assessment and its JUnit XML, the drift and the
    verification when present."""
    files = {FILE_NAMES[ASSESSMENT]: assessment_json(merged['assessment']),
             JUNIT_NAME: assessment.junit_xml(merged['assessment'])}
    if merged['drift'] is not None:
        files[FILE_NAMES[DRIFT]] = drift_json(merged['drift'])
    if merged['verify'] is not None:
        files[FILE_NAMES[VERIFY]] = verify_json(merged['verify'])
    return files
