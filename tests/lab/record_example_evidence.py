# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Record the evidence the example inventory's audit report is rendered from.

The example hosts (med-lon-01, med-nyc-01, med-par-01) do not exist, so their evidence is
recorded here, for real, and kept in examples/evidence/:

- trunk-verify.json: each example trunk's probes, run against one of the purpose-made
  endpoints of tlszoo.py (chosen so that every finding id appears somewhere), judged
  against the example trunk's own policy; each probe keeps ``recorded_from``, the loopback
  endpoint it really probed.
- trunk-drift.json: enforce.yml --check --diff on the example inventory, run on this
  machine for each host (a fresh host: nothing configured yet, so the drift is the whole
  configuration), captured by the trunk_drift callback.

Run as root inside a private network namespace (nothing leaves the machine):

    unshare -n .venv/bin/python tests/lab/record_example_evidence.py
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jmespath
import yaml

LAB = Path(__file__).resolve().parent
REPO = LAB.parents[1]
sys.path[:0] = [str(LAB), str(REPO / 'tests')]

# tests/conftest.py makes the checkout importable as the collection
_spec = importlib.util.spec_from_file_location('tests_conftest', REPO / 'tests' / 'conftest.py')
_tests_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tests_conftest)
COLLECTIONS_PATH = _tests_conftest.COLLECTIONS_PATH
import tlszoo  # noqa: E402
from playbook_runner import ansible_environment, run_playbook  # noqa: E402

from ansible_collections.voip.trunk_security.plugins.module_utils import sip_probe, verify  # noqa: E402

EXAMPLES = REPO / 'examples'
OUT = EXAMPLES / 'evidence'

#: (trunk, target) -> the purpose-made endpoint whose probe stands for it
MAPPING = {
    ('lon-public-primary', 'gateway'): 'mtls',
    ('lon-public-primary', 'provider'): 'good',
    ('lon-public-nosrtp', 'gateway'): 'silent',
    ('lon-public-nosrtp', 'provider'): 'good',
    ('nyc-wg-tunnel', 'gateway'): 'tls10',
    ('nyc-wg-tunnel', 'provider'): 'good',
    ('nyc-internet-backup', 'gateway'): 'plaintext',
    ('nyc-internet-backup', 'provider'): 'expired',
    ('par-mpls-private', 'gateway'): 'closed-plain',
    ('par-mpls-office-lan', 'gateway'): 'wrong-name',
    ('par-mpls-office-lan', 'provider'): 'untrusted',
    ('par-vpn-strong', 'gateway'): 'weak-certificate',
    ('par-vpn-strong', 'provider'): 'rsa-key-exchange',
    ('par-vpn-legacy-3des', 'gateway'): 'options-503',
    ('par-vpn-legacy-3des', 'provider'): 'expiring',
    ('par-vpn-tcp', 'gateway'): 'open-plain',
}
# every TLS trunk's provider not named above answers as the well-configured endpoint
DEFAULT_PROVIDER = 'good'


def example_trunks() -> dict:
    hosts = {}
    for path in sorted((EXAMPLES / 'inventory' / 'host_vars').glob('*.yml')):
        data = yaml.safe_load(path.read_text())
        if 'sip_trunks' in data:
            hosts[path.stem] = data['sip_trunks']
        else:
            hosts[path.stem] = jmespath.search(data['trunk_security_query'], data['cmdb_export'])
    return hosts


def probe_case(name, target, zoo):
    cases = {case.name: case for case in tlszoo.CASES}
    if name == 'silent':
        address, port, tls, ports = tlszoo.SILENT + (True, target['plaintext_ports'])
    elif name == 'closed-plain':
        address, port, tls, ports = tlszoo.CLOSED[0], 5060, False, [{'port': 5060, 'protocol': 'tcp'}]
    elif name == 'open-plain':
        address, port, tls, ports = '127.0.0.55', 5060, False, [{'port': 5060, 'protocol': 'tcp'}]
    else:
        case = cases[name]
        address, port, tls = case.address, tlszoo.PORT, True
        ports = [{'port': 5060, 'protocol': p} for p in ('tcp', 'udp')] if target['plaintext_ports'] else []
    result = sip_probe.probe(address, port, server_name='sip.zoo.test', ca_path=str(zoo.pki['ca']), tls=tls,
                             plaintext_ports=ports)
    result['recorded_from'] = '%s:%s (tests/lab/tlszoo.py, %s)' % (address, port, name)
    # the evidence speaks of the example's endpoint, and its ports
    result['endpoint'] = {'address': target['address'], 'port': target['port'], 'server_name': target['server_name']}
    for entry, wanted in zip(result['plaintext'], target['plaintext_ports']):
        entry['port'] = wanted['port']
    return result


def record_verify(zoo) -> dict:
    hosts = {}
    for host, trunks in example_trunks().items():
        plan = verify.plan(trunks, provider=True)
        probes = [probe_case(MAPPING.get((t['trunk'], t['target']), DEFAULT_PROVIDER), t, zoo) for t in plan['targets']]
        hosts[host] = {'trunks': verify.verify_host(plan, probes)}
    return {'generated': '2026-11-26T00:00:00Z', 'cert_expiry_days': verify.DEFAULT_EXPIRY_DAYS,
            'recorded': 'probes of the purpose-made endpoints of tests/lab/tlszoo.py, judged against the example '
                        "trunks' policies (tests/lab/record_example_evidence.py)",
            'hosts': hosts}


def record_drift(work: Path) -> dict:
    overrides = work / 'local.yml'
    overrides.write_text(yaml.safe_dump({'all': {'vars': {
        'ansible_connection': 'local',
        'ansible_python_interpreter': '{{ ansible_playbook_python }}',
        'mediation_gateway_instance': '{{ inventory_hostname }}',
        'mediation_gateway_service_manager': 'supervisor',
        'mediation_gateway_certificate_source': 'lab',
        'mediation_gateway_lab_ca_dir': str(work / 'lab-ca'),
        'mediation_gateway_install_packages': False,
        'mediation_gateway_certificate_names': ['{{ inventory_hostname }}.example'],
    }}}))
    inventory = work / 'inventory'
    subprocess.run(['cp', '-r', str(EXAMPLES / 'inventory'), str(inventory)], check=True)
    (inventory / 'local.yml').write_text(overrides.read_text())
    env = ansible_environment(COLLECTIONS_PATH, work / 'ansible-local')
    drift_file = work / 'trunk-drift.json'
    env.update(ANSIBLE_CALLBACKS_ENABLED='voip.trunk_security.trunk_drift', TRUNK_SECURITY_DRIFT_FILE=str(drift_file))
    run = run_playbook(env, REPO / 'playbooks' / 'enforce.yml', '--check', '--diff', inventory=inventory, cwd=work)
    print(run.stdout[-3000:])
    return json.loads(drift_file.read_text())


def main():
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        zoo = tlszoo.Zoo(Path(tmp) / 'zoo').start()
        try:
            evidence = record_verify(zoo)
        finally:
            zoo.stop()
        (OUT / 'trunk-verify.json').write_text(json.dumps(evidence, indent=2, sort_keys=True) + '\n')
        found = {f['id'] for host in evidence['hosts'].values() for trunk in host['trunks'].values()
                 for f in trunk['findings']}
        missing = set(verify.CATALOGUE) - found
        print('finding ids recorded: %d of %d%s'
              % (len(found), len(verify.CATALOGUE), (', missing: %s' % sorted(missing)) if missing else ''))
        drift = record_drift(Path(tmp))
        (OUT / 'trunk-drift.json').write_text(json.dumps(drift, indent=2, sort_keys=True) + '\n')
    os.environ.pop('TRUNK_SECURITY_DRIFT_FILE', None)


if __name__ == '__main__':
    main()
