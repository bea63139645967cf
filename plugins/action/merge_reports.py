# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.voip.trunk_security.plugins.action.audit_report import (
    ARGUMENT_SPEC as AUDIT_SPEC,
    audit_document,
    gather_trunks,
    inventory_name,
)
from ansible_collections.voip.trunk_security.plugins.module_utils import report_merge
from ansible_collections.voip.trunk_security.plugins.module_utils.assessment import table
from ansible_collections.voip.trunk_security.plugins.module_utils.audit_report import AuditInputError
from ansible_collections.voip.trunk_security.plugins.plugin_utils import report_files

ARGUMENT_SPEC = {
    'parts': {'type': 'list', 'elements': 'str', 'required': True},
    'hosts': {'type': 'list', 'elements': 'str'},
    'dest_dir': {'type': 'path', 'required': True},
    'partial_sources': {'type': 'str', 'default': 'not_run', 'choices': list(report_merge.PARTIAL_SOURCES)},
    'audit': {'type': 'bool', 'default': True},
    'trunks': {'type': 'dict'},
    'title': {'type': 'str', 'default': 'Trunk security audit'},
}
# the file names audit_report.yml writes, so that the merged audit replaces them
AUDIT_NAMES = dict((kind, AUDIT_SPEC[kind + '_name']['default']) for kind in ('html', 'json', 'junit'))
_GLOB = ('*', '?', '[')


class ActionModule(ActionBase):
    """Merge the report directories of a sliced run into one set, on the controller."""

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        del validation
        dest_dir = os.path.abspath(args['dest_dir'])
        parts = resolve_parts(args['parts'], dest_dir)
        try:
            merged = report_merge.merge([(part, read_part(part)) for part in parts], args['partial_sources'])
        except report_merge.MergeError as error:
            raise AnsibleActionFail('cannot merge the reports: %s' % error)
        if args['hosts'] is not None:
            missing = report_merge.uncovered(merged['assessment'], args['hosts'])
            if missing:
                raise AnsibleActionFail('cannot merge the reports: %d host(s) are in no part (the reports of a slice are '
                                        'missing, or the slices ran over other hosts): %s' % (len(missing), ', '.join(missing)))

        files = dict((os.path.join(dest_dir, name), text) for name, text in report_merge.render(merged).items())
        notes = list(merged['notes'])
        audit = None
        if args['audit']:
            # the audit reads what audit_report.yml would read from dest_dir: the merged files
            sources = dict((kind, _parsed(files.get(os.path.join(dest_dir, report_merge.FILE_NAMES[kind]))))
                           for kind in report_merge.KINDS)
            trunks = args['trunks']
            if trunks is None:
                trunks, gathered_notes = gather_trunks(task_vars, sorted(merged['assessment']['hosts']))
                notes.extend(gathered_notes)
            paths = dict((kind, os.path.join(dest_dir, name)) for kind, name in AUDIT_NAMES.items())
            try:
                audit, audit_text = audit_document(sources[report_merge.ASSESSMENT], trunks, sources[report_merge.DRIFT],
                                                   sources[report_merge.VERIFY], paths, args['title'],
                                                   inventory=inventory_name(task_vars))
            except AuditInputError as error:
                raise AnsibleActionFail('cannot build the audit report: %s' % error)
            files.update(audit_text)

        # a source no part has must not linger in dest_dir from an earlier merge: a later
        # audit_report.yml run there would take it for this run's
        stale = [os.path.join(dest_dir, report_merge.FILE_NAMES[kind]) for kind in (report_merge.DRIFT, report_merge.VERIFY)
                 if merged[kind] is None and os.path.lexists(os.path.join(dest_dir, report_merge.FILE_NAMES[kind]))]
        changed = [path for path, content in sorted(files.items()) if report_files.differs(path, content)]
        if (changed or stale) and not self._task.check_mode:
            try:
                os.makedirs(dest_dir, exist_ok=True)
                for path in changed:
                    report_files.write(path, files[path])
                for path in stale:
                    os.unlink(path)
            except OSError as error:
                raise AnsibleActionFail('cannot write the merged reports in %s: %s' % (dest_dir, error))
        report = merged['assessment']
        result.update(
            changed=bool(changed or stale), parts=parts, files=sorted(files), removed=stale, notes=notes,
            summary=report['summary'], skipped_hosts=report['skipped'], table=table(report),
            sources={'drift': {'present': merged['drift'] is not None, 'missing_from': merged['missing']['drift']},
                     'verify': {'present': merged['verify'] is not None, 'missing_from': merged['missing']['verify']}},
            audit_summary=audit['summary'] if audit else None, generated=audit['generated'] if audit else None)
        return result


def resolve_parts(entries, dest_dir):
    """The part directories, absolute, in the order given; a glob pattern expands to its matches, sorted."""
    parts = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        if any(char in entry for char in _GLOB):
            matches = sorted(path for path in glob.glob(os.path.abspath(entry)) if os.path.isdir(path))
            if not matches:
                raise AnsibleActionFail('cannot merge the reports: the pattern %s matches no directory' % entry)
            parts.extend(matches)
            continue
        path = os.path.abspath(entry)
        if not os.path.isdir(path):
            raise AnsibleActionFail('cannot merge the reports: part %s does not exist or is not a directory' % path)
        parts.append(path)
    if not parts:
        raise AnsibleActionFail('cannot merge the reports: parts is empty: give the report directory of every slice')
    if dest_dir in parts:
        raise AnsibleActionFail('cannot merge the reports: dest_dir %s is one of the parts: write the merged reports '
                                'to a directory of their own' % dest_dir)
    return parts


def read_part(part):
    """``{kind: document or None}`` of one part directory; the assessment is required."""
    sources = {}
    for kind in report_merge.KINDS:
        path = os.path.join(part, report_merge.FILE_NAMES[kind])
        if not os.path.exists(path):
            if kind == report_merge.ASSESSMENT:
                raise AnsibleActionFail('cannot merge the reports: part %s has no %s: run playbooks/assess.yml in that '
                                        'slice with trunk_security_report_dir=%s' % (part, report_merge.FILE_NAMES[kind], part))
            sources[kind] = None
            continue
        try:
            with open(path, 'rb') as stream:
                sources[kind] = json.loads(to_text(stream.read(), errors='surrogate_or_strict'))
        except (IOError, OSError) as error:
            raise AnsibleActionFail('cannot merge the reports: cannot read %s: %s' % (path, error))
        except ValueError as error:
            raise AnsibleActionFail('cannot merge the reports: %s is not valid JSON: %s' % (path, error))
    return sources


def _parsed(text):
    return None if text is None else json.loads(text)
