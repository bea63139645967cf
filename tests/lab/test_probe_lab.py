# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The probe, live: purpose-made endpoints with one fault each (each finding exactly where it
should be and nowhere else), sslscan beside it, a bounded probe of an endpoint that does not
answer, and verify.yml against the lab's gateway."""

from __future__ import annotations

import json
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

import tlszoo
from conftest import CA, FIGURES, INVENTORY, LAB, PROVIDER_DIR, REPO, in_lab
from playbook_runner import ansible_environment, run_playbook

from ansible_collections.voip.trunk_security.plugins.module_utils import sip_probe, verify

PLAINTEXT = [{'port': 5060, 'protocol': 'tcp'}, {'port': 5060, 'protocol': 'udp'}]


@pytest.fixture(scope='module')
def zoo(tmp_path_factory):
    if not in_lab():
        pytest.skip('not inside the lab namespace')
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
    running = tlszoo.Zoo(tmp_path_factory.mktemp('zoo')).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope='module')
def zoo_probes(zoo, collections_dir, tmp_path_factory):
    """Every case probed once by the module, through ansible-playbook: case name -> result."""
    work = tmp_path_factory.mktemp('zoo-probes')
    targets = [{'name': case.name, 'address': case.address, 'port': tlszoo.PORT, 'server_name': case.server_name,
                'plaintext_ports': PLAINTEXT} for case in tlszoo.CASES]
    targets.append({'name': 'mtls-with-client-cert', 'address': '127.0.0.54', 'port': tlszoo.PORT,
                    'server_name': 'sip.zoo.test', 'plaintext_ports': [],
                    'client_cert': str(zoo.pki['client']), 'client_key': str(zoo.pki['client-key'])})
    for name, (address, port) in (('silent', tlszoo.SILENT), ('closed', tlszoo.CLOSED)):
        targets.append({'name': name, 'address': address, 'port': port, 'server_name': 'sip.zoo.test',
                        'plaintext_ports': PLAINTEXT})
    env = ansible_environment(collections_dir, work / 'ansible-local')
    out = work / 'probes.json'
    started = time.monotonic()
    extra = {'zoo_targets': targets, 'zoo_ca': str(zoo.pki['ca']), 'zoo_out': str(out)}
    run = run_playbook(env, LAB / 'probe_zoo.yml', extra_vars=extra, cwd=work)
    assert run.rc == 0, run
    FIGURES['probe playbook, %d endpoints (s)' % len(targets)] = round(time.monotonic() - started, 2)
    results = json.loads(out.read_text())
    assert all(result['changed'] is False for result in results), 'a probe reported changed'
    return {result['item']['name']: result for result in results}


def target_for(case, address=None):
    return {'trunk': case.name, 'target': verify.GATEWAY, 'address': address or case.address, 'port': tlszoo.PORT,
            'tls': True, 'mutual_tls': case.expect_mutual_tls, 'plaintext_ports': PLAINTEXT, 'plaintext_allowed': False}


@pytest.mark.parametrize('case', tlszoo.CASES, ids=[case.name for case in tlszoo.CASES])
def test_each_finding_appears_exactly_where_it_should(zoo_probes, case):
    probe = zoo_probes[case.name]
    findings = verify.judge(target_for(case), probe)
    assert {f['id'] for f in findings} == case.findings, json.dumps(findings, indent=1)
    assert probe['tls']['handshake'] is True


def test_the_details_behind_the_findings(zoo_probes):
    assert zoo_probes['tls10']['tls']['accepted_versions'] == ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']
    assert zoo_probes['good']['tls']['accepted_versions'] == ['TLSv1.2', 'TLSv1.3']
    assert zoo_probes['good']['tls']['negotiated']['version'] == 'TLSv1.3'
    assert zoo_probes['good']['tls']['negotiated']['forward_secret'] is True
    assert zoo_probes['good']['options']['status_line'] == 'SIP/2.0 200 OK'
    assert zoo_probes['good']['certificate']['key_type'] == 'EC'
    assert zoo_probes['good']['certificate']['key_bits'] == 256
    assert zoo_probes['good']['certificate']['signature_algorithm'] == 'ecdsa-with-SHA256'
    assert zoo_probes['expired']['certificate']['expired'] is True
    assert zoo_probes['expired']['certificate']['chain_valid'] is True, 'expiry must not count as untrusted'
    assert 8 <= zoo_probes['expiring']['certificate']['days_left'] <= 10
    assert zoo_probes['wrong-name']['certificate']['dns_names'] == ['other.zoo.test']
    assert zoo_probes['untrusted']['certificate']['chain_error'] == 'unable to get local issuer certificate'
    assert zoo_probes['rsa-key-exchange']['tls']['example_non_forward_secret'].startswith('AES')
    assert zoo_probes['options-503']['options']['status_code'] == 503
    plaintext = {(p['port'], p['protocol']): p for p in zoo_probes['plaintext']['plaintext']}
    assert plaintext[(5060, 'tcp')]['open'] is True
    assert plaintext[(5060, 'udp')]['status_line'] == 'SIP/2.0 200 OK'
    assert not any(p['open'] for p in zoo_probes['good']['plaintext'])


def test_mutual_tls_is_seen_demanded_and_works_with_a_client_certificate(zoo_probes):
    without = zoo_probes['mtls']
    assert without['client_certificate'] == {'requested': True, 'demanded': True}
    assert without['certificate']['subject'] == 'CN=sip.zoo.test', 'the certificate is read even when refused'
    assert 'status_code' not in without['options']
    with_cert = zoo_probes['mtls-with-client-cert']
    assert with_cert['client_certificate'] == {'requested': True, 'demanded': True}
    assert with_cert['options']['status_line'] == 'SIP/2.0 200 OK'
    assert zoo_probes['good']['client_certificate'] == {'requested': False, 'demanded': False}


def sslscan_versions(address, port, server_name):
    out = subprocess.run(['sslscan', '--no-colour', '--xml=-', '--sni-name=%s' % server_name, '%s:%d' % (address, port)],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    root = ET.fromstring(out)
    names = {'1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3'}
    return [names[p.get('version')] for p in root.iter('protocol') if p.get('type') == 'tls' and p.get('enabled') == '1']


@pytest.mark.parametrize('case', [c for c in tlszoo.CASES if c.name != 'good-expecting-mtls'],
                         ids=[c.name for c in tlszoo.CASES if c.name != 'good-expecting-mtls'])
def test_accepted_versions_equal_sslscan(zoo_probes, case):
    probed = zoo_probes[case.name]['tls']['accepted_versions']
    assert probed == sslscan_versions(case.address, tlszoo.PORT, case.server_name)


def test_an_endpoint_that_does_not_answer_is_a_finding_within_ten_seconds(zoo):
    for address, port, kind in (tlszoo.SILENT + ('timeout',), tlszoo.CLOSED + ('refused',)):
        started = time.monotonic()
        result = sip_probe.probe(address, port, server_name='sip.zoo.test', ca_path=str(zoo.pki['ca']),
                                 plaintext_ports=PLAINTEXT)
        elapsed = time.monotonic() - started
        FIGURES['probe of a %s endpoint (s)' % kind] = round(elapsed, 2)
        assert elapsed < 10
        assert result['error']['kind'] == kind
        case = tlszoo.Case('x', address, set())
        findings = verify.judge(target_for(case), result)
        assert [f['id'] for f in findings] == ['tls-not-offered']
        assert kind in findings[0]['message'] or 'no answer' in findings[0]['message']


def test_the_module_reports_an_unanswering_endpoint_as_facts(zoo_probes):
    silent = zoo_probes['silent']
    assert silent['failed'] is False and silent['changed'] is False
    assert silent['error'] == {'kind': 'timeout', 'message': 'no answer within the timeout'}
    assert silent['elapsed'] < 10
    assert zoo_probes['closed']['error']['kind'] == 'refused'


def test_an_unresolvable_name_is_a_finding_not_a_traceback():
    if not in_lab():
        pytest.skip('not inside the lab namespace')
    result = sip_probe.probe('no-such-host.invalid', 5061, deadline=5)
    assert result['error']['kind'] == 'resolve'
    assert result['elapsed'] < 10


def test_verify_playbook_on_the_lab_gateway(lab):
    """verify.yml against the converged lab: the gateway passes every check on the public
    trunk, the private one has its plain listener, and the misnamed provider is caught."""
    out = lab.work / 'verify-reports'
    extra = {
        'trunk_security_report_dir': str(out),
        'trunk_security_verify_provider': True,
        'trunk_security_verify_ca_path': str(CA),
        'trunk_security_probe_client_cert': str(PROVIDER_DIR / 'client.pem'),
        'trunk_security_probe_client_key': str(PROVIDER_DIR / 'client.key'),
        'trunk_security_provider_client_cert': '/etc/kamailio/lab-gateway/tls/gateway.pem',
        'trunk_security_provider_client_key': '/etc/kamailio/lab-gateway/tls/gateway.key',
    }
    started = time.monotonic()
    run = run_playbook(lab.env, REPO / 'playbooks' / 'verify.yml', inventory=INVENTORY, extra_vars=extra, cwd=lab.work)
    FIGURES['verify.yml on the lab, 3 trunks (s)'] = round(time.monotonic() - started, 2)
    assert run.rc == 0, run
    # the report's directory and file: the probes change nothing
    assert run.recap['lab-gateway']['changed'] == 2, run
    report = json.loads((out / 'trunk-verify.json').read_text())
    trunks = report['hosts']['lab-gateway']['trunks']
    ids = {name: sorted((f['target'], f['id']) for f in entry['findings']) for name, entry in trunks.items()}
    # the lab provider keeps Kamailio's default cipher list, which still allows CBC suites:
    # a real (warning) finding on the provider side, and the only one besides the wrong name
    cbc = ('provider', 'suite-not-aead')
    assert ids == {'lab-public': [cbc], 'lab-private': [],
                   'lab-misnamed': [('provider', 'cert-name-mismatch'), cbc]}, ids
    public = {t['target']: t['probe'] for t in trunks['lab-public']['targets']}
    assert public['gateway']['client_certificate']['demanded'] is True
    assert public['gateway']['options']['status_line'].startswith('SIP/2.0 200')
    assert public['gateway']['tls']['accepted_versions'] == sslscan_versions('127.0.0.10', 5067, 'gw.lab.test')
    assert public['provider']['certificate']['name_matches'] is True
    private = trunks['lab-private']['targets'][0]['probe']
    assert private['plaintext'] == [{'port': 5068, 'protocol': 'tcp', 'open': True}]
    # check mode is the same read-only probe
    check = run_playbook(lab.env, REPO / 'playbooks' / 'verify.yml', '--check', inventory=INVENTORY,
                         extra_vars=dict(extra, trunk_security_verify_fail_on='fail'), cwd=lab.work)
    assert check.rc != 0 and 'cert-name-mismatch' in check.stdout, check
