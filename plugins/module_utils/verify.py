# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Live findings: what a probe of a trunk's listener (or of the provider's next hop) saw,
compared with what the trunk's neutral gateway-side settings require.

Pure Python, no I/O: the probe (``sip_tls_probe``) collects, this module judges, the
report renders. Every finding id below is stable; README.md documents each one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.voip.trunk_security.plugins.module_utils import gateway, trunk_policy
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError

FAIL = 'fail'
WARN = 'warn'

#: Default threshold of ``cert-expiring``, in days.
DEFAULT_EXPIRY_DAYS = 30
#: Below these sizes a certificate key is weak (NIST SP 800-57: 112-bit security).
MIN_KEY_BITS = {'RSA': 2048, 'DSA': 2048, 'EC': 256}
WEAK_SIGNATURE_HASHES = ('md5', 'sha1')

GATEWAY = 'gateway'
PROVIDER = 'provider'

#: id -> severity, title, rationale, remediation. The README's table is checked against it.
CATALOGUE = {
    'tls-not-offered': {
        'severity': FAIL,
        'title': 'TLS is not offered where the policy enables it',
        'rationale': 'SIP signalling in clear text shows numbers, names and the SRTP keys carried in SDP to '
                     'anyone on an exposed point of the path.',
        'remediation': 'Run enforce.yml for the host; check that the listener address exists and that nothing '
                       'else holds the port.',
    },
    'listener-down': {
        'severity': FAIL,
        'title': "The trunk's listener does not accept connections",
        'rationale': 'The trunk cannot carry calls, whatever its protection.',
        'remediation': 'Check that the gateway service runs (enforce.yml puts it back) and that the listener '
                       'address is configured on the host.',
    },
    'plaintext-open': {
        'severity': FAIL,
        'title': 'A plaintext SIP port answers on a trunk that requires TLS',
        'rationale': 'A cleartext port beside the TLS one lets a peer, or an attacker, downgrade signalling '
                     'to clear text.',
        'remediation': 'Remove the TCP/UDP listener toward the trunk (enforce.yml renders only the TLS listener '
                       'where TLS is enabled) and close the port in the firewall.',
    },
    'protocol-below-1.2': {
        'severity': FAIL,
        'title': 'TLS 1.0 or 1.1 is accepted',
        'rationale': 'TLS 1.0 and 1.1 are deprecated (RFC 8996); Microsoft Teams and current providers '
                     'require TLS 1.2 or later.',
        'remediation': 'Set the TLS method to TLSv1.2+ (mediation_gateway_tls_method).',
    },
    'suite-not-forward-secret': {
        'severity': FAIL,
        'title': 'A cipher suite without forward secrecy is accepted',
        'rationale': 'With RSA key exchange, whoever obtains the private key later can decrypt every '
                     'recorded call setup, SRTP keys included.',
        'remediation': 'Allow only ECDHE (or DHE) suites for TLS 1.2 (mediation_gateway_tls_cipher_list).',
    },
    'suite-not-aead': {
        'severity': WARN,
        'title': 'A CBC (non-AEAD) cipher suite is accepted',
        'rationale': 'CBC suites with HMAC have a history of padding-oracle attacks; AEAD suites (AES-GCM, '
                     'ChaCha20-Poly1305) do not.',
        'remediation': 'Allow only AEAD suites for TLS 1.2 (mediation_gateway_tls_cipher_list).',
    },
    'cert-expired': {
        'severity': FAIL,
        'title': 'The certificate has expired (or is not yet valid)',
        'rationale': 'Peers that verify certificates refuse the connection: the trunk is down or, worse, '
                     'verification gets switched off.',
        'remediation': 'Renew the certificate and reload the gateway (enforce.yml reloads TLS without a restart).',
    },
    'cert-expiring': {
        'severity': WARN,
        'title': 'The certificate expires soon',
        'rationale': 'Certificates that expire unnoticed take trunks down.',
        'remediation': 'Renew the certificate before it expires (threshold: trunk_security_cert_expiry_days).',
    },
    'cert-name-mismatch': {
        'severity': FAIL,
        'title': 'The certificate does not carry the expected name',
        'rationale': 'A peer that checks names refuses the connection; one that does not can be fooled by '
                     'any certificate from the same CA.',
        'remediation': 'Issue the certificate for the name peers connect to (the subjectAltName), or correct '
                       'provider.server_name.',
    },
    'cert-untrusted': {
        'severity': FAIL,
        'title': 'The certificate chain does not verify against the trusted CAs',
        'rationale': 'Without a verified chain, TLS does not authenticate the peer: a machine in the middle '
                     'can present its own certificate.',
        'remediation': 'Serve the full chain from a CA the peer trusts, or add that CA to the CA list.',
    },
    'cert-weak-key': {
        'severity': WARN,
        'title': "The certificate's key is weak",
        'rationale': 'RSA below 2048 bits or EC below 256 bits is under 112-bit security (NIST SP 800-57).',
        'remediation': 'Issue a new certificate with an RSA 2048+ or EC P-256+ key.',
    },
    'cert-weak-signature': {
        'severity': WARN,
        'title': 'The certificate is signed with MD5 or SHA-1',
        'rationale': 'Collisions on MD5 and SHA-1 make forged certificates practical.',
        'remediation': 'Reissue the certificate with a SHA-256 (or stronger) signature.',
    },
    'mtls-not-enforced': {
        'severity': FAIL,
        'title': 'The gateway accepts a peer without a client certificate',
        'rationale': 'The Mediation Server gateway link is mutual TLS: without a client certificate, any '
                     'host that reaches the port can send calls in.',
        'remediation': 'Require and verify client certificates on the listener (gateway.mutual_tls true, the '
                       'default), with the provider CA in the CA list.',
    },
    'options-failed': {
        'severity': FAIL,
        'title': 'SIP OPTIONS over the connection got no answer, or a server error',
        'rationale': 'TLS that works but SIP that does not means the trunk cannot carry calls.',
        'remediation': "Check the gateway's routing for the trunk and the provider's next hop; a 5xx/6xx "
                       'names the cause in its reason phrase.',
    },
}


def finding(finding_id, target, endpoint, message, found=None, expected=None):
    """One finding as data: id, severity, target (gateway | provider), endpoint, message."""
    entry = {
        'id': finding_id,
        'severity': CATALOGUE[finding_id]['severity'],
        'target': target,
        'endpoint': endpoint,
        'message': message,
    }
    if found is not None:
        entry['found'] = found
    if expected is not None:
        entry['expected'] = expected
    return entry


# ---------------------------------------------------------------------------------------
# What to probe, per trunk

#: Plain SIP ports that must not answer beside a TLS listener: the generic SIP port, and
#: the Mediation Server's TCP gateway port.
PLAINTEXT_CANDIDATES = (5060, 5068)


def plan(trunks, provider=False):
    """The probes a host's trunks need: ``{'targets': [...], 'skipped': [...]}``.

    A target is ``{trunk, target, address, port, server_name, tls, mutual_tls,
    plaintext_ports, plaintext_allowed}``; a trunk without the wiring to probe it (no
    ``gateway.address``), or invalid, is skipped with the reason.
    """
    targets, skipped, settings_by_trunk = [], [], {}
    trunks = trunks or []
    for index, trunk in enumerate(trunks):
        # the assessment and the audit report name an unnamed trunk the same way
        name = trunk_policy.report_name(trunk, index, len(trunks))
        try:
            wanted = gateway.settings(trunk)
        except TrunkInputError as exc:
            skipped.append({'trunk': name, 'reason': str(exc)})
            continue
        settings_by_trunk[name] = wanted
        listen = wanted['listen']
        tls = wanted['transport'] == 'tls'
        wiring = trunk.get('gateway') or {}
        if tls:
            candidates = sorted(set(PLAINTEXT_CANDIDATES) | {wiring.get('tcp_port') or gateway.DEFAULT_TCP_PORT})
            plaintext_ports = [{'port': port, 'protocol': protocol}
                               for port in candidates if port != listen['port'] for protocol in ('tcp', 'udp')]
        else:
            # the trunk's own plain listener must accept connections
            plaintext_ports = [{'port': listen['port'], 'protocol': 'tcp'}]
        targets.append({
            'trunk': name, 'target': GATEWAY, 'address': listen['address'], 'port': listen['port'],
            'server_name': None, 'tls': tls, 'mutual_tls': bool(wanted['certificate']['mutual_tls']),
            'plaintext_ports': plaintext_ports, 'plaintext_allowed': not tls,
        })
        hop = wanted['next_hop']
        if provider and hop['transport'] == 'tls':
            targets.append({
                'trunk': name, 'target': PROVIDER, 'address': hop['address'], 'port': hop['port'],
                'server_name': hop['server_name'], 'tls': True, 'mutual_tls': False,
                'plaintext_ports': [], 'plaintext_allowed': True,
            })
    return {'targets': targets, 'skipped': skipped, 'settings': settings_by_trunk}


# ---------------------------------------------------------------------------------------
# Judging what a probe saw

def judge(target, probe, expiry_days=DEFAULT_EXPIRY_DAYS):
    """The findings for one probed target (a :func:`plan` entry) and its probe result."""
    endpoint = '%s:%s' % (target['address'], target['port'])
    role = target['target']
    found = []

    def add(finding_id, message, **facts):
        found.append(finding(finding_id, role, endpoint, message, **facts))

    if target['tls']:
        _judge_tls(target, probe, expiry_days, add)
    for entry in probe.get('plaintext') or []:
        if target['plaintext_allowed']:
            if entry['protocol'] == 'tcp' and entry['port'] == target['port'] and entry.get('open') is False:
                cause = (entry.get('error') or {}).get('message', 'no connection')
                add('listener-down', "the trunk's plain SIP listener %s (TCP) does not accept connections: %s"
                    % (endpoint, cause))
        elif entry.get('open'):
            what = 'accepts TCP connections' if entry['protocol'] == 'tcp' else 'answers SIP over UDP (%s)' % entry.get(
                'status_line', 'an answer')
            add('plaintext-open', 'plaintext SIP port %s/%s on %s %s beside the TLS listener'
                % (entry['port'], entry['protocol'], target['address'], what),
                found='%s/%s open' % (entry['port'], entry['protocol']), expected='closed')
    return found


def _judge_tls(target, probe, expiry_days, add):
    tls = probe.get('tls') or {}
    endpoint_error = probe.get('error') or tls.get('error')
    offered = tls.get('handshake') or tls.get('server_hello')
    if not offered and (endpoint_error or {}).get('kind') == 'deadline':
        return  # not tried: no fact to judge
    if not offered:
        cause = endpoint_error['message'] if endpoint_error else 'no TLS handshake'
        add('tls-not-offered', 'no TLS on %s:%s: %s' % (target['address'], target['port'], cause),
            found=(endpoint_error or {}).get('kind', 'no handshake'), expected='a TLS handshake')
        return
    old = [name for name in ('TLSv1', 'TLSv1.1') if (tls.get('versions') or {}).get(name)]
    if old:
        add('protocol-below-1.2', 'accepts %s' % ' and '.join(old), found=old, expected='TLSv1.2 or later only')
    negotiated = tls.get('negotiated') or {}
    if tls.get('accepts_non_forward_secret') or negotiated.get('forward_secret') is False:
        example = tls.get('example_non_forward_secret') or negotiated.get('suite')
        add('suite-not-forward-secret', 'accepts %s, a suite without forward secrecy (RSA key exchange)' % example,
            found=example, expected='ECDHE or DHE suites only')
    if tls.get('accepts_non_aead') or negotiated.get('aead') is False:
        example = tls.get('example_non_aead') or negotiated.get('suite')
        add('suite-not-aead', 'accepts %s, a CBC suite' % example, found=example, expected='AEAD suites only')
    _judge_certificate(probe.get('certificate'), expiry_days, add)
    client = probe.get('client_certificate') or {}
    if target.get('mutual_tls') and client.get('demanded') is False:
        add('mtls-not-enforced', 'accepts a TLS connection without a client certificate%s'
            % (' and answers SIP over it' if 'status_code' in (probe.get('options') or {}) else ''),
            found='no client certificate accepted', expected='client certificate required')
    options = probe.get('options')
    if options:
        if 'status_code' in options and options['status_code'] >= 500:
            add('options-failed', 'SIP OPTIONS answered %s' % options['status_line'], found=options['status_line'],
                expected='a final answer below 500')
        elif 'error' in options and not _stopped_for_client_certificate(options, client):
            add('options-failed', 'SIP OPTIONS over TLS got no answer: %s' % options['error']['message'],
                found=options['error']['kind'], expected='a SIP answer')


def _stopped_for_client_certificate(options, client):
    """A server that demands a client certificate ends our certificate-less OPTIONS: that is
    mutual TLS working, not SIP failing."""
    return client.get('demanded') is True and options['error']['kind'] in ('handshake', 'reset')


def _judge_certificate(cert, expiry_days, add):
    if not cert or 'error' in cert:
        return
    if cert.get('expired') or cert.get('not_yet_valid'):
        when = 'expired on %s' % cert['not_after'] if cert.get('expired') else 'is valid only from %s' % cert['not_before']
        add('cert-expired', 'the certificate %s %s' % (cert['subject'], when),
            found=cert['not_after'] if cert.get('expired') else cert['not_before'], expected='a certificate valid now')
    elif cert.get('days_left') is not None and cert['days_left'] < expiry_days:
        add('cert-expiring', 'the certificate %s expires in %d day(s), on %s (threshold %d)'
            % (cert['subject'], cert['days_left'], cert['not_after'], expiry_days),
            found=cert['days_left'], expected='at least %d days' % expiry_days)
    if cert.get('name_matches') is False:
        names = cert.get('dns_names') + cert.get('ip_addresses') or cert.get('common_names')
        add('cert-name-mismatch', "the certificate names %s, not '%s'" % (', '.join(names) or 'nothing',
                                                                          cert.get('expected_name')),
            found=names, expected=cert.get('expected_name'))
    if cert.get('chain_valid') is False:
        add('cert-untrusted', 'the chain of %s (issuer %s) does not verify: %s'
            % (cert['subject'], cert['issuer'], cert.get('chain_error', 'untrusted')),
            found=cert.get('chain_error'), expected='a chain to a trusted CA')
    minimum = MIN_KEY_BITS.get(cert.get('key_type'))
    if minimum and cert.get('key_bits') and cert['key_bits'] < minimum:
        add('cert-weak-key', 'the certificate key is %s %d bits' % (cert['key_type'], cert['key_bits']),
            found=cert['key_bits'], expected='at least %d bits' % minimum)
    if (cert.get('signature_hash') or '').lower() in WEAK_SIGNATURE_HASHES:
        add('cert-weak-signature', 'the certificate is signed with %s' % cert['signature_algorithm'],
            found=cert['signature_algorithm'], expected='SHA-256 or stronger')


def verify_host(plan_result, probes, expiry_days=DEFAULT_EXPIRY_DAYS):
    """One host's verification: ``{TRUNK: {settings, targets: [...], findings: [...]}}``, and
    ``skipped`` trunks. ``probes`` are the probe results in the order of ``plan_result['targets']``."""
    trunks = {}
    for name, wanted in plan_result['settings'].items():
        trunks[name] = {'settings': wanted, 'targets': [], 'findings': []}
    for target, probe in zip(plan_result['targets'], probes):
        entry = trunks[target['trunk']]
        entry['targets'].append({'target': target['target'], 'endpoint': '%s:%s' % (target['address'], target['port']),
                                 'probe': probe})
        for found in judge(target, probe, expiry_days):
            found['trunk'] = target['trunk']
            entry['findings'].append(found)
    for skip in plan_result['skipped']:
        trunks[skip['trunk']] = {'skipped': skip['reason'], 'targets': [], 'findings': []}
    return trunks
