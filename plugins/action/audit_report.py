# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import datetime
import gc
import json
import os
import re

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.voip.trunk_security.plugins.module_utils.audit_report import AuditInputError, build, render_junit
from ansible_collections.voip.trunk_security.plugins.plugin_utils import report_files, trunk_source
from ansible_collections.voip.trunk_security.plugins.plugin_utils.audit_html import render_html


ARGUMENT_SPEC = {
    'assessment': {'type': 'dict'},
    'assessment_file': {'type': 'path'},
    'drift': {'type': 'dict'},
    'drift_file': {'type': 'path'},
    'verify': {'type': 'dict'},
    'verify_file': {'type': 'path'},
    'skip_missing': {'type': 'bool', 'default': False},
    'trunks': {'type': 'dict'},
    'dest_dir': {'type': 'path', 'required': True},
    'html_name': {'type': 'str', 'default': 'trunk-audit.html'},
    'json_name': {'type': 'str', 'default': 'trunk-audit.json'},
    'junit_name': {'type': 'str', 'default': 'trunk-audit.junit.xml'},
    'title': {'type': 'str', 'default': 'Trunk security audit'},
    'generated': {'type': 'str'},
}


class ActionModule(ActionBase):
    """Join the assessment, the trunk model, the drift and the live findings; write the audit reports on the controller."""

    _supports_check_mode = True
    _supports_async = False
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        validation, args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            mutually_exclusive=[('assessment', 'assessment_file'), ('drift', 'drift_file'), ('verify', 'verify_file')],
            required_one_of=[('assessment', 'assessment_file')],
        )
        del validation
        assessment = args['assessment'] if args['assessment'] is not None else _load(args['assessment_file'], 'assessment_file', False)
        drift = args['drift'] if args['drift'] is not None else _load(args['drift_file'], 'drift_file', args['skip_missing'])
        verify = args['verify'] if args['verify'] is not None else _load(args['verify_file'], 'verify_file', args['skip_missing'])
        if not isinstance(assessment, dict) or not isinstance(assessment.get('hosts'), dict):
            raise AnsibleActionFail('the assessment is not a report of playbooks/assess.yml: it needs a mapping "hosts"')
        trunks = args['trunks']
        notes = []
        if trunks is None:
            trunks, notes = gather_trunks(task_vars, sorted(assessment['hosts']))

        dest_dir = os.path.abspath(args['dest_dir'])
        paths = dict((kind, os.path.join(dest_dir, args[kind + '_name'])) for kind in ('html', 'json', 'junit'))
        try:
            doc, files = audit_document(assessment, trunks, drift, verify, paths, args['title'], args['generated'],
                                        inventory=inventory_name(task_vars))
        except AuditInputError as error:
            raise AnsibleActionFail('cannot build the audit report: %s' % error)
        changed = [path for path, content in files.items() if report_files.differs(path, content)]
        if changed and not self._task.check_mode:
            try:
                os.makedirs(dest_dir, exist_ok=True)
                for path in changed:
                    report_files.write(path, files[path])
            except OSError as error:
                raise AnsibleActionFail('cannot write the audit reports in %s: %s' % (dest_dir, error))
        result.update(changed=bool(changed), summary=doc['summary'], sources=doc['sources'], generated=doc['generated'],
                      files=sorted(files), notes=notes)
        return result


def gather_trunks(task_vars, hosts):
    """Each host's trunk model from its variables, as the assessment read it: sip_trunks, or
    trunk_security_source mapped by trunk_security_query. A host without either gets none.
    Returns ``(trunks, notes)``; also used by the merge_reports action."""
    hostvars = task_vars.get('hostvars')
    trunks, notes = {}, []
    if hostvars is None:
        return trunks, ['hostvars are not available: the diagrams are drawn from the assessment alone']
    for host in hosts:
        try:
            if host not in hostvars:
                notes.append('%s is not in the inventory: its diagrams are drawn from the assessment alone' % host)
                continue
            variables = hostvars[host]
            if 'sip_trunks' in variables:
                found = variables['sip_trunks']
            elif 'trunk_security_source' in variables and 'trunk_security_query' in variables:
                found = trunk_source.query(variables['trunk_security_source'], variables['trunk_security_query'])
            else:
                continue
        except Exception as error:  # a variable that does not template: draw without it, and say so
            notes.append("%s: cannot read the host's trunks (%s): its diagrams are drawn from the assessment alone"
                         % (host, to_text(error)))
            continue
        if isinstance(found, list):
            trunks[host] = found
        else:
            notes.append("%s: the host's trunks are not a list: its diagrams are drawn from the assessment alone" % host)
    return trunks, notes


def _load(path, option, skip_missing):
    """A JSON input file; None when not given, or missing and skip_missing allows it."""
    if path is None:
        return None
    path = os.path.abspath(path)
    if not os.path.exists(path):
        if skip_missing and option != 'assessment_file':
            return None
        raise AnsibleActionFail('%s %s does not exist%s' % (
            option, path, ': run playbooks/assess.yml first' if option == 'assessment_file' else
            ' (set skip_missing=true to report it as not run instead)'))
    try:
        with open(path, 'rb') as stream:
            return json.loads(to_text(stream.read(), errors='surrogate_or_strict'))
    except (IOError, OSError) as error:
        raise AnsibleActionFail('cannot read %s %s: %s' % (option, path, error))
    except ValueError as error:
        raise AnsibleActionFail('%s %s is not valid JSON: %s' % (option, path, error))


def inventory_name(task_vars):
    """The inventories the re-check commands name: the run's inventory sources (relative to the current
    directory when they are below it), else None."""
    sources = task_vars.get('ansible_inventory_sources')
    if not isinstance(sources, (list, tuple)) or not sources or not all(isinstance(s, str) for s in sources):
        return None
    names = []
    for source in sources:
        try:
            relative = os.path.relpath(source)
        except ValueError:
            relative = '..'
        names.append(source if relative.startswith('..') else relative)
    return names


def audit_files(assessment, trunks, drift, verify, paths, title, generated=None, inventory=None):
    """``{path: text}`` of the audit reports (``paths``: kind to path). Without ``generated`` the
    timestamp is when the content last changed: with the same inputs the previous one is kept,
    so a rerun rewrites nothing and reports no change. The document is built once and each file
    rendered once."""
    return audit_document(assessment, trunks, drift, verify, paths, title, generated, inventory)[1]


def audit_document(assessment, trunks, drift, verify, paths, title, generated=None, inventory=None):
    """``(document, {path: text})``: :func:`audit_files` and the document the files were made from.
    Also used by the merge_reports action."""
    with _collector_paused():
        return _audit_files(assessment, trunks, drift, verify, paths, title, generated, inventory)


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector paused: building the reports of an estate allocates millions of
    small objects, and each collection walks them all again (more than half the time at 10,000
    trunks). The document is a tree of dicts and lists: reference counting frees it as before, and
    whatever cycle is left is collected once the collector runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _audit_files(assessment, trunks, drift, verify, paths, title, generated, inventory):
    doc = build(assessment, trunks=trunks, drift=drift, verify=verify,
                generated=generated or _previous_timestamp(paths['json']), inventory=inventory)
    text = _json(doc)
    if generated is None and (doc['generated'] is None or report_files.differs(paths['json'], text)):
        doc['generated'] = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace('+00:00', 'Z')
        text = _json(doc)
    return doc, {paths['html']: render_html(doc, title=title), paths['json']: text, paths['junit']: render_junit(doc)}


def _json(doc):
    """The JSON report: one line (the C encoder; a reader indents it: ``jq .``)."""
    return json.dumps(doc, separators=(',', ':')) + '\n'


#: The JSON report begins with its timestamp: read there, the whole file need not be parsed.
_LEADING_STAMP = re.compile(r'\{"generated":("(?:[^"\\]|\\.)*"|null)[,}]')


def _previous_timestamp(path):
    """The timestamp of the JSON report at ``path``, or None."""
    try:
        with open(path, 'rb') as stream:
            head = to_text(stream.read(4096), errors='surrogate_or_strict')
            found = _LEADING_STAMP.match(head)
            if found is None:
                stream.seek(0)
                head = to_text(stream.read(), errors='surrogate_or_strict')
                previous = json.loads(head)
                generated = previous.get('generated') if isinstance(previous, dict) else None
            else:
                generated = json.loads(found.group(1))
    except (IOError, OSError, ValueError):
        return None
    return generated if isinstance(generated, str) else None
