# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The example inventory's recorded evidence (examples/evidence) stays true to the code."""

from __future__ import annotations

import json
from pathlib import Path

import jmespath
import pytest
import yaml

from ansible_collections.voip.trunk_security.plugins.module_utils import verify

REPO = Path(__file__).resolve().parents[2]
EVIDENCE = REPO / 'examples' / 'evidence'


def example_trunks() -> dict:
    hosts = {}
    for path in sorted((REPO / 'examples' / 'inventory' / 'host_vars').glob('*.yml')):
        data = yaml.safe_load(path.read_text())
        hosts[path.stem] = data.get('sip_trunks') or jmespath.search(data['trunk_security_query'], data['cmdb_export'])
    return hosts


@pytest.fixture(scope='module')
def recorded():
    return json.loads((EVIDENCE / 'trunk-verify.json').read_text())


def test_every_finding_id_appears_in_the_example_evidence(recorded):
    found = {f['id'] for host in recorded['hosts'].values() for trunk in host['trunks'].values() for f in trunk['findings']}
    assert found == set(verify.CATALOGUE)


def test_the_evidence_covers_every_example_trunk(recorded):
    trunks = example_trunks()
    assert {h: sorted(v['trunks']) for h, v in recorded['hosts'].items()} == {h: sorted(t['name'] for t in v)
                                                                              for h, v in trunks.items()}


def test_judging_the_recorded_probes_again_gives_the_recorded_findings(recorded):
    """The findings are what today's code makes of the recorded probes, for today's plan."""
    for host, trunks in example_trunks().items():
        plan = verify.plan(trunks, provider=True)
        probes = []
        for target in plan['targets']:
            entry = recorded['hosts'][host]['trunks'][target['trunk']]
            probes.append(next(t['probe'] for t in entry['targets'] if t['target'] == target['target']))
        again = verify.verify_host(plan, probes, recorded['cert_expiry_days'])
        assert again == recorded['hosts'][host]['trunks'], host


def test_the_recorded_drift_names_the_example_hosts():
    drift = json.loads((EVIDENCE / 'trunk-drift.json').read_text())
    assert drift['check_mode'] is True
    assert set(drift['hosts']) == {'med-lon-01', 'med-nyc-01', 'med-par-01'}
    assert 'blockers' in drift['hosts']['med-lon-01']['failures'][0]['message']
    assert any('listen=tls:10.30.8.4:5067' in c['diff'] for c in drift['hosts']['med-par-01']['changes'])
