# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The live-verification judgement and the probe's offline parts: examples and properties.

The probe's network side is proven against real endpoints in tests/lab/test_probe_lab.py.
"""

from __future__ import annotations

import copy
import ssl
import datetime
import re
import socket
import struct
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from hypothesis import given, settings, strategies as st

from ansible_collections.voip.trunk_security.plugins.module_utils import sip_probe, verify
from sip_tls_server import SipTlsServer

REPO = Path(__file__).resolve().parents[4]

PUBLIC_TRUNK = {
    'name': 'pub', 'connection': 'public',
    'provider': {'name': 'P', 'tls': True, 'srtp': True, 'address': 'sbc.example', 'server_name': 'sbc.example'},
    'mediation_subnet': {'cidr': '10.0.0.0/28', 'audience': 'authorized_it'},
    'gateway': {'address': '192.0.2.10'},
}
PRIVATE_TRUNK = {
    'name': 'priv', 'connection': 'private', 'opportunistic': False,
    'provider': {'name': 'P', 'tls': True, 'srtp': True, 'address': '198.51.100.7'},
    'mediation_subnet': {'cidr': '10.0.1.0/28', 'audience': 'authorized_it'},
    'gateway': {'address': '192.0.2.11', 'tcp_port': 5080},
}


def clean_probe():
    """A probe of a gateway listener that does everything right."""
    return {
        'endpoint': {'address': '192.0.2.10', 'port': 5067}, 'reachable': True, 'error': None,
        'tls': {'handshake': True, 'server_hello': True,
                'negotiated': {'version': 'TLSv1.3', 'suite': 'TLS_AES_256_GCM_SHA384', 'forward_secret': True, 'aead': True},
                'versions': {'TLSv1': False, 'TLSv1.1': False, 'TLSv1.2': True, 'TLSv1.3': True},
                'accepted_versions': ['TLSv1.2', 'TLSv1.3'],
                'accepts_non_forward_secret': False, 'accepts_non_aead': False},
        'certificate': {'subject': 'CN=gw', 'issuer': 'CN=CA', 'dns_names': ['gw.example'], 'ip_addresses': [],
                        'common_names': ['gw'], 'not_before': '2026-01-01T00:00:00+00:00',
                        'not_after': '2027-06-01T00:00:00+00:00', 'days_left': 187, 'expired': False,
                        'not_yet_valid': False, 'key_type': 'EC', 'key_bits': 256,
                        'signature_algorithm': 'ecdsa-with-SHA256', 'signature_hash': 'sha256',
                        'expected_name': 'gw.example', 'name_matches': True, 'chain_valid': True},
        'client_certificate': {'requested': True, 'demanded': True},
        'options': {'status_code': 200, 'status_line': 'SIP/2.0 200 OK'},
        'plaintext': [{'port': 5060, 'protocol': 'tcp', 'open': False}, {'port': 5060, 'protocol': 'udp', 'open': False}],
    }


def gateway_target(mutual_tls=True):
    return verify.plan([PUBLIC_TRUNK])['targets'][0] if mutual_tls else dict(verify.plan([PUBLIC_TRUNK])['targets'][0],
                                                                             mutual_tls=False)


def ids(findings):
    return sorted(f['id'] for f in findings)


# --- the plan -----------------------------------------------------------------------------

def test_plan_probes_the_tls_listener_and_the_plain_ports_beside_it():
    plan = verify.plan([PUBLIC_TRUNK], provider=True)
    gateway, provider = plan['targets']
    assert (gateway['address'], gateway['port'], gateway['tls'], gateway['mutual_tls']) == ('192.0.2.10', 5067, True, True)
    assert gateway['plaintext_ports'] == [{'port': p, 'protocol': proto} for p in (5060, 5068) for proto in ('tcp', 'udp')]
    assert gateway['plaintext_allowed'] is False
    assert (provider['target'], provider['address'], provider['port'], provider['server_name']) == (
        'provider', 'sbc.example', 5061, 'sbc.example')
    assert plan['skipped'] == []


def test_plan_checks_the_plain_listener_of_a_trunk_without_tls():
    plan = verify.plan([PRIVATE_TRUNK], provider=True)
    assert len(plan['targets']) == 1, 'no provider probe where TLS is off'
    target = plan['targets'][0]
    assert (target['tls'], target['port'], target['plaintext_allowed']) == (False, 5080, True)
    assert target['plaintext_ports'] == [{'port': 5080, 'protocol': 'tcp'}]


def test_plan_skips_trunks_it_cannot_probe_and_says_why():
    unwired = {k: v for k, v in PUBLIC_TRUNK.items() if k != 'gateway'}
    invalid = dict(PUBLIC_TRUNK, name='bad', connection='carrier-pigeon')
    plan = verify.plan([unwired, invalid, PRIVATE_TRUNK])
    assert [s['trunk'] for s in plan['skipped']] == ['pub', 'bad']
    assert 'gateway.address' in plan['skipped'][0]['reason']
    assert 'connection' in plan['skipped'][1]['reason']
    assert [t['trunk'] for t in plan['targets']] == ['priv']


# --- the judgement ------------------------------------------------------------------------

def test_a_clean_probe_has_no_finding():
    assert verify.judge(gateway_target(), clean_probe()) == []


FAULTS = [
    ('tls-not-offered', lambda p: p.update(error={'kind': 'refused', 'message': 'connection refused'},
                                           tls={'handshake': False, 'server_hello': False})),
    ('protocol-below-1.2', lambda p: p['tls']['versions'].update({'TLSv1.1': True})),
    ('suite-not-forward-secret', lambda p: p['tls'].update(accepts_non_forward_secret=True,
                                                           example_non_forward_secret='AES128-GCM-SHA256')),
    ('suite-not-aead', lambda p: p['tls'].update(accepts_non_aead=True, example_non_aead='ECDHE-RSA-AES128-SHA')),
    ('cert-expired', lambda p: p['certificate'].update(expired=True, days_left=-3)),
    ('cert-expiring', lambda p: p['certificate'].update(days_left=12)),
    ('cert-name-mismatch', lambda p: p['certificate'].update(name_matches=False)),
    ('cert-untrusted', lambda p: p['certificate'].update(chain_valid=False, chain_error='self-signed certificate')),
    ('cert-weak-key', lambda p: p['certificate'].update(key_type='RSA', key_bits=1024)),
    ('cert-weak-signature', lambda p: p['certificate'].update(signature_hash='sha1',
                                                              signature_algorithm='sha1WithRSAEncryption')),
    ('mtls-not-enforced', lambda p: p['client_certificate'].update(demanded=False)),
    ('options-failed', lambda p: p.update(options={'status_code': 503, 'status_line': 'SIP/2.0 503 Service Unavailable'})),
    ('plaintext-open', lambda p: p['plaintext'][1].update(open=True, status_line='SIP/2.0 200 OK')),
]


@pytest.mark.parametrize('expected, fault', FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_gives_exactly_its_finding(expected, fault):
    probe = clean_probe()
    fault(probe)
    findings = verify.judge(gateway_target(), probe)
    assert ids(findings) == [expected]
    finding = findings[0]
    assert finding['severity'] == verify.CATALOGUE[expected]['severity']
    assert (finding['target'], finding['endpoint']) == ('gateway', '192.0.2.10:5067')
    assert finding['message']


def test_the_catalogue_has_a_fault_for_every_id_but_listener_down():
    assert {f[0] for f in FAULTS} | {'listener-down'} == set(verify.CATALOGUE)


def test_a_closed_plain_listener_is_down_and_an_open_one_is_fine():
    target = verify.plan([PRIVATE_TRUNK])['targets'][0]
    down = {'plaintext': [{'port': 5080, 'protocol': 'tcp', 'open': False,
                           'error': {'kind': 'refused', 'message': 'connection refused'}}]}
    assert ids(verify.judge(target, down)) == ['listener-down']
    assert 'connection refused' in verify.judge(target, down)[0]['message']
    assert verify.judge(target, {'plaintext': [{'port': 5080, 'protocol': 'tcp', 'open': True}]}) == []


def test_a_server_demanding_a_certificate_we_do_not_have_is_not_an_options_failure():
    probe = clean_probe()
    probe['options'] = {'error': {'kind': 'handshake', 'message': 'handshake refused: tlsv13 alert certificate required'}}
    assert verify.judge(gateway_target(), probe) == []
    probe['client_certificate']['demanded'] = None
    assert ids(verify.judge(gateway_target(), probe)) == ['options-failed']


def test_expiry_threshold_is_a_parameter():
    probe = clean_probe()
    probe['certificate']['days_left'] = 40
    assert verify.judge(gateway_target(), probe) == []
    assert ids(verify.judge(gateway_target(), probe, expiry_days=45)) == ['cert-expiring']


def test_the_provider_target_is_not_judged_on_mutual_tls():
    probe = clean_probe()
    probe['client_certificate'] = {'requested': False, 'demanded': False}
    provider = verify.plan([PUBLIC_TRUNK], provider=True)['targets'][1]
    assert verify.judge(provider, probe) == []


def test_verify_host_groups_findings_per_trunk_with_evidence():
    plan = verify.plan([PUBLIC_TRUNK, PRIVATE_TRUNK, {'name': 'unwired', 'connection': 'public',
                                                      'provider': {'name': 'P', 'tls': True, 'srtp': True}}])
    gateway = clean_probe()
    gateway['tls']['versions']['TLSv1'] = True
    plain = {'plaintext': [{'port': 5080, 'protocol': 'tcp', 'open': True}]}
    trunks = verify.verify_host(plan, [gateway, plain])
    assert set(trunks) == {'pub', 'priv', 'unwired'}
    assert [(f['trunk'], f['id']) for f in trunks['pub']['findings']] == [('pub', 'protocol-below-1.2')]
    assert trunks['pub']['targets'][0]['endpoint'] == '192.0.2.10:5067'
    assert trunks['priv']['findings'] == []
    assert 'gateway.address' in trunks['unwired']['skipped']


probe_mutations = st.fixed_dictionaries({
    'old': st.sampled_from([[], ['TLSv1'], ['TLSv1.1'], ['TLSv1', 'TLSv1.1']]),
    'non_fs': st.booleans(), 'non_aead': st.booleans(), 'days_left': st.integers(-400, 800),
    'name_matches': st.booleans(), 'chain_valid': st.booleans(), 'demanded': st.sampled_from([True, False, None]),
    'status': st.sampled_from([200, 404, 408, 480, 500, 503, 603]), 'open': st.lists(st.booleans(), min_size=2, max_size=2),
})


@settings(max_examples=300, deadline=None)
@given(probe_mutations)
def test_property_each_fact_maps_to_its_finding_and_nothing_else(m):
    probe = clean_probe()
    for name in m['old']:
        probe['tls']['versions'][name] = True
    probe['tls'].update(accepts_non_forward_secret=m['non_fs'], accepts_non_aead=m['non_aead'])
    probe['certificate'].update(days_left=m['days_left'], expired=m['days_left'] < 0, name_matches=m['name_matches'],
                                chain_valid=m['chain_valid'])
    probe['client_certificate']['demanded'] = m['demanded']
    probe['options'] = {'status_code': m['status'], 'status_line': 'SIP/2.0 %d X' % m['status']}
    for entry, is_open in zip(probe['plaintext'], m['open']):
        entry['open'] = is_open
    expected = set()
    expected |= {'protocol-below-1.2'} if m['old'] else set()
    expected |= {'suite-not-forward-secret'} if m['non_fs'] else set()
    expected |= {'suite-not-aead'} if m['non_aead'] else set()
    if m['days_left'] < 0:
        expected.add('cert-expired')
    elif m['days_left'] < 30:
        expected.add('cert-expiring')
    expected |= set() if m['name_matches'] else {'cert-name-mismatch'}
    expected |= set() if m['chain_valid'] else {'cert-untrusted'}
    expected |= {'mtls-not-enforced'} if m['demanded'] is False else set()
    expected |= {'options-failed'} if m['status'] >= 500 else set()
    expected |= {'plaintext-open'} if any(m['open']) else set()
    before = copy.deepcopy(probe)
    findings = verify.judge(gateway_target(), probe)
    assert set(ids(findings)) == expected
    assert probe == before, 'judging must not change the evidence'
    assert all(f['severity'] == verify.CATALOGUE[f['id']]['severity'] for f in findings)
    # plaintext-open once per open port, every other id at most once
    assert len(findings) == len(set(ids(findings))) + max(0, sum(m['open']) - 1)


def test_every_finding_id_is_documented_in_the_readme():
    readme = (REPO / 'README.md').read_text()
    for finding_id, entry in verify.CATALOGUE.items():
        row = re.search(r'^\| `%s` \|.*$' % re.escape(finding_id), readme, re.M)
        assert row, '%s is not in the README findings table' % finding_id
        assert entry['severity'] in row.group(0)


# --- the probe's offline parts ------------------------------------------------------------

@pytest.mark.parametrize('name, dns, ips, cns, expected', [
    ('gw.example', ['gw.example'], [], [], True),
    ('GW.Example.', ['gw.example'], [], [], True),
    ('gw.sip.example', ['*.sip.example'], [], [], True),
    ('a.gw.sip.example', ['*.sip.example'], [], [], False),
    ('gw.example', ['*.example'], [], [], False),  # a wildcard never spans a whole second-level name
    ('example', ['*.example'], [], [], False),
    ('gw.example', ['other.example'], [], ['gw.example'], False),
    ('gw.example', [], [], ['gw.example'], True),
    ('192.0.2.1', ['192.0.2.1'], [], [], False),
    ('192.0.2.1', [], ['192.0.2.1'], [], True),
    ('2001:db8::1', [], ['2001:db8:0::1'], [], True),
])
def test_name_matching_follows_rfc6125(name, dns, ips, cns, expected):
    assert sip_probe.name_matches(name, dns, ips, cns) is expected


@given(st.from_regex(r'[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){1,3}', fullmatch=True))
def test_property_a_name_always_matches_itself_and_its_one_label_wildcard(name):
    assert sip_probe.name_matches(name, [name], [])
    parent = name.split('.', 1)[1]
    assert sip_probe.name_matches(name, ['*.' + parent], []) is (parent.count('.') >= 1)
    assert not sip_probe.name_matches('x.' + name, ['*.' + parent], [])


def _certificate(key=None, digest=hashes.SHA256, days=(-1, 30), names=('gw.example',)):
    key = key or ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(7).not_valid_before(now + datetime.timedelta(days=days[0]))
            .not_valid_after(now + datetime.timedelta(days=days[1]))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .sign(key, digest()))
    return cert.public_bytes(Encoding.DER)


def test_describe_certificate_reads_key_names_and_dates():
    facts = sip_probe.describe_certificate(_certificate(days=(-1, 30)), 'gw.example')
    assert (facts['key_type'], facts['key_bits'], facts['curve']) == ('EC', 256, 'secp256r1')
    assert facts['signature_algorithm'] == 'ecdsa-with-SHA256'
    assert facts['dns_names'] == ['gw.example'] and facts['name_matches'] is True
    assert 29 <= facts['days_left'] <= 30 and facts['expired'] is False and facts['self_signed'] is True
    rsa_facts = sip_probe.describe_certificate(_certificate(rsa.generate_private_key(65537, 2048)), 'other')
    assert (rsa_facts['key_type'], rsa_facts['key_bits'], rsa_facts['name_matches']) == ('RSA', 2048, False)
    expired = sip_probe.describe_certificate(_certificate(days=(-30, -2)))
    assert expired['expired'] is True and expired['days_left'] < 0 and expired['name_matches'] is None
    assert sip_probe.describe_certificate(b'not a certificate')['error']['kind'] == 'parse'


def test_first_certificate_reads_tls12_and_tls13_certificate_messages():
    der = _certificate()
    entry12 = struct.pack('>I', len(der))[1:] + der
    body12 = struct.pack('>I', len(entry12))[1:] + entry12
    message12 = bytes([11]) + struct.pack('>I', len(body12))[1:] + body12
    assert sip_probe.first_certificate(message12) == der
    entry13 = struct.pack('>I', len(der))[1:] + der + b'\x00\x00'
    body13 = b'\x00' + struct.pack('>I', len(entry13))[1:] + entry13
    message13 = bytes([11]) + struct.pack('>I', len(body13))[1:] + body13
    assert sip_probe.first_certificate(message13) == der
    assert sip_probe.first_certificate(b'\x0b\x00\x00\x01\x00') is None


@given(st.binary(max_size=64))
def test_property_first_certificate_never_raises(data):
    assert sip_probe.first_certificate(data) in (None,) or isinstance(sip_probe.first_certificate(data), bytes)


def test_deadline_shrinks_each_step_and_stops():
    now = [0.0]
    deadline = sip_probe.Deadline(5, 3, clock=lambda: now[0])
    assert deadline.step() == 3
    now[0] = 3.5
    assert deadline.step() == pytest.approx(1.5)
    now[0] = 5
    assert deadline.step() is None


def test_a_listener_that_never_speaks_costs_one_timeout_not_one_per_step():
    """Loopback only: a socket this test owns, bound to 127.0.0.1."""
    server = socket.create_server(('127.0.0.1', 0))
    held = []
    thread = threading.Thread(target=lambda: held.append(server.accept()), daemon=True)
    thread.start()
    try:
        port = server.getsockname()[1]
        result = sip_probe.probe('127.0.0.1', port, timeout=0.5, deadline=4)
        assert result['error']['kind'] == 'timeout'
        assert result['elapsed'] < 1.5
        assert ids(verify.judge({'target': 'gateway', 'address': '127.0.0.1', 'port': port, 'tls': True,
                                 'mutual_tls': True, 'plaintext_allowed': False}, result)) == ['tls-not-offered']
    finally:
        for accepted in held:
            accepted[0].close()
        server.close()


def test_refused_is_immediate_and_a_finding():
    server = socket.create_server(('127.0.0.1', 0))
    port = server.getsockname()[1]
    server.close()
    result = sip_probe.probe('127.0.0.1', port, plaintext_ports=[port, {'port': port, 'protocol': 'udp'}])
    assert result['error'] == {'kind': 'refused', 'message': 'connection refused'}
    assert result['reachable'] is False
    assert [p['open'] for p in result['plaintext']] == [False, False]
    assert result['elapsed'] < 1


# --- the probe against a loopback TLS server of this test's own --------------------------

class TLSServer:
    """A TLS server on 127.0.0.1 (Python's ssl), for the probe's edge cases."""

    def __init__(self, tmp_path, ciphers=None, maximum=None, require_client_cert=False):
        key = ec.generate_private_key(ec.SECP256R1())
        der = _certificate(key, names=('gw.example',), days=(-1, 300))
        cert = tmp_path / 'server.pem'
        keyfile = tmp_path / 'server.key'
        cert.write_bytes(x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM))
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat
        keyfile.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(cert), str(keyfile))
        if ciphers:
            self.context.set_ciphers(ciphers)
        if maximum:
            self.context.maximum_version = maximum
        if require_client_cert:
            self.context.verify_mode = ssl.CERT_REQUIRED
            self.context.load_verify_locations(str(cert))
        self.server = SipTlsServer(self.context)
        self.port = self.server.port

    def close(self):
        self.server.close()


def test_weak_suites_are_found_behind_a_demanded_client_certificate(tmp_path):
    """TLS 1.2 with a demanded client certificate: the server ends the handshake after its
    ServerHello, which already names the suite it took."""
    server = TLSServer(tmp_path, ciphers='ECDHE-ECDSA-AES128-SHA', maximum=ssl.TLSVersion.TLSv1_2,
                       require_client_cert=True)
    try:
        result = sip_probe.probe('127.0.0.1', server.port, server_name='gw.example', timeout=1, deadline=6)
    finally:
        server.close()
    assert result['tls']['accepts_non_aead'] is True
    assert result['tls']['example_non_aead'] == 'ECDHE-ECDSA-AES128-SHA'
    assert result['tls']['accepted_versions'] == ['TLSv1.2']
    assert result['client_certificate']['demanded'] is True
    assert result['certificate']['dns_names'] == ['gw.example'], 'read from the handshake although refused'
    target = {'target': 'gateway', 'address': '127.0.0.1', 'port': server.port, 'tls': True, 'mutual_tls': True,
              'plaintext_allowed': False}
    assert ids(verify.judge(target, result)) == ['cert-untrusted', 'suite-not-aead']


def test_a_server_without_mutual_tls_answers_sip_and_is_not_demanding(tmp_path):
    server = TLSServer(tmp_path)
    try:
        result = sip_probe.probe('127.0.0.1', server.port, server_name='gw.example', timeout=1, deadline=6,
                                 ca_path=str(tmp_path / 'server.pem'))
    finally:
        server.close()
    assert result['options']['status_line'] == 'SIP/2.0 200 OK'
    assert result['client_certificate'] == {'requested': False, 'demanded': False}
    assert result['certificate']['chain_valid'] is True and result['certificate']['name_matches'] is True
    assert result['reachable'] is True


def test_an_unusable_ca_file_is_a_setup_error_not_a_finding(tmp_path):
    (tmp_path / 'ca.pem').write_text('not a certificate')
    with pytest.raises(sip_probe.ProbeSetupError, match='cannot load the CA file'):
        sip_probe.probe('127.0.0.1', 9, ca_path=str(tmp_path / 'ca.pem'))


def test_parse_server_hello_reads_the_version_and_suite():
    def hello(legacy, suite, extensions=b''):
        body = struct.pack('>H', legacy) + b'\x00' * 32 + b'\x00' + struct.pack('>H', suite) + b'\x00'
        body += struct.pack('>H', len(extensions)) + extensions
        return bytes([2]) + struct.pack('>I', len(body))[1:] + body
    assert sip_probe.parse_server_hello(hello(0x0303, 0xC02B)) == ('TLSv1.2', 0xC02B)
    supported = struct.pack('>HHH', 0x002B, 2, 0x0304)
    assert sip_probe.parse_server_hello(hello(0x0303, 0x1302, supported)) == ('TLSv1.3', 0x1302)
    assert sip_probe.parse_server_hello(hello(0x0301, 0xC009)) == ('TLSv1', 0xC009)
    assert sip_probe.parse_server_hello(b'\x02\x00') == (None, None)
    assert sip_probe.suite_name(0xC02B) == 'ECDHE-ECDSA-AES128-GCM-SHA256'


def test_a_sip_uri_san_names_the_domain_and_the_cn_is_ignored_beside_a_san():
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'cn.example')]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'ca')])).public_key(key.public_key())
            .serial_number(9).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=9))
            .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier('sip:gw.example')]),
                           critical=False)
            .sign(key, hashes.SHA256())).public_bytes(Encoding.DER)
    assert sip_probe.describe_certificate(cert, 'gw.example')['name_matches'] is True
    assert sip_probe.describe_certificate(cert, 'cn.example')['name_matches'] is False


def test_a_probe_cut_by_the_deadline_is_not_judged():
    probe = {'error': {'kind': 'deadline', 'message': 'not attempted'}, 'tls': {'handshake': False},
             'plaintext': []}
    assert verify.judge(gateway_target(), probe) == []


def test_the_filter_drops_what_a_registered_loop_adds():
    from ansible_collections.voip.trunk_security.plugins.filter.verify_findings import verify_findings
    plan = verify.plan([PUBLIC_TRUNK])
    registered = dict(clean_probe(), changed=False, failed=False, probe_target=plan['targets'][0],
                      ansible_loop_var='probe_target', invocation={'module_args': {}})
    trunks = verify_findings(plan, [registered])
    probe = trunks['pub']['targets'][0]['probe']
    assert not {'probe_target', 'ansible_loop_var', 'invocation', 'changed'} & set(probe)
    assert trunks['pub']['findings'] == []


def test_the_plan_filter_maps_inventory_of_another_shape_like_the_assessment():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.voip.trunk_security.plugins.filter.verify_plan import verify_plan
    source = {'circuits': [{'kind': 'sip', 'trunk': PUBLIC_TRUNK}]}
    plan = verify_plan(None, source=source, query="circuits[?kind=='sip'] | [0].trunk")
    assert [t['trunk'] for t in plan['targets']] == ['pub'], 'one mapping counts as a list of one'
    assert verify_plan(None) == {'targets': [], 'skipped': [], 'settings': {}}
    with pytest.raises(AnsibleFilterError, match='matched nothing'):
        verify_plan(None, source=source, query='nothing_here')
