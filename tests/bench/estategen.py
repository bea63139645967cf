# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Deterministic generator of an estate's audit inputs, for the audit report benchmark.

``estate(trunks=10000, hosts=2000, seed=SEED)`` returns ``(assessment, trunks_by_host, drift,
verify)``, shaped as the ``voip.trunk_security.audit_report`` action gets them:

``assessment``
    the report of ``playbooks/assess.yml``: ``assessment.build_report`` over
    ``assessment.assess_host`` of each host's trunks.
``trunks_by_host``
    ``{HOST: [trunk, ...]}``, the hosts' ``sip_trunks``: valid trunks of ``trunkgen.py``,
    ``trunks // hosts`` a host (the remainder spread over the first hosts), each with a
    gateway address (``10.X.Y.4``) and a provider address (``sbcN.provider.example``).
    Hosts are ``gw-0000``, ``gw-0001``... In the ``typical`` estate (:data:`MIXES`) all
    providers but about 3% offer TLS and SRTP; the ``stress`` estate keeps trunkgen's.
``drift``
    what the ``voip.trunk_security.trunk_drift`` callback writes for
    ``enforce.yml --check --diff``: ``{check_mode, hosts: {HOST: {changes: [{task, action,
    path, item, role, diff}], failures: [{task, message}], unreachable}}}``, every host listed.
    Each diff is unified text as the callback makes it (``difflib.unified_diff``, the
    file named, ``NAME (would be)`` after), from the role's real templates rendered
    in-process (``tests/unit/template_inputs.py``), and every hunk header is annotated
    after its second ``@@`` with what the hunk belongs to: a comma-separated list of
    ``host-wide`` and ``trunk NAME``. The mix of hosts (each kind at least one host):

    - about 74.5% clean: no change;
    - 15% one trunk's setting drifted: a hand edit of its listener in ``kamailio.cfg``
      (``listen=tls:`` made ``tcp:``, or another port for a TCP trunk) and/or of its server
      profile in ``tls.cfg`` (``TLSv1+`` and no client certificate), one short hunk each,
      annotated ``trunk NAME``; each with its "Render the candidate configuration" item,
      whose diff is empty (the role renders the candidate with ``diff: false``);
    - 5% a host-wide change: ``mediation_gateway_children`` changed in the inventory, so
      ``kamailio.cfg`` would change ``children=`` (annotated ``host-wide``);
    - 3% fresh hosts: nothing installed yet, so the instance's directories, whole-file
      creation diffs of ``kamailio.cfg`` and ``tls.cfg`` (annotated ``host-wide, trunk A,
      trunk B, ...`` with the trunks the file names) and the supervisor program;
    - 1% failed at enforce.yml's assess task, on hosts that really have a trunk with a
      blocker in the assessment: the ``trunk_policy`` action's message, with the blockers'
      own messages (``assessment.failures``);
    - 1% whose candidate ``kamailio -c`` refused: the role's "Report the refused
      candidate" failure after the candidate was rendered and dropped;
    - 0.5% unreachable.
``verify``
    what ``playbooks/verify.yml`` writes: ``{generated, cert_expiry_days, hosts: {HOST:
    {trunks: verify.verify_host(plan, probes)}}}`` over ``verify.plan`` of the host's trunks,
    one probe result per target in the shape ``sip_tls_probe`` returns (after the
    ``verify_findings`` filter drops the loop's keys): 95% clean (typical) or about 2/3
    (stress), the rest with one
    fault each (an old protocol, a CBC suite, an expiring or misnamed certificate, a
    plaintext port open, mutual TLS not enforced, no TLS answer; a TCP trunk's listener down).

The three documents go through JSON, as the action reads them from files. The same
arguments give the same estate. ``python tests/bench/estategen.py --out DIR`` writes them
as the playbooks name them, with an inventory holding the trunks, so that
``playbooks/audit_report.yml`` can be run over them.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import trunkgen  # noqa: E402  (beside this file)

SEED = 20261126
GENERATED = '2026-11-26T00:00:00Z'
ROLE = 'voip.trunk_security.mediation_gateway'
SERVICE_ROLE = 'voip.trunk_security.service_instance'

#: Share of the hosts of each kind (the rest are clean); each kind gets at least one host.
MIX = (('assess-failed', 0.01), ('fresh', 0.03), ('host-wide', 0.05), ('trunk', 0.15), ('refused', 0.01),
       ('unreachable', 0.005))
#: The two estates: ``typical``, an estate in service (providers that offer TLS and SRTP but for
#: about 3%, 95% of probes clean), the one the goals are for; ``stress``, trunkgen's mix as it comes
#: (about 20% of providers without TLS or SRTP, a third of probes with a fault), about half of its
#: trunks non-compliant: the worst case the page has to carry.
MIXES = {'typical': {'capable_providers': 0.97, 'clean_probes': 0.95},
         'stress': {'capable_providers': None, 'clean_probes': 2 / 3}}
#: Share of clean probe results; the others carry one fault (the stress estate's).
CLEAN_PROBES = 2 / 3
TLS_FAULTS = ('old', 'cbc', 'expiring', 'name', 'plain', 'mtls', 'silent')
TCP_FAULTS = ('down',)

ASSESS_TASK = "Assess the host's trunks; blockers stop the run unless explicitly allowed"
RENDER_TASK = ROLE + ' : Render the candidate configuration'
INSTALL_TASK = ROLE + ' : Install the configuration (the previous one is kept as a backup)'
DIRECTORIES_TASK = ROLE + " : Create the instance's directories"
REFUSED_TASK = ROLE + ' : Report the refused candidate'
DROP_TASK = ROLE + ' : Drop the refused candidate'
FILES = ('kamailio.cfg', 'tls.cfg')
#: The files :func:`write` makes, named as the playbooks name them.
INPUTS = {'assessment': 'trunk-security.json', 'drift': 'trunk-drift.json', 'verify': 'trunk-verify.json',
          'inventory': 'inventory.json'}


# --------------------------------------------------------------------------- the trunk model

def host_names(hosts: int) -> list:
    width = max(4, len(str(hosts - 1)))
    return ['gw-%0*d' % (width, h) for h in range(hosts)]


def models(trunks: int, hosts: int, seed: int = SEED, mix: str = 'typical') -> dict:
    """``{HOST: [trunk, ...]}``: ``trunks`` valid trunks over ``hosts`` hosts, wired for the probe; in the
    typical estate all but about 3% of the providers offer TLS and SRTP."""
    if hosts < 1 or trunks < hosts:
        raise ValueError('need at least one trunk a host: %d trunks, %d hosts' % (trunks, hosts))
    capable = MIXES[mix]['capable_providers']
    rng = random.Random(seed + 1)
    names = host_names(hosts)
    found = {name: [] for name in names}
    for index, trunk in enumerate(trunkgen.trunks(trunks, seed=seed)):
        provider = dict(trunk.get('provider') or {}, address='sbc%d.provider.example' % index)
        if capable is not None and rng.random() < capable:
            provider.update(tls=True, srtp=True)
        trunk = dict(trunk, gateway={'address': '10.%d.%d.4' % (index // 250 % 256, index % 250)}, provider=provider)
        found[names[index * hosts // trunks]].append(trunk)
    return found


# --------------------------------------------------------------------------- live verification

def probe(rng: random.Random, target: dict, clean: float = CLEAN_PROBES) -> dict:
    """One probe result for a :func:`verify.plan` target, clean (with the chance ``clean``) or with one fault."""
    tls = target['tls']
    fault = None if rng.random() < clean else rng.choice(TLS_FAULTS if tls else TCP_FAULTS)
    refused = {'kind': 'refused', 'message': 'connection refused'}
    endpoint = {'address': target['address'], 'port': target['port'], 'server_name': target['server_name']}
    if not tls:
        return {'endpoint': endpoint, 'reachable': fault != 'down', 'error': None, 'elapsed': 0.002,
                'certificate': None, 'client_certificate': {'requested': None, 'demanded': None}, 'options': None,
                'plaintext': [{'port': target['port'], 'protocol': 'tcp', 'open': fault != 'down',
                               **({'error': refused} if fault == 'down' else {})}]}
    plaintext = []
    for position, entry in enumerate(target['plaintext_ports']):
        opened = fault == 'plain' and position == 0
        plaintext.append(dict(entry, open=opened, **({} if opened else {'error': refused})))
    if fault == 'silent':
        timeout = {'kind': 'timeout', 'message': 'no answer within the timeout'}
        return {'endpoint': endpoint, 'reachable': True, 'error': timeout, 'elapsed': 3.0, 'certificate': None,
                'client_certificate': {'requested': False, 'demanded': None}, 'options': None,
                'plaintext': plaintext, 'tls': {'handshake': False, 'server_hello': False, 'error': timeout}}
    name = target['server_name'] or target['address']
    mutual = target['mutual_tls'] and fault != 'mtls'
    return {
        'endpoint': endpoint, 'reachable': True, 'error': None, 'elapsed': 0.041,
        'tls': {'handshake': True, 'server_hello': True,
                'negotiated': {'version': 'TLSv1.3', 'suite': 'TLS_AES_256_GCM_SHA384', 'forward_secret': True,
                               'aead': True},
                'versions': {'TLSv1': fault == 'old', 'TLSv1.1': False, 'TLSv1.2': True, 'TLSv1.3': True},
                'accepts_non_forward_secret': False, 'accepts_non_aead': fault == 'cbc',
                **({'example_non_aead': 'ECDHE-RSA-AES256-SHA384'} if fault == 'cbc' else {})},
        'certificate': {'subject': 'CN=%s' % name, 'issuer': 'CN=Mediation CA', 'dns_names': [name],
                        'ip_addresses': [], 'common_names': [name], 'not_after': '2027-09-01T00:00:00+00:00',
                        'days_left': 12 if fault == 'expiring' else 279, 'expired': False, 'key_type': 'EC',
                        'key_bits': 256, 'signature_algorithm': 'ecdsa-with-SHA256', 'signature_hash': 'sha256',
                        'expected_name': name if fault != 'name' else 'gw.example.net',
                        'name_matches': fault != 'name', 'chain_valid': True},
        'client_certificate': {'requested': target['mutual_tls'] or fault == 'mtls', 'demanded': mutual},
        'options': ({'error': {'kind': 'handshake', 'message': 'the server ended the handshake: certificate required'}}
                    if mutual else {'status_code': 200, 'status_line': 'SIP/2.0 200 OK'}),
        'plaintext': plaintext,
    }


def plans(trunks_by_host: dict) -> dict:
    from ansible_collections.voip.trunk_security.plugins.module_utils import verify

    return {host: verify.plan(trunks) for host, trunks in trunks_by_host.items()}


def probes(host_plans: dict, rng: random.Random, clean: float = CLEAN_PROBES) -> dict:
    """One probe result per target of each host's plan, in the plan's order."""
    return {host: [probe(rng, target, clean) for target in plan['targets']] for host, plan in host_plans.items()}


# --------------------------------------------------------------------------- the drift

def _templates():
    unit = str(BENCH.parent / 'unit')
    if unit not in sys.path:
        sys.path.insert(0, unit)
    import template_inputs  # noqa: E402  (tests/unit: the roles' templates rendered in-process)

    return template_inputs


def render(host: str, trunks: list, **inputs) -> dict:
    """``{'kamailio.cfg': text, 'tls.cfg': text}`` of the gateway instance ``host`` with these trunks."""
    templates = _templates()
    variables = templates.gateway_variables(dict(templates.GATEWAY_INPUTS, mediation_gateway_instance=host,
                                                 inventory_hostname=host, **inputs), trunks)
    return templates.render_gateway(variables), variables


def annotated_diff(before: str, after: str, header: str, labels=None) -> str:
    """A unified diff as the callback writes it: ``config_sections.unified``, each hunk header naming
    the trunks whose section (``#@trunk NAME``) it changes, or ``host-wide``. ``labels`` is not used
    any more (the rendered configurations carry their sections); it stays for the callers."""
    del labels
    from ansible_collections.voip.trunk_security.plugins.module_utils import config_sections

    return config_sections.unified(before, after, header, '%s (would be)' % header)


def _named(trunks: list, text: str) -> list:
    return ['trunk %s' % t['name'] for t in trunks if t['name'] in text]


def _change(task: str, action: str, diff: str, item=None, path=None, role: str = ROLE) -> dict:
    change = {'task': task, 'action': action, 'role': role}
    if path is not None:
        change['path'] = path
    if item is not None:
        change['item'] = item
    change['diff'] = diff
    return change


def _install(config_dir: str, name: str, before: str, after: str, labels) -> dict:
    path = '%s/%s' % (config_dir, name)
    return _change(INSTALL_TASK, 'ansible.builtin.template', annotated_diff(before, after, path, labels),
                   item=name, path=path)


def _renders(names) -> list:
    return [_change(RENDER_TASK, 'ansible.builtin.template', '', item=name) for name in names]


def _directory(path: str, mode: str) -> dict:
    diff = ('--- %s\n+++ %s (would be)\n@@ -1,4 +1,4 @@\n {\n   "path": "%s",\n-  "state": "absent"\n'
            '+  "state": "directory"\n }\n' % (path, path, path))
    return _change(DIRECTORIES_TASK, 'ansible.builtin.file', diff, item=str({'path': path, 'mode': mode}), path=path)


def _replace_line(text: str, match, replace) -> str | None:
    lines = text.splitlines(True)
    for index, line in enumerate(lines):
        if match(line):
            lines[index] = replace(line)
            return ''.join(lines)
    return None


def _trunk_drift(rng: random.Random, host: str, trunks: list) -> list:
    """One trunk's setting edited by hand on the host: what enforce.yml --check --diff would put back."""
    files, variables = render(host, trunks)
    settings = {s['name']: s for s in variables['mediation_gateway_settings']}
    config_dir = variables['mediation_gateway_config_dir']
    tls_trunks = [t for t in trunks if settings.get(t['name'], {}).get('transport') == 'tls']
    trunk = rng.choice(tls_trunks or trunks)
    wanted = settings.get(trunk['name'])
    before = dict(files)
    if wanted and wanted['transport'] == 'tls':
        which = rng.choice((('kamailio.cfg',), ('tls.cfg',), FILES))
        listen = '%s:%s' % (wanted['listen']['address'], wanted['listen']['port'])
        if 'kamailio.cfg' in which:
            before['kamailio.cfg'] = _replace_line(files['kamailio.cfg'], lambda l: l.strip() == 'listen=tls:' + listen,
                                                   lambda l: l.replace('listen=tls:', 'listen=tcp:'))
        if 'tls.cfg' in which:
            edited = files['tls.cfg'].split('[server:%s]\n' % listen, 1)
            if len(edited) == 2:
                section, rest = edited[1].split('\n\n', 1) if '\n\n' in edited[1] else (edited[1], '')
                section = section.replace('method = TLSv1.2+', 'method = TLSv1+').replace(
                    'require_certificate = yes', 'require_certificate = no')
                before['tls.cfg'] = edited[0] + '[server:%s]\n' % listen + section + ('\n\n' + rest if rest else '')
    elif wanted:
        listen = '%s:%s' % (wanted['listen']['address'], wanted['listen']['port'])
        before['kamailio.cfg'] = _replace_line(files['kamailio.cfg'], lambda l: l.strip() == 'listen=tcp:' + listen,
                                               lambda l: l.replace(':%s' % wanted['listen']['port'], ':5060'))
    changed = [name for name in FILES if before[name] is not None and before[name] != files[name]]
    if not changed:  # the template no longer has the line edited above: edit a line naming the trunk
        before['kamailio.cfg'] = _replace_line(files['kamailio.cfg'], lambda l: trunk['name'] in l,
                                               lambda l: l.rstrip('\n') + ' (edited)\n') or files['kamailio.cfg'] + '#\n'
        changed = ['kamailio.cfg']
    label = ['trunk %s' % trunk['name']]
    return _renders(changed) + [_install(config_dir, name, before[name], files[name], label) for name in changed]


def _host_wide_drift(host: str, trunks: list) -> list:
    """mediation_gateway_children changed in the inventory: every trunk of the host shares the change."""
    before, variables = render(host, trunks)
    children = int(variables.get('mediation_gateway_children') or 2)
    after, _variables = render(host, trunks, mediation_gateway_children=children * 2)
    if after['kamailio.cfg'] == before['kamailio.cfg']:  # the template no longer writes it
        after['kamailio.cfg'] = before['kamailio.cfg'].replace('\nchildren=%d\n' % children,
                                                               '\nchildren=%d\n' % (children * 2), 1)
    changed = [name for name in FILES if after[name] != before[name]] or ['kamailio.cfg']
    config_dir = variables['mediation_gateway_config_dir']
    return _renders(changed) + [_install(config_dir, name, before[name], after[name], ['host-wide']) for name in changed]


def _fresh(host: str, trunks: list) -> list:
    """Nothing installed yet: the directories, the whole files, the supervisor program."""
    files, variables = render(host, trunks)
    config_dir = variables['mediation_gateway_config_dir']
    run_dir = variables.get('mediation_gateway_run_dir') or '/run/kamailio-%s' % host
    changes = [_directory(config_dir, '0750'), _directory(config_dir + '/candidate', '0750'),
               _directory(config_dir + '/tls', '0750'), _directory(run_dir, '0755'),
               _change(ROLE + ' : Say the lab certificates would be created', 'ansible.builtin.debug', '')]
    changes += _renders(FILES)
    for name in FILES:
        diff = annotated_diff('', files[name], name, ['host-wide'] + _named(trunks, files[name]))
        # a file that does not exist yet is named only by the loop's item
        changes.append(_change(INSTALL_TASK, 'ansible.builtin.template', diff, item=name))
    program = 'kamailio-%s' % host
    supervisor = ('; Ansible managed\n[program:%s]\ncommand=/usr/sbin/kamailio -DD -E -f %s/kamailio.cfg -m 64 -M 8 '
                  '-P %s/kamailio.pid\nautostart=true\nautorestart=true\nstartsecs=2\nstartretries=1\n'
                  'stopsignal=TERM\nstopwaitsecs=10\nredirect_stderr=true\nstdout_logfile=/var/log/%s.log\n'
                  'stdout_logfile_maxbytes=10MB\n' % (program, config_dir, run_dir, program))
    changes.append(_change(SERVICE_ROLE + ' : Describe the instance to supervisor', 'ansible.builtin.template',
                           annotated_diff('', supervisor, 'before', ['host-wide']), role=SERVICE_ROLE))
    return changes


def _refused(host: str, trunks: list) -> dict:
    config_dir = '/etc/kamailio/%s' % host
    candidate = config_dir + '/candidate/kamailio.cfg'
    drop = ('--- %s\n+++ %s (would be)\n@@ -1,4 +1,4 @@\n {\n   "path": "%s",\n-  "state": "file"\n'
            '+  "state": "absent"\n }\n' % (candidate, candidate, candidate))
    stderr = ('0(4711) ERROR: <core> [core/cfg.y:3686]: yyerror_at(): parse error in config file %s, line 27, '
              'column 8-21: syntax error\n0(4711) ERROR: <core> [core/cfg.y:3689]: yyerror_at(): parse error in '
              'config file %s, line 27, column 8-21: bad listen address\nERROR: bad config file (2 errors)\n'
              'kamailio -c rejected %s' % (candidate, candidate, candidate))
    message = ('The new gateway configuration for trunk(s) %s does not validate, so it was not installed; the running '
               'configuration is unchanged. %s' % (', '.join(t['name'] for t in trunks), stderr))
    return {'changes': _renders(FILES) + [_change(DROP_TASK, 'ansible.builtin.file', drop, path=candidate)],
            'failures': [{'task': REFUSED_TASK, 'message': message}], 'unreachable': False}


def kinds_of_hosts(rng: random.Random, names: list, blocked: list) -> dict:
    """``{HOST: kind}`` for the hosts that are not clean (see :data:`MIX`)."""
    order = list(names)
    rng.shuffle(order)
    blocked = [host for host in order if host in set(blocked)]
    kinds = {}
    for kind, share in MIX:
        want = max(1, int(round(len(names) * share)))
        pool = blocked if kind == 'assess-failed' else order
        for host in pool:
            if want == 0:
                break
            if host not in kinds:
                kinds[host] = kind
                want -= 1
    return kinds


def drift_of(rng: random.Random, trunks_by_host: dict, report: dict) -> dict:
    from ansible_collections.voip.trunk_security.plugins.module_utils import assessment

    names = sorted(trunks_by_host)
    blocked = [host for host in names if any(entry.get('blockers') for entry in report['hosts'][host]['trunks'])]
    kinds = kinds_of_hosts(rng, names, blocked)
    hosts = {}
    for host in names:
        trunks, kind = trunks_by_host[host], kinds.get(host)
        entry = {'changes': [], 'failures': [], 'unreachable': False}
        if kind == 'assess-failed':
            reasons = assessment.failures(report['hosts'][host]['trunks'], 'blockers')
            # as the trunk_drift callback records the trunk_policy action's failure: with the trunks that stopped it
            stoppers = [t['name'] for t in report['hosts'][host]['trunks'] if not t['valid'] or t.get('blockers')]
            entry['failures'].append({'task': ASSESS_TASK, 'action': 'voip.trunk_security.trunk_policy',
                                      'message': "%d problem(s) on this host's trunks (fail_on=blockers): %s"
                                      % (len(reasons), ' | '.join(reasons)), 'trunks': stoppers})
        elif kind == 'fresh':
            entry['changes'] = _fresh(host, trunks)
        elif kind == 'host-wide':
            entry['changes'] = _host_wide_drift(host, trunks)
        elif kind == 'trunk':
            entry['changes'] = _trunk_drift(rng, host, trunks)
        elif kind == 'refused':
            entry = _refused(host, trunks)
        elif kind == 'unreachable':
            entry['unreachable'] = True
        hosts[host] = entry
    return {'check_mode': True, 'hosts': hosts}


def kinds(drift: dict) -> Counter:
    """How many hosts of each kind a drift document holds (clean, trunk, host-wide, fresh...)."""
    found = Counter()
    for data in drift['hosts'].values():
        tasks = [f['task'] for f in data['failures']]
        diffs = ''.join(c['diff'] for c in data['changes'])
        if data['unreachable']:
            found['unreachable'] += 1
        elif ASSESS_TASK in tasks:
            found['assess-failed'] += 1
        elif tasks:
            found['refused'] += 1
        elif any(c['task'] == DIRECTORIES_TASK for c in data['changes']):
            found['fresh'] += 1
        elif '@@ host-wide' in diffs:
            found['host-wide'] += 1
        elif data['changes']:
            found['trunk'] += 1
        else:
            found['clean'] += 1
    return found


# --------------------------------------------------------------------------- the estate

def _json(value):
    """As the action gets it: read from a JSON file."""
    return json.loads(json.dumps(value))


def estate(trunks: int = 10000, hosts: int = 2000, seed: int = SEED, mix: str = 'typical') -> tuple:
    """``(assessment, trunks_by_host, drift, verify)`` of an estate (see the module's docstring and :data:`MIXES`)."""
    from ansible_collections.voip.trunk_security.plugins.module_utils import assessment, verify

    by_host = models(trunks, hosts, seed, mix)
    report = _json(assessment.build_report({host: assessment.assess_host(t) for host, t in by_host.items()}))
    rng = random.Random(seed)
    host_plans = plans(by_host)
    host_probes = probes(host_plans, rng, MIXES[mix]['clean_probes'])
    # host by host: no copy of the whole document at once
    verified = {'generated': GENERATED, 'cert_expiry_days': verify.DEFAULT_EXPIRY_DAYS,
                'hosts': {host: _json({'trunks': verify.verify_host(host_plans[host], host_probes[host])})
                          for host in by_host}}
    drift = drift_of(rng, by_host, report)
    drift['hosts'] = {host: _json(data) for host, data in drift['hosts'].items()}
    return report, by_host, drift, verified


def _importable() -> None:
    """Make this checkout importable as ansible_collections.voip.trunk_security when it is not yet
    (a temp dir with the symlink, removed at exit)."""
    try:
        import ansible_collections.voip.trunk_security.plugins.module_utils.assessment  # noqa: F401
        return
    except ImportError:
        pass
    import atexit
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix='voip-trunk-estate-'))
    atexit.register(shutil.rmtree, str(base), True)
    link = base / 'ansible_collections' / 'voip' / 'trunk_security'
    link.parent.mkdir(parents=True)
    link.symlink_to(BENCH.parent.parent, target_is_directory=True)
    sys.path.insert(0, str(base))


def write(out: Path, trunks: int = 10000, hosts: int = 2000, seed: int = SEED, mix: str = 'typical') -> Counter:
    """The estate's inputs as files in ``out`` (see :data:`INPUTS`), indented and sorted as their
    writers write them; the inventory holds each host's trunks as ``sip_trunks``. Returns the
    drift's :func:`kinds`."""
    report, by_host, drift, verified = estate(trunks, hosts, seed, mix)
    inventory = {'all': {'vars': {'ansible_connection': 'local'},
                         'hosts': {host: {'sip_trunks': found} for host, found in by_host.items()}}}
    out.mkdir(parents=True, exist_ok=True)
    for kind, document in (('assessment', report), ('drift', drift), ('verify', verified), ('inventory', inventory)):
        with open(out / INPUTS[kind], 'w') as handle:
            json.dump(document, handle, indent=2, sort_keys=True)
            handle.write('\n')
    return kinds(drift)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description='Write the audit inputs of a generated estate.')
    parser.add_argument('--trunks', type=int, default=10000)
    parser.add_argument('--hosts', type=int, default=2000)
    parser.add_argument('--seed', type=int, default=SEED)
    parser.add_argument('--mix', choices=sorted(MIXES), default='typical', help='the estate: typical (default) or stress')
    parser.add_argument('--out', type=Path, required=True,
                        help='directory for trunk-security.json, trunk-drift.json, trunk-verify.json and inventory.json')
    options = parser.parse_args(argv)
    _importable()
    found = write(options.out, options.trunks, options.hosts, options.seed, options.mix)
    print('%d trunks on %d hosts; hosts by drift: %s' % (options.trunks, options.hosts, dict(sorted(found.items()))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
