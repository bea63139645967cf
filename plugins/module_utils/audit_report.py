# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The audit report as data: one document per run joining the policy assessment, the trunk
model, the check-mode drift and the live findings.

Pure Python, no I/O, no Ansible import: the action plugin reads the inputs, the HTML is rendered
from templates (``plugins/plugin_utils/audit_html.py``), the files are written by the action.

Entry points:

* :func:`build` - the inputs to one JSON-ready audit document.
* :func:`render_junit` - the document to JUnit XML, one test case per trunk (through
  :mod:`.junit`, the writer the assessment uses too).

Each trunk gets one status, the first that applies:

``blocked``
    the trunk is invalid, or the policy cannot be met (a blocker such as a provider without SRTP);
``failing``
    a live check found a problem of severity ``fail``;
``drifted``
    the check-mode run would change this trunk's section of the configuration, or something the
    whole host shares, or it could not complete for another reason than a trunk's blocker (a task
    failed, or the host was unreachable): the configuration is not confirmed to match;
``compliant``
    none of the above. A check whose input was not given, or that a blocker of another trunk
    stopped, is shown as "not run" or "not confirmed" beside the status and counted under
    ``summary.not_checked``; it never counts as passed.

Drift is attributed per trunk: the rendered configurations mark each trunk's section
(``#@trunk NAME`` ... ``#@end``, :mod:`.config_sections`) and the drift callback names the owners
of every hunk. A hunk in a trunk's section drifts that trunk alone; a host-wide hunk (or a change
that cannot be placed) drifts every trunk of the host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import shlex

from ansible_collections.voip.trunk_security.plugins.module_utils import config_sections, junit, trunk_policy
from ansible_collections.voip.trunk_security.plugins.module_utils.assessment import setting_word
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

#: Drift states of a host. The last three make its trunks ``drifted`` (unless a trunk's blocker explains them).
DRIFT_NOT_RUN = 'not-run'
DRIFT_CLEAN = 'clean'
DRIFT_CHANGES = 'changes'
DRIFT_FAILED = 'failed'
DRIFT_UNREACHABLE = 'unreachable'
DRIFTING = (DRIFT_CHANGES, DRIFT_FAILED, DRIFT_UNREACHABLE)
#: A trunk's drift when its host's check-mode run was stopped by a trunk's blocker: not checked, not drift.
DRIFT_NOT_CONFIRMED = 'not-confirmed'

#: Live states of a trunk.
LIVE_NOT_RUN = 'not-run'
LIVE_PASS = 'pass'
LIVE_WARN = 'warn'
LIVE_FAIL = 'fail'

#: What each leg of a trunk really gets, as the path diagram's band shows it.
LEG_PROTECTED = 'protected'
LEG_BLOCKED = 'blocked'
LEG_PLAIN = 'plain'
#: The other leg of a blocked trunk: not configured while the trunk is blocked.
LEG_HELD = 'held'

#: The kinds under which ``summary.rules`` counts trunks, in the order reports show them.
RULE_KINDS = ('invalid', 'blocker', 'live-fail', 'live-warn', 'warning', 'requires', 'allows')

AUDIENCE_WORDS = {
    'authorized_it': 'authorized IT only',
    'limited_non_it': 'limited non-IT staff',
    'shared': 'shared: many people',
    'public': 'public: anyone',
}
_LINK_LABELS = {'private': 'Private link', 'vpn': 'VPN tunnel', 'public': 'Internet'}
_LINK_IDS = {'private': trunk_policy.DEDICATED_LINK, 'vpn': trunk_policy.VPN_TRANSIT, 'public': trunk_policy.INTERNET}
_LINK_AUDIENCE = {'private': 'authorized_it', 'vpn': 'shared', 'public': 'public'}
_LEGS = (('signalling', 'tls', 'TLS', 'plain SIP', trunk_policy.PROVIDER_LACKS_TLS),
         ('media', 'srtp', 'SRTP', 'RTP', trunk_policy.PROVIDER_LACKS_SRTP))

#: The playbooks that check each kind of finding again, with the options that keep them from changing
#: anything: check mode for enforce.yml, and for the two that write reports, a directory of their own
#: (the estate's reports, which the audit was made from, stay as they are).
RECHECK_DIR = 'reports/recheck'
RECHECK = {
    'policy': ('voip.trunk_security.assess', ('-e', 'trunk_security_report_dir=' + RECHECK_DIR)),
    'drift': ('voip.trunk_security.enforce', ('--check', '--diff')),
    'live': ('voip.trunk_security.verify', ('-e', 'trunk_security_report_dir=' + RECHECK_DIR)),
}
#: A host name ``--limit`` takes for that host alone (no pattern character, no file, no exclusion).
_PLAIN_HOST = re.compile(r'[A-Za-z0-9_][A-Za-z0-9_.-]*\Z')


class AuditInputError(ValueError):
    """An input that is not what its producer writes; the message names the input and the field."""


# --------------------------------------------------------------------------- build

def build(assessment, trunks=None, drift=None, verify=None, generated=None, inventory=None):
    """Join the inputs into one audit document (a JSON-ready dict).

    ``assessment``: the report of ``playbooks/assess.yml`` (``{summary, hosts, skipped}``), required.
    ``trunks``: ``{host: [trunk dicts]}``, the model the diagrams are drawn from; without it a
    path is drawn from the assessment alone (the exposed points, no addresses).
    ``drift``: the check-mode run's changes per host. ``verify``: the live findings per trunk.
    ``generated``: the timestamp to show (text); the caller chooses it.
    ``inventory``: the inventory (or list of them) the re-check commands name (else ``INVENTORY``).
    """
    _need_mapping(assessment, 'assessment')
    hosts = _need_mapping(assessment.get('hosts'), 'assessment.hosts')
    trunks = {} if trunks is None else _need_mapping(trunks, 'trunks')
    drift_hosts = {} if drift is None else _need_mapping(_need_mapping(drift, 'drift').get('hosts', {}), 'drift.hosts')
    verify_hosts = {} if verify is None else _need_mapping(_need_mapping(verify, 'verify').get('hosts', {}), 'verify.hosts')
    if isinstance(inventory, (list, tuple)) and inventory and all(isinstance(i, str) and i for i in inventory):
        inventory = list(inventory) if len(inventory) > 1 else inventory[0]
    elif not (isinstance(inventory, str) and inventory):
        inventory = 'INVENTORY'

    doc_hosts = {}
    for host in sorted(hosts, key=str):
        data = _need_mapping(hosts[host], 'assessment.hosts.%s' % host)
        entries = data.get('trunks')
        if not isinstance(entries, list):
            raise AuditInputError('assessment.hosts.%s.trunks must be a list of trunk results' % host)
        for position, entry in enumerate(entries):
            _need_mapping(entry, 'assessment.hosts.%s.trunks[%d]', host, position)
        host_drift = _host_drift(host, drift_hosts.get(host), drift is not None, entries)
        host_verify = verify_hosts.get(host) if verify is not None else None
        if host_verify is not None:
            _need_mapping(host_verify, 'verify.hosts.%s' % host)
            _need_mapping(host_verify.get('trunks', {}), 'verify.hosts.%s.trunks' % host)
        models = trunks.get(host)
        if models is not None and not isinstance(models, list):
            raise AuditInputError('trunks.%s must be a list of trunks (the host\'s sip_trunks)' % host)
        doc_trunks = [_trunk(host, entry, position, len(entries), models, host_drift, host_verify, verify is not None, inventory)
                      for position, entry in enumerate(entries)]
        counts = dict.fromkeys(STATUSES, 0)
        for trunk in doc_trunks:
            counts[trunk['status']] += 1
        doc_hosts[str(host)] = {'drift': host_drift, 'live': 'not-run' if host_verify is None else 'run',
                                'model': models is not None, 'counts': counts, 'trunks': doc_trunks}

    return {
        'generated': generated,
        'inventory': inventory,
        'sources': _sources(drift, verify, trunks, doc_hosts),
        'summary': _summary(doc_hosts, assessment.get('skipped') or {}),
        'hosts': doc_hosts,
        'skipped': dict((str(k), str(v)) for k, v in sorted((assessment.get('skipped') or {}).items())),
        'unmatched': _unmatched(hosts, drift_hosts, verify_hosts, doc_hosts),
    }


def _need_mapping(value, what, *where):
    """``value`` when it is a mapping; else the error naming ``what`` (formatted with ``where``)."""
    if not isinstance(value, dict):
        raise AuditInputError('%s must be a mapping, found %s' % (what % where if where else what,
                                                                  type(value).__name__ if value is not None else 'nothing'))
    return value


def _label(entry, position, total):
    name = entry.get('name')
    return name if isinstance(name, str) and name else trunk_policy.unnamed(entry.get('index', position), total)


# --------------------------------------------------------------------------- drift

def _host_drift(host, data, present, entries):
    """A host's drift: its state, what would change (each hunk with the trunks it belongs to), and
    which failures a trunk's blocker explains."""
    if not present or data is None:
        return {'state': DRIFT_NOT_RUN, 'changes': [], 'failures': [], 'unreachable': False, 'stale_trunks': []}
    _need_mapping(data, 'drift.hosts.%s' % host)
    changes, failures = data.get('changes') or [], data.get('failures') or []
    if not isinstance(changes, list) or not isinstance(failures, list):
        raise AuditInputError('drift.hosts.%s: changes and failures must be lists' % host)
    labels = set(_label(entry, position, len(entries)) for position, entry in enumerate(entries))
    changes = [_change(_need_mapping(c, 'drift.hosts.%s.changes[]' % host), labels) for c in changes]
    _place_undiffed(changes)
    stoppers = _stoppers(entries)
    failures = [_failure(_need_mapping(f, 'drift.hosts.%s.failures[]' % host), stoppers) for f in failures]
    unreachable = bool(data.get('unreachable'))
    if unreachable:
        state = DRIFT_UNREACHABLE
    elif failures:
        state = DRIFT_FAILED
    elif changes:
        state = DRIFT_CHANGES
    else:
        state = DRIFT_CLEAN
    stale = sorted(set(name for change in changes for name in change.get('stale_trunks', ())))
    return {'state': state, 'changes': changes, 'failures': failures, 'unreachable': unreachable, 'stale_trunks': stale}


#: The files whose sections (``#@trunk NAME`` ... ``#@end``) name the trunk a hunk belongs to: the
#: gateway's configurations, and what the role renders for an SBC (AudioCodes: the incremental ini and
#: its CLI script; CUBE: the configuration block). A hunk of any other file concerns the whole host,
#: whatever it says.
SECTIONED_FILES = ('kamailio.cfg', 'tls.cfg', 'incremental.ini', 'cli.txt', 'cube.cfg')
#: The actions whose diffs are sectioned the same way: an SBC's drift, computed from the device's own
#: configuration (voip.trunk_security.sbc_drift).
SECTIONED_ACTIONS = ('voip.trunk_security.sbc_drift',)


def _change(raw, labels):
    """One change, and whom it concerns: the trunks whose sections its hunks change, or the whole host
    (a host-wide hunk, a change without hunks, a file without sections, or a section of a trunk the
    host no longer has: what is left of it runs for the whole host)."""
    change = {'task': _text(raw.get('task')), 'action': _text(raw.get('action')), 'path': _text(raw.get('path')),
              'diff': _diff_text(raw.get('diff'))}
    for key in ('role', 'item'):
        if raw.get(key) is not None:
            change[key] = _text(raw[key])
    hunks = config_sections.hunks(change['diff']) if change['diff'] else []
    sectioned = _file_of(change) in SECTIONED_FILES or change['action'] in SECTIONED_ACTIONS
    change['hunks'] = []
    stale = set()
    for hunk in hunks:
        trunks = [name for name in hunk['trunks'] if name in labels] if sectioned else []
        stale.update(name for name in hunk['trunks'] if name not in labels and sectioned)
        host_wide = bool(hunk['host_wide']) or len(trunks) < len(hunk['trunks']) or not sectioned
        change['hunks'].append({'header': hunk['header'], 'trunks': trunks, 'host_wide': host_wide,
                                'first_line': hunk['first_line'], 'added': hunk['added'], 'removed': hunk['removed']})
    change['trunks'] = sorted(set(name for h in change['hunks'] for name in h['trunks']))
    change['host_wide'] = not hunks or any(h['host_wide'] for h in change['hunks'])
    if stale:
        change['stale_trunks'] = sorted(stale)
    return change


def _file_of(change):
    """The name of the file a change writes: from its path, else from its loop item."""
    for key in ('path', 'item'):
        if change.get(key):
            return change[key].rstrip('/').rsplit('/', 1)[-1]
    return None


def _place_undiffed(changes):
    """A change without a diff (a rendering step with ``diff: false``) of a file another change of
    the same host shows the diff of, concerns what that diff concerns; any other undiffed change
    concerns the whole host."""
    placed = {}
    for change in changes:
        if change['diff'] and _file_of(change):
            entry = placed.setdefault(_file_of(change), {'trunks': set(), 'host_wide': False})
            entry['trunks'].update(change['trunks'])
            entry['host_wide'] = entry['host_wide'] or change['host_wide']
    for change in changes:
        if not change['diff'] and _file_of(change) in placed:
            found = placed[_file_of(change)]
            change['trunks'], change['host_wide'] = sorted(found['trunks']), found['host_wide']
            change['same_as_diff_of'] = _file_of(change)


#: How the trunk_policy action words a failure on its ``fail_on`` (its ``msg``).
_POLICY_STOP = re.compile(r"\d+ problem\(s\) on this host's trunks \(fail_on=(blockers|invalid)\): ")
_POLICY_ACTIONS = ('voip.trunk_security.trunk_policy', 'trunk_policy')


def _stoppers(entries):
    """The trunks whose blocker (or invalid data) can stop a run: label -> how the action's message names it."""
    found = {}
    for position, entry in enumerate(entries):
        if entry.get('valid', 'error' not in entry) and not entry.get('blockers'):
            continue
        name = entry.get('name')
        if isinstance(name, str) and name and trunk_policy.is_name(name):
            found[_label(entry, position, len(entries))] = "trunk '%s'" % name
        else:
            found[_label(entry, position, len(entries))] = trunk_policy.position(position, len(entries))
    return found


def _failure(raw, stoppers):
    """A failed task, and the trunks whose blocker it reports (a stop of the trunk_policy action on its
    ``fail_on``) when that is what it is: the trunks the callback recorded, else, for the action's
    own message, the trunks it names."""
    failure = {'task': _text(raw.get('task')), 'message': _text(raw.get('message'))}
    if raw.get('action') is not None:
        failure['action'] = _text(raw['action'])
    named = raw.get('trunks')
    message = failure['message'] or ''
    if isinstance(named, list):
        blocking = [str(n) for n in named if str(n) in stoppers]
    elif failure.get('action') in (None,) + _POLICY_ACTIONS and _POLICY_STOP.match(message):
        blocking = [label for label, words in sorted(stoppers.items())
                    if re.search(re.escape(words) + r'(?![A-Za-z0-9_.-])', message)]
    else:
        blocking = []
    failure['blocked_by'] = blocking
    return failure


def _trunk_drift(label, host_drift):
    """One trunk's drift: its state, the changes and hunks that concern it, and why it is not confirmed."""
    state = host_drift['state']
    own, host_wide = [], []
    for number, change in enumerate(host_drift['changes']):
        if label in change['trunks']:
            own.append(number)
        if change['host_wide']:
            host_wide.append(number)
    drift = {'state': state, 'changes': own, 'host_wide': host_wide,
             'hunks': sum(1 for change in host_drift['changes'] for h in change['hunks'] if label in h['trunks']),
             'stopped_by': []}
    if state in (DRIFT_NOT_RUN, DRIFT_CLEAN, DRIFT_UNREACHABLE):
        return drift
    failures = host_drift['failures']
    if failures and all(f['blocked_by'] for f in failures):
        # the run stopped on purpose at a trunk's blocker: nothing after it was checked
        stopped_by = sorted(set(name for f in failures for name in f['blocked_by']))
        drift['stopped_by'] = stopped_by
        drift['state'] = DRIFT_CHANGES if (own or host_wide) else DRIFT_NOT_CONFIRMED
        return drift
    if state == DRIFT_CHANGES and not own and not host_wide:
        drift['state'] = DRIFT_CLEAN   # only other trunks' sections would change
    return drift


def _text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, sort_keys=True, default=str)


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
        return config_sections.unified(before, after, value.get('before_header') or 'before', value.get('after_header') or 'after')
    return _text(value)


# --------------------------------------------------------------------------- one trunk

def _trunk(host, entry, position, total, models, host_drift, host_verify, verify_present, inventory):
    valid = bool(entry.get('valid', 'error' not in entry))
    index = entry.get('index', position)
    name = entry.get('name')
    label = _label(entry, position, total)
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

    model = _model(models, index, name)
    trunk['path'], trunk['path_note'] = _path(trunk, model)
    trunk['band'] = _band(trunk)
    live = _live(host, label, host_verify, verify_present)
    trunk['findings'], trunk['targets'], trunk['settings'] = live['findings'], live['targets'], live['settings']
    trunk['drift'] = _trunk_drift(label, host_drift)
    checks = {
        'policy': 'invalid' if not valid else ('blocked' if trunk['blockers'] else 'pass'),
        'drift': trunk['drift']['state'],
        'live': live['state'],
    }
    trunk['checks'] = checks
    if live.get('reason'):
        trunk['live_not_run_reason'] = live['reason']
    trunk['status'], trunk['why'] = _status(trunk, checks, host_drift)
    trunk['rules'] = _rules(trunk)
    trunk['recheck'] = _recheck(trunk, host, inventory)
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
    drift = trunk['drift']
    state = checks['drift']
    changes = host_drift['changes']
    if state == DRIFT_CHANGES:
        if drift['changes']:
            files = _unique(_file_of(changes[n]) or changes[n]['task'] or '?' for n in drift['changes'])
            why.append("the check-mode run would change this trunk's section of %s" % ', '.join(files))
        if drift['host_wide']:
            tasks = _unique(changes[n]['task'] or '?' for n in drift['host_wide'])
            why.append('the check-mode run would change what every trunk of the host shares (%d task(s): %s)'
                       % (len(tasks), ', '.join(tasks[:3]) + (', ...' if len(tasks) > 3 else '')))
    elif state == DRIFT_FAILED:
        why.append("the host's check-mode run failed (%s), so its configuration is not confirmed"
                   % '; '.join('%s: %s' % (f['task'] or '?', _clip(f['message'] or '?', 300)) for f in host_drift['failures']))
    elif state == DRIFT_UNREACHABLE:
        why.append('the host was unreachable during the check-mode run, so its configuration is not confirmed')
    elif state == DRIFT_NOT_CONFIRMED:
        others = [name for name in drift['stopped_by'] if name != trunk['label']]
        if others:
            why.append("configuration not confirmed: the host's check-mode run was stopped by the blocker of trunk %s"
                       % ', '.join(others))
        else:
            why.append("configuration not confirmed: the host's check-mode run was stopped by this trunk's own blocker")
    if not trunk['valid'] or trunk['blockers']:
        status = 'blocked'
    elif fails:
        status = 'failing'
    elif state in DRIFTING:
        status = 'drifted'
    else:
        status = 'compliant'
    if state == DRIFT_NOT_RUN:
        why.append('configuration drift not checked (no check-mode run for this host)')
    if checks['live'] == LIVE_NOT_RUN:
        reason = trunk.get('live_not_run_reason')
        why.append('live checks not run for this trunk' + (': %s' % reason if reason else ''))
    return status, why


def _clip(text, size):
    return text if len(text) <= size else text[:size - 1] + u'\u2026'


def _unique(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _band(trunk):
    """What each leg of the trunk really gets: protected, blocked (required, the provider cannot), held (the
    other leg of a blocked trunk, which enforcement does not configure) or plain."""
    if not trunk['valid']:
        return None
    blockers = set(b.get('rule') for b in trunk['blockers'])
    legs = {}
    for leg, key, protected, plain, blocker in _LEGS:
        setting = trunk.get(key) or {}
        if blocker in blockers:
            legs[leg] = {'state': LEG_BLOCKED, 'text': '%s required, provider cannot' % protected}
        elif blockers:
            # enforcement does not configure a blocked trunk: this leg gets nothing until the blocker is gone
            legs[leg] = {'state': LEG_HELD, 'text': '%s, once the trunk is no longer blocked' % protected
                         if setting.get('enable') else plain}
        elif setting.get('enable'):
            legs[leg] = {'state': LEG_PROTECTED, 'text': protected if setting.get('required') else '%s (not required)' % protected}
        else:
            legs[leg] = {'state': LEG_PLAIN, 'text': '%s (not required)' % plain if not setting.get('required') else plain}
    return legs


def _rules(trunk):
    """The rule and finding ids the trunk's verdict rests on: what the page filters by."""
    ids = []
    if not trunk['valid']:
        ids.append('invalid')
    for key in ('blockers', 'warnings', 'reasons'):
        ids.extend(item.get('rule') for item in trunk[key] if isinstance(item.get('rule'), str))
    ids.extend(f['id'] for f in trunk['findings'])
    return _unique(ids)


def _recheck(trunk, host, inventory):
    """The commands that check this trunk's problems again, one per kind of problem. A host name that is not
    plain (``--limit`` reads ``*``, ``,``, ``!``, ``@``... as a pattern) is marked ``exact: false``."""
    commands = []
    if not trunk['valid'] or trunk['blockers']:
        commands.append(('policy', _command('policy', inventory, host)))
    if trunk['checks']['drift'] in DRIFTING:
        commands.append(('drift', _command('drift', inventory, host)))
    if trunk['findings']:
        commands.append(('live', _command('live', inventory, host)))
    exact = bool(_PLAIN_HOST.match(str(host)))
    return [{'kind': kind, 'command': command, 'exact': exact} for kind, command in commands]


def _command(kind, inventory, host):
    playbook, options = RECHECK[kind]
    sources = []
    for source in inventory if isinstance(inventory, list) else [inventory]:
        sources.extend(['-i', shlex.quote(source)])
    return ' '.join(['ansible-playbook'] + sources + [playbook] + list(options) + ['--limit', shlex.quote(str(host))])


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
    _need_mapping(data, 'verify.hosts.%s.trunks.%s', host, label)
    if data.get('skipped'):
        # a trunk verify could not probe (no wiring, invalid) was not checked: never a pass
        return dict(empty, reason=_text(data['skipped']))
    findings = [_finding(_need_mapping(f, 'verify.hosts.%s.trunks.%s.findings[]', host, label))
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
    probe = raw.get('probe')
    if not isinstance(probe, dict):
        probe = {}
    facts = []
    for label, path in _PROBE_FACTS:
        value = _dig(probe, *path)
        if value is not None:
            facts.append([label, _fact(value)])
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


def _rule_kind(rule, trunk):
    if rule == 'invalid':
        return 'invalid'
    for finding in trunk['findings']:
        if finding['id'] == rule:
            return 'live-fail' if finding['severity'] == FAIL else 'live-warn'
    return trunk_policy.RULES.get(rule, 'warning')


def _summary(doc_hosts, skipped):
    summary = dict.fromkeys(STATUSES, 0)
    summary.update(hosts=len(doc_hosts), trunks=0, warnings=0, policy_warnings=0, live_failures=0, live_warnings=0,
                   hosts_drifted=0, hosts_check_failed=0, hosts_stopped_by_blockers=0, skipped_hosts=len(skipped),
                   not_checked={'drift': 0, 'live': 0})
    rules = {}
    for host in doc_hosts.values():
        drift = host['drift']
        state = drift['state']
        # a host is drifted when the check-mode run would change a trunk's configuration there
        summary['hosts_drifted'] += any(t['checks']['drift'] == DRIFT_CHANGES for t in host['trunks'])
        stopped = state == DRIFT_FAILED and all(f['blocked_by'] for f in drift['failures'])
        summary['hosts_stopped_by_blockers'] += stopped
        summary['hosts_check_failed'] += state in (DRIFT_FAILED, DRIFT_UNREACHABLE) and not stopped
        for trunk in host['trunks']:
            summary['trunks'] += 1
            summary[trunk['status']] += 1
            live_warnings = sum(1 for f in trunk['findings'] if f['severity'] == WARN)
            summary['policy_warnings'] += len(trunk['warnings'])
            summary['live_warnings'] += live_warnings
            summary['live_failures'] += sum(1 for f in trunk['findings'] if f['severity'] == FAIL)
            summary['warnings'] += bool(trunk['warnings'] or live_warnings)
            summary['not_checked']['drift'] += trunk['checks']['drift'] in (DRIFT_NOT_RUN, DRIFT_NOT_CONFIRMED)
            summary['not_checked']['live'] += trunk['checks']['live'] == LIVE_NOT_RUN
            for rule in trunk['rules']:
                count = rules.setdefault(rule, {'rule': rule, 'kind': _rule_kind(rule, trunk), 'trunks': 0,
                                                'statuses': dict.fromkeys(STATUSES, 0)})
                count['trunks'] += 1
                count['statuses'][trunk['status']] += 1
    summary['rules'] = sorted(rules.values(), key=lambda r: (RULE_KINDS.index(r['kind']) if r['kind'] in RULE_KINDS
                                                             else len(RULE_KINDS), -r['trunks'], r['rule']))
    return summary


def _unmatched(hosts, drift_hosts, verify_hosts, doc_hosts):
    """Drift hosts, drifted sections and live-checked trunks the assessment does not know: shown, never dropped."""
    known = {}
    for host, data in hosts.items():
        entries = data.get('trunks') or []
        known[host] = set(_label(e, i, len(entries)) for i, e in enumerate(entries) if isinstance(e, dict))
    verify_trunks = []
    for host in sorted(verify_hosts, key=str):
        data = verify_hosts[host] if isinstance(verify_hosts[host], dict) else {}
        for name in sorted(data.get('trunks') or {}, key=str):
            if name not in known.get(host, ()):
                verify_trunks.append({'host': str(host), 'trunk': str(name)})
    drift_trunks = [{'host': host, 'trunk': name} for host in sorted(doc_hosts)
                    for name in doc_hosts[host]['drift'].get('stale_trunks', ())]
    return {'drift_hosts': sorted(str(h) for h in drift_hosts if h not in known), 'verify_trunks': verify_trunks,
            'drift_trunks': drift_trunks}


# --------------------------------------------------------------------------- JUnit XML

def _not_run_line(line):
    return line.endswith(' not run for this trunk') or ' not run for this trunk: ' in line or line.startswith(
        ('configuration drift not checked', 'configuration not confirmed'))


def render_junit(doc, suite_name='trunk-audit'):
    """JUnit XML: a test suite per host, a test case per trunk.

    ``blocked``, ``failing`` and ``drifted`` trunks fail (the failure's ``type`` is the status):
    a drifted trunk runs a configuration other than the one enforced, which an audit cannot pass.
    Policy warnings, live warnings and the checks not run go to ``system-out``.
    """
    suites = []
    for host, data in sorted(doc['hosts'].items()):
        cases = []
        for trunk in data['trunks']:
            case = {'name': trunk['label'], 'classname': '%s.%s' % (suite_name, host), 'failure': None}
            if trunk['status'] != 'compliant':
                failing = [line for line in trunk['why'] if not _not_run_line(line)]
                lines = list(failing)
                lines.extend('%s %s (%s %s): %s' % (f['severity'].upper(), f['id'], f['target'], f['endpoint'], f['message'])
                             for f in trunk['findings'] if f['severity'] == FAIL)
                lines.extend('re-check: %s' % r['command'] for r in trunk.get('recheck') or [])
                case['failure'] = junit.failure(trunk['status'], failing[0] if failing else trunk['status'], lines)
            out = ['status: %s' % trunk['status']]
            if trunk['valid']:
                out.append('decision: %s (TLS %s, SRTP %s)' % (trunk['decision'], setting_word(trunk['tls']), setting_word(trunk['srtp'])))
            out.extend('%s: %s' % (r.get('rule'), r.get('message')) for r in trunk['reasons'])
            out.extend('warning %s: %s' % (w.get('rule'), w.get('message')) for w in trunk['warnings'])
            out.extend('live warning %s (%s %s): %s' % (f['id'], f['target'], f['endpoint'], f['message'])
                       for f in trunk['findings'] if f['severity'] == WARN)
            out.extend(line for line in trunk['why'] if _not_run_line(line))
            case['system_out'] = '\n'.join(out)
            cases.append(case)
        suites.append({'name': host, 'timestamp': doc.get('generated'), 'cases': cases})
    return junit.render(suite_name, suites)
