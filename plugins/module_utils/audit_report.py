# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The audit report: one document per run joining the policy assessment, the trunk model,
the check-mode drift and the live findings, rendered as self-contained HTML, JSON and JUnit XML.

Pure Python, no I/O, no Ansible import: the action plugin reads the inputs and writes the files.

Entry points:

* :func:`build` - the inputs to one JSON-ready audit document.
* :func:`render_html` - the document to one self-contained HTML page (inline CSS and SVG,
  no script, nothing fetched).
* :func:`render_junit` - the document to JUnit XML, one test case per trunk.

Each trunk gets one status, the first that applies:

``blocked``
    the trunk is invalid, or the policy cannot be met (a blocker such as a provider without SRTP);
``failing``
    a live check found a problem of severity ``fail``;
``drifted``
    its host's check-mode run would change the configuration, or could not complete (a task
    failed, or the host was unreachable): the configuration is not confirmed to match;
``compliant``
    none of the above. A check whose input was not given is shown as "not run" beside the
    status and counted under ``summary.not_checked``; it never counts as passed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import json
import re
import xml.etree.ElementTree as ET
from html import escape

from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy
from ansible_collections.voip.trunk_security.plugins.module_utils.assessment import setting_word, xml_text
from ansible_collections.voip.trunk_security.plugins.module_utils.verify import CATALOGUE, FAIL, WARN

#: The statuses, in order of precedence: a trunk takes the first that applies.
STATUSES = ('blocked', 'failing', 'drifted', 'compliant')
STATUS_WORDS = {
    'blocked': 'Blocked',
    'failing': 'Failing live checks',
    'drifted': 'Drifted',
    'compliant': 'Compliant',
}
STATUS_HINTS = {
    'blocked': 'invalid, or the policy cannot be met',
    'failing': 'a live check failed',
    'drifted': 'configuration would change, or was not confirmed',
    'compliant': 'no blocker, no failed check, no drift',
}

#: Drift states of a host. The last three make its trunks ``drifted``.
DRIFT_NOT_RUN = 'not-run'
DRIFT_CLEAN = 'clean'
DRIFT_CHANGES = 'changes'
DRIFT_FAILED = 'failed'
DRIFT_UNREACHABLE = 'unreachable'
DRIFTING = (DRIFT_CHANGES, DRIFT_FAILED, DRIFT_UNREACHABLE)

#: Live states of a trunk.
LIVE_NOT_RUN = 'not-run'
LIVE_PASS = 'pass'
LIVE_WARN = 'warn'
LIVE_FAIL = 'fail'

#: At most this many lines of one diff go into the HTML; the JSON keeps them all.
HTML_DIFF_LINES = 400

_AUDIENCE_WORDS = {
    'authorized_it': 'authorized IT only',
    'limited_non_it': 'limited non-IT staff',
    'shared': 'shared: many people',
    'public': 'public: anyone',
}
_LINK_LABELS = {'private': 'Private link', 'vpn': 'VPN tunnel', 'public': 'Internet'}
_LINK_IDS = {'private': trunk_policy.DEDICATED_LINK, 'vpn': trunk_policy.VPN_TRANSIT, 'public': trunk_policy.INTERNET}
_LINK_AUDIENCE = {'private': 'authorized_it', 'vpn': 'shared', 'public': 'public'}


class AuditInputError(ValueError):
    """An input that is not what its producer writes; the message names the input and the field."""


# --------------------------------------------------------------------------- build

def build(assessment, trunks=None, drift=None, verify=None, generated=None):
    """Join the inputs into one audit document (a JSON-ready dict).

    ``assessment``: the report of ``playbooks/assess.yml`` (``{summary, hosts, skipped}``), required.
    ``trunks``: ``{host: [trunk dicts]}``, the model the diagrams are drawn from; without it a
    path is drawn from the assessment alone (the exposed points, no addresses).
    ``drift``: the check-mode run's changes per host. ``verify``: the live findings per trunk.
    ``generated``: the timestamp to show (text); the caller chooses it.
    """
    _need_mapping(assessment, 'assessment')
    hosts = _need_mapping(assessment.get('hosts'), 'assessment.hosts')
    trunks = {} if trunks is None else _need_mapping(trunks, 'trunks')
    drift_hosts = {} if drift is None else _need_mapping(_need_mapping(drift, 'drift').get('hosts', {}), 'drift.hosts')
    verify_hosts = {} if verify is None else _need_mapping(_need_mapping(verify, 'verify').get('hosts', {}), 'verify.hosts')

    doc_hosts = {}
    for host in sorted(hosts, key=str):
        data = _need_mapping(hosts[host], 'assessment.hosts.%s' % host)
        entries = data.get('trunks')
        if not isinstance(entries, list):
            raise AuditInputError('assessment.hosts.%s.trunks must be a list of trunk results' % host)
        host_drift = _host_drift(host, drift_hosts.get(host), drift is not None)
        host_verify = verify_hosts.get(host) if verify is not None else None
        if host_verify is not None:
            _need_mapping(host_verify, 'verify.hosts.%s' % host)
            _need_mapping(host_verify.get('trunks', {}), 'verify.hosts.%s.trunks' % host)
        models = trunks.get(host)
        if models is not None and not isinstance(models, list):
            raise AuditInputError('trunks.%s must be a list of trunks (the host\'s sip_trunks)' % host)
        doc_trunks = []
        for position, entry in enumerate(entries):
            _need_mapping(entry, 'assessment.hosts.%s.trunks[%d]' % (host, position))
            doc_trunks.append(_trunk(host, entry, position, len(entries), models, host_drift, host_verify,
                                     verify is not None))
        doc_hosts[str(host)] = {'drift': host_drift, 'live': 'not-run' if host_verify is None else 'run',
                                'model': models is not None, 'trunks': doc_trunks}

    return {
        'generated': generated,
        'sources': _sources(drift, verify, trunks, doc_hosts),
        'summary': _summary(doc_hosts, assessment.get('skipped') or {}),
        'hosts': doc_hosts,
        'skipped': dict((str(k), str(v)) for k, v in sorted((assessment.get('skipped') or {}).items())),
        'unmatched': _unmatched(hosts, drift_hosts, verify_hosts),
    }


def _need_mapping(value, what):
    if not isinstance(value, dict):
        raise AuditInputError('%s must be a mapping, found %s' % (what, type(value).__name__ if value is not None else 'nothing'))
    return value


def _host_drift(host, data, present):
    """A host's drift: its state and what would change."""
    if not present or data is None:
        return {'state': DRIFT_NOT_RUN, 'changes': [], 'failures': [], 'unreachable': False}
    _need_mapping(data, 'drift.hosts.%s' % host)
    changes, failures = data.get('changes') or [], data.get('failures') or []
    if not isinstance(changes, list) or not isinstance(failures, list):
        raise AuditInputError('drift.hosts.%s: changes and failures must be lists' % host)
    changes = [_change(_need_mapping(c, 'drift.hosts.%s.changes[]' % host)) for c in changes]
    failures = [{'task': _text(f.get('task')), 'message': _text(f.get('message'))}
                for f in (_need_mapping(f, 'drift.hosts.%s.failures[]' % host) for f in failures)]
    unreachable = bool(data.get('unreachable'))
    if unreachable:
        state = DRIFT_UNREACHABLE
    elif failures:
        state = DRIFT_FAILED
    elif changes:
        state = DRIFT_CHANGES
    else:
        state = DRIFT_CLEAN
    return {'state': state, 'changes': changes, 'failures': failures, 'unreachable': unreachable}


def _change(raw):
    change = {'task': _text(raw.get('task')), 'action': _text(raw.get('action')), 'path': _text(raw.get('path')),
              'diff': _diff_text(raw.get('diff'))}
    for key in ('role', 'item'):
        if raw.get(key) is not None:
            change[key] = _text(raw[key])
    return change


def _text(value):
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _diff_text(value):
    """A diff as text: Ansible gives a string, or a dict (before/after), or a list of them."""
    if value is None:
        return ''
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return '\n'.join(_diff_text(item) for item in value)
    if isinstance(value, dict) and 'prepared' in value:
        return _diff_text(value['prepared'])
    if isinstance(value, dict) and ('before' in value or 'after' in value):
        before, after = _text(value.get('before')) or '', _text(value.get('after')) or ''
        return ''.join(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                            value.get('before_header') or 'before', value.get('after_header') or 'after'))
    return _text(value)


def _trunk(host, entry, position, total, models, host_drift, host_verify, verify_present):
    valid = bool(entry.get('valid', 'error' not in entry))
    index = entry.get('index', position)
    name = entry.get('name')
    label = name if isinstance(name, str) and name else trunk_policy.unnamed(index, total)
    trunk = {'name': name, 'label': label, 'index': index, 'valid': valid}
    if valid:
        for key in ('connection', 'decision', 'tls', 'srtp'):
            trunk[key] = entry.get(key)
        for key in ('exposed', 'reasons', 'warnings', 'blockers'):
            trunk[key] = list(entry.get(key) or [])
        trunk['compliant'] = bool(entry.get('compliant', not trunk['blockers']))
    else:
        trunk.update(decision='invalid', connection=None, exposed=[], reasons=[], warnings=[], blockers=[], compliant=False,
                     error=_text(entry.get('error')) or 'invalid trunk', problems=list(entry.get('problems') or []))

    trunk['path'], trunk['path_note'] = _path(trunk, _model(models, index, name))
    live = _live(host, label, host_verify, verify_present)
    trunk['findings'], trunk['targets'], trunk['settings'] = live['findings'], live['targets'], live['settings']
    checks = {
        'policy': 'invalid' if not valid else ('blocked' if trunk['blockers'] else 'pass'),
        'drift': host_drift['state'],
        'live': live['state'],
    }
    trunk['checks'] = checks
    if live.get('reason'):
        trunk['live_not_run_reason'] = live['reason']
    trunk['status'], trunk['why'] = _status(trunk, checks, host_drift)
    return trunk


def _model(models, index, name):
    """The raw trunk dict behind an assessment entry: same position and name, else same name."""
    if not models:
        return None
    if isinstance(index, int) and 0 <= index < len(models):
        candidate = models[index]
        if isinstance(candidate, dict) and (name is None or candidate.get('name') == name):
            return candidate
    if name is not None:
        for candidate in models:
            if isinstance(candidate, dict) and candidate.get('name') == name:
                return candidate
    return None


def _status(trunk, checks, host_drift):
    """The single status by precedence, and every reason that contributed, in plain words."""
    why = []
    if not trunk['valid']:
        why.append('the trunk is invalid: %s' % trunk['error'])
    why.extend('blocker %s: %s' % (b.get('rule'), b.get('message')) for b in trunk['blockers'])
    fails = [f for f in trunk['findings'] if f['severity'] == FAIL]
    if fails:
        why.append('%d live check(s) failed: %s' % (len(fails), ', '.join(sorted(set(f['id'] for f in fails)))))
    state = checks['drift']
    if state == DRIFT_CHANGES:
        why.append("the host's check-mode run would change %d task(s): %s"
                   % (len(host_drift['changes']), ', '.join(_unique(c['task'] or '?' for c in host_drift['changes']))))
    elif state == DRIFT_FAILED:
        why.append("the host's check-mode run failed (%s), so its configuration is not confirmed"
                   % '; '.join('%s: %s' % (f['task'] or '?', f['message'] or '?') for f in host_drift['failures']))
    elif state == DRIFT_UNREACHABLE:
        why.append('the host was unreachable during the check-mode run, so its configuration is not confirmed')
    if not trunk['valid'] or trunk['blockers']:
        status = 'blocked'
    elif fails:
        status = 'failing'
    elif state in DRIFTING:
        status = 'drifted'
    else:
        status = 'compliant'
    if checks['drift'] == DRIFT_NOT_RUN:
        why.append('configuration drift not checked (no check-mode run for this host)')
    if checks['live'] == LIVE_NOT_RUN:
        reason = trunk.get('live_not_run_reason')
        why.append('live checks not run for this trunk' + (': %s' % reason if reason else ''))
    return status, why


def _unique(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


# --------------------------------------------------------------------------- the path

def _path(trunk, model):
    """The points of the path, gateway side to provider, each marked exposed or not.

    From the trunk model when it parses; else, for a valid trunk, from the assessment
    alone (no addresses, only the exposed segments); an invalid trunk gets no path.
    """
    if not trunk['valid']:
        return None, 'The trunk is invalid, so its path is not drawn: correct the problems listed.'
    exposed = set(trunk['exposed'])
    parsed = None
    if model is not None:
        try:
            parsed = trunk_policy.parse(model)
        except trunk_policy.TrunkInputError:
            parsed = None
    signalling = 'TLS' if (trunk.get('tls') or {}).get('enable') else 'plain SIP'
    media = 'SRTP' if (trunk.get('srtp') or {}).get('enable') else 'RTP'
    if parsed is None:
        return _path_from_result(trunk, exposed, signalling, media), (
            'Drawn from the assessment alone (the trunk model was not given): addresses and the segments that are '
            'not exposed are not shown.')
    points = [_point('gateway', None, 'Gateway side', _gateway_details(parsed, trunk), None, False)]
    subnet = parsed.subnet[0] if parsed.subnet else 'no cidr given'
    points.append(_point('subnet', trunk_policy.MEDIATION_SUBNET, 'Mediation subnet', [subnet],
                         parsed.subnet_audience or 'unknown', trunk_policy.MEDIATION_SUBNET in exposed))
    connection = parsed.connection
    link_details = []
    if connection == 'vpn' and parsed.vpn is not None:
        vpn = parsed.vpn
        if vpn.proposal:
            link_details.append(vpn.proposal)
        else:
            link_details.append('/'.join(str(v) for v in (vpn.encryption, vpn.integrity, vpn.key_exchange) if v))
        link_details.append('over %s' % (vpn.transport or 'udp').upper())
    elif connection == 'private':
        link_details.append('dedicated')
    points.append(_point('link', _LINK_IDS[connection], _LINK_LABELS[connection], link_details, _LINK_AUDIENCE[connection],
                         _LINK_IDS[connection] in exposed, connection=connection))
    for name, audience, inside_vpn in parsed.segments:
        points.append(_point('segment', name, name, ['inside the VPN'] if inside_vpn else [], audience or 'unknown',
                             name in exposed, inside_vpn=inside_vpn))
    points.append(_point('provider', None, parsed.provider_name or 'Provider', _provider_details(parsed), None, False))
    return {'complete': True, 'connection': connection, 'signalling': signalling, 'media': media, 'points': points}, None


def _path_from_result(trunk, exposed, signalling, media):
    connection = trunk.get('connection') if trunk.get('connection') in _LINK_IDS else 'public'
    points = [_point('gateway', None, 'Gateway side', [], None, False),
              _point('subnet', trunk_policy.MEDIATION_SUBNET, 'Mediation subnet', [], None,
                     trunk_policy.MEDIATION_SUBNET in exposed),
              _point('link', _LINK_IDS[connection], _LINK_LABELS[connection], [], _LINK_AUDIENCE[connection],
                     _LINK_IDS[connection] in exposed, connection=connection)]
    builtin = (trunk_policy.MEDIATION_SUBNET, _LINK_IDS[connection])
    for name in trunk['exposed']:
        if name not in builtin:
            points.append(_point('segment', name, name, [], None, True))
    points.append(_point('provider', None, 'Provider', [], None, False))
    return {'complete': False, 'connection': connection, 'signalling': signalling, 'media': media, 'points': points}


def _point(kind, point_id, label, details, audience, exposed, connection=None, inside_vpn=False):
    point = {'kind': kind, 'id': point_id, 'label': str(label), 'details': [str(d) for d in details if d],
             'audience': audience, 'exposed': bool(exposed)}
    if connection is not None:
        point['connection'] = connection
    if inside_vpn:
        point['inside_vpn'] = True
    return point


def _gateway_details(parsed, trunk):
    details = []
    gateway = parsed.gateway or {}
    if gateway.get('address'):
        tls = (trunk.get('tls') or {}).get('enable')
        port = gateway.get('tls_port') if tls else gateway.get('tcp_port')
        details.append('%s:%s' % (gateway['address'], port or (5067 if tls else 5068)))
    return details


def _provider_details(parsed):
    details = []
    if parsed.provider_address:
        details.append(parsed.provider_address + (':%d' % parsed.provider_port if parsed.provider_port else ''))
    details.append('TLS %s, SRTP %s' % ('yes' if parsed.provider_tls else 'no', 'yes' if parsed.provider_srtp else 'no'))
    return details


# --------------------------------------------------------------------------- live findings

def _live(host, label, host_verify, verify_present):
    empty = {'state': LIVE_NOT_RUN, 'findings': [], 'targets': [], 'settings': None}
    if not verify_present or host_verify is None:
        return empty
    data = (host_verify.get('trunks') or {}).get(label)
    if data is None:
        return empty
    _need_mapping(data, 'verify.hosts.%s.trunks.%s' % (host, label))
    if data.get('skipped'):
        # a trunk verify could not probe (no wiring, invalid) was not checked: never a pass
        return dict(empty, reason=_text(data['skipped']))
    findings = [_finding(_need_mapping(f, 'verify.hosts.%s.trunks.%s.findings[]' % (host, label)))
                for f in data.get('findings') or []]
    targets = [_target(t) for t in data.get('targets') or [] if isinstance(t, dict)]
    severities = set(f['severity'] for f in findings)
    state = LIVE_FAIL if FAIL in severities else (LIVE_WARN if WARN in severities else LIVE_PASS)
    settings = data.get('settings') if isinstance(data.get('settings'), dict) else None
    return {'state': state, 'findings': findings, 'targets': targets, 'settings': _settings_facts(settings)}


def _finding(raw):
    finding_id = _text(raw.get('id')) or 'unknown'
    known = CATALOGUE.get(finding_id)
    severity = raw.get('severity') if raw.get('severity') in (FAIL, WARN) else (known['severity'] if known else FAIL)
    finding = {'id': finding_id, 'severity': severity, 'target': _text(raw.get('target')),
               'endpoint': _text(raw.get('endpoint')), 'message': _text(raw.get('message')) or '',
               'title': known['title'] if known else finding_id,
               'rationale': known['rationale'] if known else None,
               'remediation': known['remediation'] if known else None,
               'catalogued': known is not None}
    for key in ('found', 'expected'):
        if raw.get(key) is not None:
            finding[key] = _text(raw[key])
    return finding


def _dig(data, *keys):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


_PROBE_FACTS = (
    ('TLS', ('tls', 'negotiated', 'version')),
    ('suite', ('tls', 'negotiated', 'suite')),
    ('certificate days left', ('certificate', 'days_left')),
    ('OPTIONS', ('options', 'status_line')),
    ('OPTIONS error', ('options', 'error')),
    ('error', ('error',)),
)


def _fact(value):
    """A probe fact as text; the probe's errors are ``{kind, message}``."""
    if isinstance(value, dict) and 'message' in value:
        return '%s (%s)' % (_text(value['message']), _text(value.get('kind'))) if value.get('kind') else _text(value['message'])
    return _text(value)


def _target(raw):
    probe = raw.get('probe') if isinstance(raw.get('probe'), dict) else {}
    facts = [[label, _fact(_dig(probe, *path))] for label, path in _PROBE_FACTS if _dig(probe, *path) is not None]
    if probe.get('reachable') is False and not probe.get('error'):
        facts.append(['reachable', 'no'])
    return {'target': _text(raw.get('target')), 'endpoint': _text(raw.get('endpoint')), 'facts': facts}


def _settings_facts(settings):
    """The few settings a reader checks a probe against, as [label, value] pairs."""
    if settings is None:
        return None
    facts = []
    listen = settings.get('listen') if isinstance(settings.get('listen'), dict) else {}
    if listen:
        facts.append(['listener', '%s %s:%s' % (listen.get('transport'), listen.get('address'), listen.get('port'))])
    next_hop = settings.get('next_hop') if isinstance(settings.get('next_hop'), dict) else {}
    if next_hop:
        facts.append(['next hop', '%s %s:%s' % (next_hop.get('transport'), next_hop.get('address'), next_hop.get('port'))])
    if settings.get('srtp_mode') is not None:
        facts.append(['SRTP mode', _text(settings['srtp_mode'])])
    certificate = settings.get('certificate') if isinstance(settings.get('certificate'), dict) else {}
    if certificate.get('needed'):
        facts.append(['mutual TLS', 'yes' if certificate.get('mutual_tls') else 'no'])
    return facts


# --------------------------------------------------------------------------- summary

def _sources(drift, verify, trunks, doc_hosts):
    return {
        'assessment': {'present': True},
        'trunks': {'present': bool(trunks), 'hosts': sorted(str(h) for h in doc_hosts if doc_hosts[h]['model'])},
        'drift': {'present': drift is not None,
                  'check_mode': None if drift is None else drift.get('check_mode', True) is not False},
        'verify': {'present': verify is not None,
                   'generated': None if verify is None else _text(verify.get('generated')),
                   'cert_expiry_days': None if verify is None else verify.get('cert_expiry_days')},
    }


def _summary(doc_hosts, skipped):
    summary = dict.fromkeys(STATUSES, 0)
    summary.update(hosts=len(doc_hosts), trunks=0, warnings=0, policy_warnings=0, live_failures=0, live_warnings=0,
                   hosts_drifted=0, hosts_check_failed=0, skipped_hosts=len(skipped),
                   not_checked={'drift': 0, 'live': 0})
    for host in doc_hosts.values():
        state = host['drift']['state']
        summary['hosts_drifted'] += state == DRIFT_CHANGES
        summary['hosts_check_failed'] += state in (DRIFT_FAILED, DRIFT_UNREACHABLE)
        for trunk in host['trunks']:
            summary['trunks'] += 1
            summary[trunk['status']] += 1
            live_warnings = sum(1 for f in trunk['findings'] if f['severity'] == WARN)
            summary['policy_warnings'] += len(trunk['warnings'])
            summary['live_warnings'] += live_warnings
            summary['live_failures'] += sum(1 for f in trunk['findings'] if f['severity'] == FAIL)
            summary['warnings'] += bool(trunk['warnings'] or live_warnings)
            summary['not_checked']['drift'] += trunk['checks']['drift'] == DRIFT_NOT_RUN
            summary['not_checked']['live'] += trunk['checks']['live'] == LIVE_NOT_RUN
    return summary


def _unmatched(hosts, drift_hosts, verify_hosts):
    """Drift hosts and live-checked trunks the assessment does not know: shown, never dropped."""
    known = {}
    for host, data in hosts.items():
        entries = data.get('trunks') or []
        known[host] = set(e.get('name') if e.get('name') else trunk_policy.unnamed(e.get('index', 0), len(entries))
                          for e in entries if isinstance(e, dict))
    verify_trunks = []
    for host in sorted(verify_hosts, key=str):
        data = verify_hosts[host] if isinstance(verify_hosts[host], dict) else {}
        for name in sorted(data.get('trunks') or {}, key=str):
            if name not in known.get(host, ()):
                verify_trunks.append({'host': str(host), 'trunk': str(name)})
    return {'drift_hosts': sorted(str(h) for h in drift_hosts if h not in known), 'verify_trunks': verify_trunks}


# --------------------------------------------------------------------------- JUnit XML

def render_junit(doc, suite_name='trunk-audit'):
    """JUnit XML: a test suite per host, a test case per trunk.

    ``blocked``, ``failing`` and ``drifted`` trunks fail (the failure's ``type`` is the status):
    a drifted trunk runs a configuration other than the one enforced, which an audit cannot pass.
    Policy warnings, live warnings and the checks not run go to ``system-out``.
    """
    root = ET.Element('testsuites', name=xml_text(suite_name))
    total_tests = total_failures = 0
    for host, data in sorted(doc['hosts'].items()):
        suite = ET.SubElement(root, 'testsuite', name=xml_text(host))
        if doc.get('generated'):
            suite.set('timestamp', xml_text(doc['generated']))
        failures = 0
        for trunk in data['trunks']:
            case = ET.SubElement(suite, 'testcase', classname=xml_text('%s.%s' % (suite_name, host)),
                                 name=xml_text(trunk['label']))
            if trunk['status'] != 'compliant':
                failures += 1
                failing = [line for line in trunk['why'] if not line.endswith(' not run for this trunk')
                           and not line.startswith('configuration drift not checked')]
                failure = ET.SubElement(case, 'failure', type=trunk['status'], message=xml_text(failing[0] if failing else trunk['status']))
                lines = list(failing)
                lines.extend('%s %s (%s %s): %s' % (f['severity'].upper(), f['id'], f['target'], f['endpoint'], f['message'])
                             for f in trunk['findings'] if f['severity'] == FAIL)
                failure.text = xml_text('\n'.join(lines))
            out = ['status: %s' % trunk['status']]
            if trunk['valid']:
                out.append('decision: %s (TLS %s, SRTP %s)' % (trunk['decision'], setting_word(trunk['tls']), setting_word(trunk['srtp'])))
            out.extend('%s: %s' % (r.get('rule'), r.get('message')) for r in trunk['reasons'])
            out.extend('warning %s: %s' % (w.get('rule'), w.get('message')) for w in trunk['warnings'])
            out.extend('live warning %s (%s %s): %s' % (f['id'], f['target'], f['endpoint'], f['message'])
                       for f in trunk['findings'] if f['severity'] == WARN)
            out.extend(line for line in trunk['why'] if line.endswith(' not run for this trunk')
                       or line.startswith('configuration drift not checked'))
            ET.SubElement(case, 'system-out').text = xml_text('\n'.join(out))
        suite.set('tests', str(len(data['trunks'])))
        suite.set('failures', str(failures))
        suite.set('errors', '0')
        total_tests += len(data['trunks'])
        total_failures += failures
    root.set('tests', str(total_tests))
    root.set('failures', str(total_failures))
    root.set('errors', '0')
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='unicode') + '\n'


# --------------------------------------------------------------------------- HTML

# Control characters are shown, not passed through: a hostile name must not confuse a parser.
_CONTROL = re.compile(u'[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]')


def _h(value):
    """Text for HTML (and inline SVG): escaped, quotes included, control characters shown as \\xNN."""
    if value is None:
        return ''
    return escape(_CONTROL.sub(lambda m: '\\x%02x' % ord(m.group()), value if isinstance(value, str) else str(value)), quote=True)


def _clip(text, size):
    text = str(text)
    return text if len(text) <= size else text[:size - 1] + u'\u2026'


_CSS = u'''
:root{--ink:#1d2433;--muted:#5a6478;--line:#d8dde6;--paper:#fff;--bg:#f3f5f8;
--ok:#1b6e3c;--ok-bg:#e5f4ea;--drift:#8a5300;--drift-bg:#fff3d6;--fail:#b1261b;--fail-bg:#fde9e7;
--block:#5b2686;--block-bg:#f1e8f8;--na:#4b5568;--na-bg:#eceff4;}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",
Arial,"DejaVu Sans",sans-serif}
.wrap{max-width:1120px;margin:0 auto;padding:0 20px 40px}
header.report{background:#18233a;color:#fff;padding:26px 0 22px;margin-bottom:22px}
header.report h1{margin:0;font-size:28px;letter-spacing:.2px}
header.report .meta{margin:4px 0 12px;color:#c7d0e0}
.sources{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:8px}
.sources li{border-radius:999px;padding:3px 12px;font-size:13px;border:1px solid rgba(255,255,255,.35)}
.sources li.present{background:rgba(110,200,140,.18)}
.sources li.absent{background:rgba(255,190,90,.2);border-style:dashed}
.sources b{font-weight:600}
h2{font-size:21px;margin:30px 0 10px}
h3{margin:0;font-size:18px}
h4{margin:16px 0 6px;font-size:13px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted)}
.tiles{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:14px}
.tile{background:var(--paper);border-radius:10px;padding:14px 16px;border:1px solid var(--line);border-top:6px solid}
.tile .count{display:block;font-size:40px;font-weight:700;line-height:1.1}
.tile .label{display:block;font-weight:600}
.tile .hint{display:block;font-size:12.5px;color:var(--muted)}
.s-compliant{border-color:var(--ok)}.s-compliant .count{color:var(--ok)}
.s-drifted{border-color:var(--drift)}.s-drifted .count{color:var(--drift)}
.s-failing{border-color:var(--fail)}.s-failing .count{color:var(--fail)}
.s-blocked{border-color:var(--block)}.s-blocked .count{color:var(--block)}
.tile.s-compliant,.tile.s-drifted,.tile.s-failing,.tile.s-blocked{border-color:var(--line)}
.tile.s-compliant{border-top-color:var(--ok)}.tile.s-drifted{border-top-color:var(--drift)}
.tile.s-failing{border-top-color:var(--fail)}.tile.s-blocked{border-top-color:var(--block)}
.notes{margin:12px 0 0;padding:0;list-style:none;color:var(--muted);font-size:14px}
.notes li{margin:2px 0}
.notes li.attention{color:var(--drift);font-weight:600}
.badge{display:inline-block;border-radius:6px;padding:1px 9px;font-size:12px;font-weight:700;letter-spacing:.5px;
text-transform:uppercase;border:1.5px solid;white-space:nowrap}
.badge.compliant,.badge.clean,.badge.pass{color:var(--ok);background:var(--ok-bg)}
.badge.drifted,.badge.changes,.badge.warn{color:var(--drift);background:var(--drift-bg)}
.badge.failing,.badge.fail,.badge.failed,.badge.unreachable{color:var(--fail);background:var(--fail-bg)}
.badge.blocked,.badge.invalid{color:var(--block);background:var(--block-bg)}
.badge.not-run{color:var(--na);background:var(--na-bg);border-style:dashed}
table.overview{width:100%;border-collapse:collapse;background:var(--paper);border:1px solid var(--line);border-radius:10px;
margin-top:16px;font-size:14px}
.overview th,.overview td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
.overview th{font-size:12px;text-transform:uppercase;letter-spacing:.5px;color:var(--muted);background:#f8f9fb}
.overview a{color:inherit}
section.host{margin-top:8px}
.host-head{display:flex;align-items:baseline;gap:12px;flex-wrap:wrap;border-bottom:2px solid var(--ink);padding-bottom:4px}
.host-head h2{margin:26px 0 0}
.drift-box{background:var(--paper);border:1px solid var(--line);border-left:6px solid var(--na);border-radius:8px;padding:10px 14px;
margin:12px 0}
.drift-box.changes{border-left-color:var(--drift)}.drift-box.failed,.drift-box.unreachable{border-left-color:var(--fail)}
.drift-box.clean{border-left-color:var(--ok)}
.drift-box p{margin:4px 0}
.change{margin:10px 0 4px}
.change .where{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px;color:var(--muted)}
pre.diff{margin:6px 0;padding:8px 0;background:#fbfcfd;border:1px solid var(--line);border-radius:6px;overflow-x:auto;
font:12.5px/1.45 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-all}
pre.diff span{display:block;padding:0 10px}
pre.diff .add{background:#e6f6ea;color:#0f5228}
pre.diff .del{background:#fdeceb;color:#8e1b12}
pre.diff .hunk{color:#2f5fa8;background:#eef3fb}
pre.diff .meta{color:var(--muted);font-weight:600}
section.trunk{background:var(--paper);border:1px solid var(--line);border-left:8px solid var(--na);border-radius:10px;
padding:16px 18px;margin:16px 0}
section.trunk[data-status=compliant]{border-left-color:var(--ok)}
section.trunk[data-status=drifted]{border-left-color:var(--drift)}
section.trunk[data-status=failing]{border-left-color:var(--fail)}
section.trunk[data-status=blocked]{border-left-color:var(--block)}
.trunk-head{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
.trunk-head .host-name{color:var(--muted);font-size:14px}
.chips{display:flex;gap:6px;flex-wrap:wrap;margin:8px 0 2px;padding:0;list-style:none}
.chips li{font-size:13px;background:#f1f3f7;border:1px solid var(--line);border-radius:6px;padding:1px 8px}
.chips li b{font-weight:600}
ul.why{margin:8px 0 0;padding-left:20px;font-size:14px}
.diagram{margin:12px 0 4px;overflow-x:auto}
.diagram svg{max-width:100%;height:auto;display:block}
.caption{font-size:13px;color:var(--muted);margin:2px 0}
.caption .exposed-word{color:var(--fail);font-weight:700}
ul.rules{margin:0;padding-left:0;list-style:none}
ul.rules li{margin:4px 0;padding-left:10px;border-left:3px solid var(--line)}
ul.rules.blockers li{border-left-color:var(--block)}
ul.rules.warnings li{border-left-color:var(--drift)}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px;background:#f1f3f7;border-radius:4px;
padding:0 4px}
ul.findings{list-style:none;margin:0;padding:0}
li.finding{border:1px solid var(--line);border-left:5px solid var(--fail);border-radius:8px;padding:8px 12px;margin:8px 0}
li.finding.warn{border-left-color:var(--drift)}
li.finding .title{font-weight:600}
li.finding .target{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px;color:var(--muted)}
li.finding p{margin:3px 0}
li.finding .fix{background:#f4f8f5;border-radius:6px;padding:4px 8px}
.facts{font-size:13px;color:var(--muted);margin:4px 0}
.none{color:var(--muted);font-style:italic}
.problems li{margin:2px 0}
footer{color:var(--muted);font-size:12.5px;margin-top:30px;border-top:1px solid var(--line);padding-top:8px}
svg .node-label{font:600 13px system-ui,"DejaVu Sans",Arial,sans-serif;fill:#1d2433}
svg .node-detail{font:11.5px system-ui,"DejaVu Sans",Arial,sans-serif;fill:#3d4657}
svg .tag-text{font:700 11px system-ui,"DejaVu Sans",Arial,sans-serif;letter-spacing:.6px}
svg .band-text{font:600 12px system-ui,"DejaVu Sans",Arial,sans-serif}
@media (max-width:760px){.tiles{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media print{body{background:#fff;font-size:12px}header.report{background:#fff;color:var(--ink);border-bottom:3px solid var(--ink);
padding:0 0 10px}header.report .meta{color:var(--muted)}.sources li{border-color:var(--line)}
section.trunk,li.finding,.tile,.drift-box{break-inside:avoid}.wrap{max-width:none;padding:0}
a{color:inherit;text-decoration:none}}
@page{margin:14mm}
'''


def render_html(doc, title='Trunk security audit'):
    """One self-contained HTML page: inline CSS and SVG, no script, no external resource."""
    out = [u'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
           u'<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="color-scheme" content="light">\n'
           u'<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n' % (_h(title), _CSS)]
    summary = doc['summary']
    out.append(_header(doc, title))
    out.append(u'<main class="wrap">\n')
    out.append(_summary_html(doc))
    ids = _Ids()
    for host, data in sorted(doc['hosts'].items()):
        out.append(_host_html(host, data, ids, doc))
    out.append(_unmatched_html(doc))
    out.append(u'<footer>%d host(s), %d trunk(s). Statuses by precedence: blocked, failing, drifted, compliant; '
               u'each trunk is counted once. The same data is in the JSON and JUnit XML reports.</footer>\n'
               % (summary['hosts'], summary['trunks']))
    out.append(u'</main>\n</body>\n</html>\n')
    return u''.join(out)


class _Ids(object):
    """Element ids from a counter: names come from inventories and make poor ids."""

    def __init__(self):
        self.trunks = {}
        self.hosts = {}

    def trunk(self, host, label):
        return self.trunks.setdefault((host, label), 'trunk-%d' % (len(self.trunks) + 1))

    def host(self, host):
        return self.hosts.setdefault(host, 'host-%d' % (len(self.hosts) + 1))


def _header(doc, title):
    sources = doc['sources']
    items = [(True, u'<b>Policy assessment</b>')]
    if sources['trunks']['present']:
        items.append((True, u'<b>Trunk model</b> (diagrams)'))
    else:
        items.append((False, u'<b>Trunk model</b>: not given, diagrams from the assessment alone'))
    drift = sources['drift']
    if drift['present']:
        items.append((True, u'<b>Configuration drift</b>: %s' % (u'check-mode run' if drift['check_mode'] else u'from a run NOT in check mode')))
    else:
        items.append((False, u'<b>Configuration drift</b>: not run'))
    verify = sources['verify']
    if verify['present']:
        items.append((True, u'<b>Live checks</b>%s' % (u': ' + _h(verify['generated']) if verify['generated'] else u'')))
    else:
        items.append((False, u'<b>Live checks</b>: not run'))
    chips = u''.join(u'<li class="%s">%s</li>' % ('present' if present else 'absent', text) for present, text in items)
    generated = u'Generated %s' % _h(doc['generated']) if doc.get('generated') else u'Generated'
    return (u'<header class="report"><div class="wrap" style="padding-bottom:0">\n<h1>%s</h1>\n'
            u'<p class="meta">%s &middot; %d host(s) &middot; %d trunk(s)</p>\n<ul class="sources" aria-label="Sources">%s</ul>\n'
            u'</div></header>\n' % (_h(title), generated, doc['summary']['hosts'], doc['summary']['trunks'], chips))


def _summary_html(doc):
    summary = doc['summary']
    tiles = []
    for status in ('compliant', 'drifted', 'blocked', 'failing'):
        tiles.append(u'<div class="tile s-%s"><span class="count" data-count="%s">%d</span><span class="label">%s</span>'
                     u'<span class="hint">%s</span></div>' % (status, status, summary[status], STATUS_WORDS[status], STATUS_HINTS[status]))
    notes = []
    notes.append((False, u'%d trunk(s) with warnings: %d policy warning(s), %d live warning(s). %d failed live check(s).'
                  % (summary['warnings'], summary['policy_warnings'], summary['live_warnings'], summary['live_failures'])))
    sources = doc['sources']
    if not sources['drift']['present']:
        notes.append((True, u'Configuration drift: not run. No trunk is drifted for want of data: run enforce.yml with --check --diff.'))
    elif summary['not_checked']['drift']:
        notes.append((True, u'Configuration drift: not run for %d trunk(s) (their host is not in the check-mode run).'
                      % summary['not_checked']['drift']))
    if summary['hosts_check_failed']:
        notes.append((True, u'%d host(s) whose check-mode run failed or was unreachable: their trunks count as drifted.'
                      % summary['hosts_check_failed']))
    if not sources['verify']['present']:
        notes.append((True, u'Live checks: not run. No trunk is failing for want of data.'))
    elif summary['not_checked']['live']:
        notes.append((True, u'Live checks: not run for %d trunk(s).' % summary['not_checked']['live']))
    if summary['skipped_hosts']:
        notes.append((True, u'%d host(s) not assessed: %s.' % (summary['skipped_hosts'], u', '.join(
            u'%s (%s)' % (_h(h), _h(w)) for h, w in sorted(doc['skipped'].items())))))
    rows = []
    ids = _Ids()
    for host, data in sorted(doc['hosts'].items()):
        for trunk in data['trunks']:
            rows.append(u'<tr data-status="%s"><td>%s</td><td><a href="#%s">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>'
                        % (trunk['status'], _h(host), ids.trunk(host, trunk['label']), _h(trunk['label']), _badge(trunk['status']),
                           _h(trunk['decision']), _h(setting_word(trunk.get('tls')) if trunk['valid'] else '-'),
                           _h(setting_word(trunk.get('srtp')) if trunk['valid'] else '-'),
                           _h(', '.join(trunk['exposed'])) or u'<span class="none">none</span>'))
    table = (u'<table class="overview"><thead><tr><th>Host</th><th>Trunk</th><th>Status</th><th>Decision</th><th>TLS</th>'
             u'<th>SRTP</th><th>Exposed points</th></tr></thead><tbody>%s</tbody></table>\n' % u''.join(rows)) if rows else u''
    return (u'<section class="summary" aria-label="Summary">\n<h2 style="margin-top:0">Summary: %d trunk(s)</h2>\n'
            u'<div class="tiles">%s</div>\n<ul class="notes">%s</ul>\n%s</section>\n'
            % (summary['trunks'], u''.join(tiles),
               u''.join(u'<li%s>%s</li>' % (' class="attention"' if attention else '', text) for attention, text in notes), table))


def _badge(status, text=None):
    words = {'not-run': 'not run'}
    return u'<span class="badge %s">%s</span>' % (_h(status), _h(text or words.get(status, status)))


def _host_html(host, data, ids, doc):
    drift = data['drift']
    host_id = ids.host(host)
    out = [u'<section class="host" id="%s" data-host="%s">\n<div class="host-head"><h2>%s</h2>%s</div>\n'
           % (host_id, _h(host), _h(host), _badge(drift['state'], 'drift: ' + {'not-run': 'not run'}.get(drift['state'], drift['state'])))]
    out.append(_drift_html(drift, host_id, doc))
    if not data['trunks']:
        out.append(u'<p class="none">No trunks.</p>\n')
    for trunk in data['trunks']:
        out.append(_trunk_html(host, trunk, ids.trunk(host, trunk['label']), host_id))
    out.append(u'</section>\n')
    return u''.join(out)


def _drift_html(drift, host_id, doc):
    state = drift['state']
    out = [u'<div class="drift-box %s" id="%s-drift"><h4 style="margin-top:2px">Configuration drift</h4>' % (state, host_id)]
    if state == DRIFT_NOT_RUN:
        why = u'not run: no check-mode run was given' if not doc['sources']['drift']['present'] else u'not run: this host is not in the check-mode run'
        out.append(u'<p>%s.</p>' % why)
    elif state == DRIFT_CLEAN:
        out.append(u'<p>No change: the configuration matches what enforce.yml would install.</p>')
    if drift['unreachable']:
        out.append(u'<p><strong>UNREACHABLE</strong>: the host could not be reached during the check-mode run; its '
                   u'configuration is not confirmed.</p>')
    for failure in drift['failures']:
        out.append(u'<p><strong>FAILED</strong> task <b>%s</b>: %s</p>' % (_h(failure['task'] or '?'), _h(failure['message'] or '')))
    if drift['changes']:
        out.append(u'<p>%d task(s) would change (one configuration serves every trunk of the host):</p>' % len(drift['changes']))
    for change in drift['changes']:
        where = u' &middot; '.join(_h(x) for x in (change.get('role'), change['action'], change['path'], change.get('item')) if x)
        out.append(u'<div class="change"><b>%s</b> <span class="where">%s</span>%s</div>'
                   % (_h(change['task'] or '?'), where, _diff_html(change['diff'])))
    out.append(u'</div>\n')
    return u''.join(out)


def _diff_html(diff):
    if not diff:
        return u'<p class="none">no diff shown for this task</p>'
    lines = diff.splitlines()
    shown = []
    for line in lines[:HTML_DIFF_LINES]:
        if line.startswith('+++') or line.startswith('---'):
            kind = 'meta'
        elif line.startswith('@@'):
            kind = 'hunk'
        elif line.startswith('+'):
            kind = 'add'
        elif line.startswith('-'):
            kind = 'del'
        else:
            kind = 'ctx'
        shown.append(u'<span class="%s">%s</span>' % (kind, _h(line) or u' '))
    more = u''
    if len(lines) > HTML_DIFF_LINES:
        more = u'<p class="none">%d more line(s): see the JSON report.</p>' % (len(lines) - HTML_DIFF_LINES)
    return u'<pre class="diff">%s</pre>%s' % (u''.join(shown), more)


def _trunk_html(host, trunk, trunk_id, host_id):
    status = trunk['status']
    out = [u'<section class="trunk" id="%s" data-host="%s" data-trunk="%s" data-status="%s">\n'
           % (trunk_id, _h(host), _h(trunk['label']), status)]
    out.append(u'<div class="trunk-head"><h3>%s</h3>%s<span class="host-name">on %s</span></div>\n'
               % (_h(trunk['label']), _badge(status, STATUS_WORDS[status]), _h(host)))
    chips = []
    if trunk['valid']:
        chips.append(u'<li><b>Connection</b> %s</li>' % _h(trunk['connection']))
        chips.append(u'<li><b>Decision</b> %s</li>' % (u'TLS and SRTP required' if trunk['decision'] == 'required'
                                                       else u'not required (%s)' % _h(trunk['decision'])))
        chips.append(u'<li><b>TLS</b> %s</li><li><b>SRTP</b> %s</li>' % (_h(setting_word(trunk['tls'])), _h(setting_word(trunk['srtp']))))
    checks = trunk['checks']
    chips.append(u'<li><b>Drift</b> %s</li>' % _badge(checks['drift'], {'not-run': 'not run'}.get(checks['drift'], checks['drift'])))
    chips.append(u'<li><b>Live</b> %s</li>' % _badge(checks['live'], {'not-run': 'not run'}.get(checks['live'], checks['live'])))
    out.append(u'<ul class="chips">%s</ul>\n' % u''.join(chips))
    if trunk['why']:
        out.append(u'<ul class="why">%s</ul>\n' % u''.join(u'<li>%s</li>' % _h(line) for line in trunk['why']))

    out.append(u'<h4>Network path</h4>\n')
    if trunk['path'] is not None:
        out.append(u'<div class="diagram">%s</div>\n' % _svg(trunk['path'], trunk_id, trunk['label']))
        exposed = [p['label'] for p in trunk['path']['points'] if p['exposed']]
        if exposed:
            out.append(u'<p class="caption"><span class="exposed-word">EXPOSED</span>: %s</p>\n' % _h(', '.join(exposed)))
        else:
            out.append(u'<p class="caption">No point of the path is exposed.</p>\n')
    if trunk['path_note']:
        out.append(u'<p class="caption">%s</p>\n' % _h(trunk['path_note']))

    if not trunk['valid']:
        out.append(u'<h4>Why the trunk is invalid</h4>\n<p>%s</p>\n' % _h(trunk['error']))
        if trunk['problems']:
            out.append(u'<ul class="problems">%s</ul>\n' % u''.join(
                u'<li><code>%s</code> %s</li>' % (_h(p.get('field')), _h(p.get('message'))) for p in trunk['problems'] if isinstance(p, dict)))
    for heading, key, css in (('Decision and reasons', 'reasons', 'reasons'), ('Blockers', 'blockers', 'blockers'),
                              ('Warnings', 'warnings', 'warnings')):
        if trunk[key]:
            out.append(u'<h4>%s</h4>\n<ul class="rules %s">%s</ul>\n' % (heading, css, u''.join(
                u'<li><code>%s</code> %s</li>' % (_h(item.get('rule')), _h(item.get('message'))) for item in trunk[key])))

    out.append(u'<h4>Configuration drift</h4>\n')
    state = checks['drift']
    if state == DRIFT_CHANGES:
        out.append(u'<p>The host\'s configuration would change: <a href="#%s-drift">see the diff of %s</a>.</p>\n' % (host_id, _h(host)))
    elif state in (DRIFT_FAILED, DRIFT_UNREACHABLE):
        out.append(u'<p>The host\'s check-mode run %s: <a href="#%s-drift">see %s</a>.</p>\n'
                   % ('failed' if state == DRIFT_FAILED else 'could not reach it', host_id, _h(host)))
    elif state == DRIFT_CLEAN:
        out.append(u'<p>No change on this host.</p>\n')
    else:
        out.append(u'<p class="none">Not run.</p>\n')

    out.append(u'<h4>Live checks</h4>\n')
    if checks['live'] == LIVE_NOT_RUN:
        reason = trunk.get('live_not_run_reason')
        out.append(u'<p class="none">Not run for this trunk%s.</p>\n' % (u': ' + _h(reason) if reason else u''))
    else:
        if trunk['settings']:
            out.append(u'<p class="facts">Expected: %s</p>\n' % u' &middot; '.join(u'%s %s' % (_h(k), _h(v)) for k, v in trunk['settings']))
        for target in trunk['targets']:
            facts = u' &middot; '.join(u'%s %s' % (_h(k), _h(v)) for k, v in target['facts']) or u'no details'
            out.append(u'<p class="facts">Probed %s <code>%s</code>: %s</p>\n' % (_h(target['target']), _h(target['endpoint']), facts))
        if trunk['findings']:
            out.append(u'<ul class="findings">%s</ul>\n' % u''.join(_finding_html(f) for f in trunk['findings']))
        else:
            out.append(u'<p>No finding: every live check passed.</p>\n')
    out.append(u'</section>\n')
    return u''.join(out)


def _finding_html(finding):
    extra = []
    if finding.get('found') is not None:
        extra.append(u'found <code>%s</code>' % _h(finding['found']))
    if finding.get('expected') is not None:
        extra.append(u'expected <code>%s</code>' % _h(finding['expected']))
    fix = (u'<p class="fix"><b>Remediation:</b> %s</p>' % _h(finding['remediation'])) if finding['remediation'] else u''
    why = (u'<p class="facts">%s</p>' % _h(finding['rationale'])) if finding['rationale'] else u''
    return (u'<li class="finding %s" data-finding="%s" data-severity="%s"><p>%s <code>%s</code> <span class="title">%s</span></p>'
            u'<p class="target">%s %s</p><p>%s%s</p>%s%s</li>'
            % (_h(finding['severity']), _h(finding['id']), _h(finding['severity']), _badge(finding['severity']), _h(finding['id']),
               _h(finding['title']), _h(finding['target']), _h(finding['endpoint']), _h(finding['message']),
               (u' (%s)' % u', '.join(extra)) if extra else u'', why, fix))


def _unmatched_html(doc):
    unmatched = doc['unmatched']
    if not unmatched['drift_hosts'] and not unmatched['verify_trunks']:
        return u''
    items = [u'<li>check-mode run of host <b>%s</b>, which the assessment does not list</li>' % _h(h) for h in unmatched['drift_hosts']]
    items.extend(u'<li>live checks of trunk <b>%s</b> on host <b>%s</b>, which the assessment does not list</li>'
                 % (_h(t['trunk']), _h(t['host'])) for t in unmatched['verify_trunks'])
    return u'<section class="unmatched"><h2>Not matched to the assessment</h2><ul>%s</ul></section>\n' % u''.join(items)


# --------------------------------------------------------------------------- SVG

_NODE_W, _NODE_H, _GAP, _MARGIN = 148, 80, 34, 10
_NODE_Y = 58
_COLOURS = {
    'end': ('#eef2f8', '#44546a'),
    'safe': ('#e5f4ea', '#1b6e3c'),
    'exposed': ('#fde9e7', '#b1261b'),
}


def _svg(path, trunk_id, label):
    points = path['points']
    count = len(points)
    width = _MARGIN * 2 + count * _NODE_W + (count - 1) * _GAP
    height = _NODE_Y + _NODE_H + 30
    title_id, desc_id = trunk_id + '-path-title', trunk_id + '-path-desc'
    described = []
    for point in points:
        words = point['label']
        if point['kind'] not in ('gateway', 'provider'):
            words += ' (EXPOSED)' if point['exposed'] else ' (not exposed)'
        described.append(words)
    out = [u'<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
           u'aria-labelledby="%s %s" data-points="%d">' % (width, height, width, height, title_id, desc_id, count),
           u'<title id="%s">Network path of trunk %s</title>' % (title_id, _h(label)),
           u'<desc id="%s">From the gateway side to the provider: %s.</desc>' % (desc_id, _h(', then '.join(described)))]
    protected = path['signalling'] == 'TLS' and path['media'] == 'SRTP'
    band_colour = '#1b6e3c' if protected else '#8a5300'
    first_mid = _MARGIN + _NODE_W / 2.0
    last_mid = _MARGIN + (count - 1) * (_NODE_W + _GAP) + _NODE_W / 2.0
    out.append(u'<g class="band"><line x1="%.1f" y1="20" x2="%.1f" y2="20" stroke="%s" stroke-width="2" %s/>'
               u'<line x1="%.1f" y1="14" x2="%.1f" y2="26" stroke="%s" stroke-width="2"/>'
               u'<line x1="%.1f" y1="14" x2="%.1f" y2="26" stroke="%s" stroke-width="2"/>'
               u'<rect x="%.1f" y="10" width="%d" height="20" fill="#fff"/>'
               u'<text class="band-text" x="%.1f" y="24" text-anchor="middle" fill="%s">Signalling: %s &#183; Media: %s</text></g>'
               % (first_mid, last_mid, band_colour, '' if protected else 'stroke-dasharray="6 4"', first_mid, first_mid, band_colour,
                  last_mid, last_mid, band_colour, (first_mid + last_mid) / 2.0 - 110, 220, (first_mid + last_mid) / 2.0, band_colour,
                  _h(path['signalling']), _h(path['media'])))
    for position in range(count - 1):
        x1 = _MARGIN + position * (_NODE_W + _GAP) + _NODE_W
        out.append(u'<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#5a6478" stroke-width="2"/>'
                   % (x1, _NODE_Y + _NODE_H // 2, x1 + _GAP, _NODE_Y + _NODE_H // 2))
    for position, point in enumerate(points):
        out.append(_svg_node(point, _MARGIN + position * (_NODE_W + _GAP)))
    out.append(u'</svg>')
    return u''.join(out)


def _svg_node(point, x):
    kind = point['kind']
    if kind in ('gateway', 'provider'):
        fill, stroke = _COLOURS['end']
        state = None
    else:
        fill, stroke = _COLOURS['exposed' if point['exposed'] else 'safe']
        state = 'exposed' if point['exposed'] else 'not exposed'
    radius = 24 if point.get('connection') == 'vpn' else (16 if point.get('connection') == 'public' else 8)
    heading = {'gateway': 'Mediation Server', 'provider': 'Provider', 'subnet': 'Mediation subnet'}.get(kind)
    label = point['label'] if kind != 'gateway' else 'Gateway side'
    tooltip = [heading + ': ' + label if heading and heading != label else label]
    tooltip.extend(point['details'])
    if point['audience']:
        tooltip.append('audience %s' % point['audience'])
    if state:
        tooltip.append(state.upper() if point['exposed'] else state)
    attributes = u' data-kind="%s" data-exposed="%s"' % (kind, 'true' if point['exposed'] else 'false')
    if point['id'] is not None:
        attributes += u' data-point="%s"' % _h(point['id'])
    out = [u'<g class="point%s"%s><title>%s</title>' % (' exposed' if point['exposed'] else '', attributes, _h(' | '.join(tooltip)))]
    out.append(u'<rect x="%d" y="%d" width="%d" height="%d" rx="%d" fill="%s" stroke="%s" stroke-width="%s"%s/>'
               % (x, _NODE_Y, _NODE_W, _NODE_H, radius, fill, stroke, '3' if point['exposed'] else '1.8',
                  ' stroke-dasharray="7 4"' if point['exposed'] else ''))
    centre = x + _NODE_W // 2
    lines = []
    if kind == 'gateway':
        lines = [('node-label', 'Mediation Server'), ('node-detail', 'gateway side')]
    elif kind == 'provider':
        lines = [('node-label', point['label'])]
    elif kind == 'subnet':
        lines = [('node-label', 'Mediation subnet')]
    else:
        lines = [('node-label', point['label'])]
    lines.extend(('node-detail', detail) for detail in point['details'])
    if point['audience']:
        lines.append(('node-detail', _AUDIENCE_WORDS.get(point['audience'], 'audience unknown: shared')))
    lines = lines[:4]
    top = _NODE_Y + (_NODE_H - 15 * len(lines)) // 2 + 12
    for row, (css, text) in enumerate(lines):
        out.append(u'<text class="%s" x="%d" y="%d" text-anchor="middle">%s</text>'
                   % (css, centre, top + row * 15, _h(_clip(text, 17 if css == 'node-label' else 21))))
    if state == 'exposed':
        out.append(u'<g class="tag"><rect x="%d" y="%d" width="78" height="20" rx="4" fill="#b1261b"/>'
                   u'<text class="tag-text" x="%d" y="%d" text-anchor="middle" fill="#fff">EXPOSED</text></g>'
                   % (centre - 39, _NODE_Y - 24, centre, _NODE_Y - 10))
    elif state:
        out.append(u'<text class="tag-text" x="%d" y="%d" text-anchor="middle" fill="#1b6e3c">not exposed</text>'
                   % (centre, _NODE_Y - 10))
    out.append(u'</g>')
    return u''.join(out)
