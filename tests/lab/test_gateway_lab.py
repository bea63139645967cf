# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The gateway side, live: enforce.yml on a real Kamailio, proven with probes and captures."""

from __future__ import annotations

import hashlib
import re
import socket
import ssl
import subprocess
from pathlib import Path

import pytest

import sipprobe
from wire import Capture
from conftest import CA, CONFIG_DIR, GATEWAY_LOG, PROVIDER_DIR

PUBLIC = ('127.0.0.10', 5067)
PRIVATE = ('127.0.0.11', 5068)
INTERNAL = ('127.0.0.12', 5070)
PROVIDER_URI = 'sip:echo@provider.lab.test'
GATEWAY_OK = 'SIP/2.0 200 OK'
PROVIDER_OK = 'SIP/2.0 200 OK from the lab provider'
CLIENT = (str(PROVIDER_DIR / 'client.pem'), str(PROVIDER_DIR / 'client.key'))
STRANGER = (str(PROVIDER_DIR / 'stranger.pem'), str(PROVIDER_DIR / 'stranger.key'))


def good_context(version=None):
    return sipprobe.tls_context(str(CA), *CLIENT, version=version)


def options_over_tls(context=None, ruri='sip:127.0.0.10:5067', address=PUBLIC):
    """An OPTIONS from the trunk side to the gateway itself, over TLS."""
    return sipprobe.send_tls(address[0], address[1], 'OPTIONS', ruri, context or good_context())


def from_inside(method='OPTIONS', ruri=PROVIDER_URI, **kwargs):
    """A request from the internal side (plain TCP), for the gateway to relay to a trunk."""
    return sipprobe.send_tcp(*INTERNAL, method, ruri, **kwargs)


def config_digest():
    return {name: hashlib.sha256((CONFIG_DIR / name).read_bytes()).hexdigest() for name in ('kamailio.cfg', 'tls.cfg')}


def test_converges_then_a_rerun_changes_and_restarts_nothing(lab):
    assert lab.first_run.recap['lab-gateway']['failed'] == 0
    again, before, after = lab.rerun()  # shared with the calls' own check, which runs first
    assert again.rc == 0, again
    assert again.recap['lab-gateway']['changed'] == 0, again
    assert after == before and all(pid.isdigit() for pid in after), (before, after)  # gateway and relay


def test_requests_from_the_internal_side_are_relayed_to_the_provider_over_tls(lab):
    offset = lab.provider_log_size()
    assert options_over_tls()[-1] == GATEWAY_OK  # the gateway itself answers a keepalive on the trunk side
    assert from_inside()[-1] == PROVIDER_OK
    statuses = from_inside('INVITE', srtp=False)
    assert statuses[-1] == 'SIP/2.0 486 Busy Here (lab provider)'
    log = lab.provider_log_since(offset)
    assert re.search(r'PROVIDER-RX OPTIONS sip:echo@provider.lab.test from 127.0.0.10 proto=tls peer=gw.lab.test', log), log
    assert re.search(r'PROVIDER-RX INVITE sip:echo@provider.lab.test from 127.0.0.10 proto=tls peer=gw.lab.test', log), log


def test_the_public_trunk_has_no_plaintext_listener(lab):
    for port in (5060, 5068, 5067):
        if port != 5067:
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(('127.0.0.10', port), timeout=2).close()
        assert sipprobe.send_udp('127.0.0.10', port, 'OPTIONS', 'sip:127.0.0.10') == []


def test_no_cleartext_sip_on_the_trunk_legs(lab):
    with Capture('host 127.0.0.10 and (tcp port 5067 or tcp port 5061)') as capture:
        assert options_over_tls()[-1] == GATEWAY_OK
        assert from_inside()[-1] == PROVIDER_OK
    assert capture.count() > 10, capture.count()
    assert capture.count('tcp.port == 5061') > 0
    assert capture.count('frame contains "SIP/2.0"') == 0


def test_nothing_below_tls12_and_only_forward_secret_suites(lab):
    out = subprocess.run(['sslscan', '--no-colour', '%s:%d' % PUBLIC], capture_output=True, text=True, timeout=60,
                         check=False).stdout
    enabled = dict(re.findall(r'^(SSLv[23]|TLSv1\.[0-3])\s+(enabled|disabled)', out, re.M))
    assert enabled.get('TLSv1.2') == 'enabled', out
    for old in ('SSLv2', 'SSLv3', 'TLSv1.0', 'TLSv1.1'):
        assert enabled.get(old, 'disabled') == 'disabled', out
    suites = re.findall(r'^(?:Preferred|Accepted)\s+(TLSv1\.[0-3])\s+\d+ bits\s+(\S+)', out, re.M)
    assert suites, out
    for version, suite in suites:
        assert version in ('TLSv1.2', 'TLSv1.3'), (version, suite)
        if version == 'TLSv1.2':
            assert 'ECDHE' in suite and ('GCM' in suite or 'CHACHA20' in suite), suite
    with pytest.raises(ssl.SSLError):
        options_over_tls(good_context(ssl.TLSVersion.TLSv1_1))


def test_mutual_tls_refuses_clients_without_a_trusted_certificate(lab):
    for context in (sipprobe.tls_context(str(CA)), sipprobe.tls_context(str(CA), *STRANGER)):
        with pytest.raises((ssl.SSLError, ConnectionResetError, BrokenPipeError)):
            statuses = options_over_tls(context)
            assert not statuses  # a TLS 1.3 server may close only after the request: no answer either way
            raise ConnectionResetError('closed without an answer')
    assert options_over_tls()[-1] == GATEWAY_OK


def test_the_private_trunk_is_plain_tcp_as_decided(lab):
    offset = lab.provider_log_size()
    with Capture('host 127.0.0.11 or host 127.0.0.21') as capture:
        assert from_inside(ruri='sip:echo@127.0.0.21')[-1] == PROVIDER_OK
    # the request to the provider and its answer, both readable on the wire
    assert capture.count('ip.src == 127.0.0.11 && tcp.dstport == 5060 && frame contains "OPTIONS sip:echo@127.0.0.21 SIP/2.0"') >= 1
    assert capture.count('ip.src == 127.0.0.21 && frame contains "SIP/2.0 200 OK"') >= 1
    assert 'from 127.0.0.11 proto=tcp' in lab.provider_log_since(offset)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(('127.0.0.11', 5067), timeout=2).close()


@pytest.mark.parametrize('fault', ['missing-certificate', 'key-mismatch', 'port-in-use'])
def test_a_failed_change_keeps_the_previous_config_and_service(lab, fault):
    before = config_digest()
    extra, inventory, blocker = {}, None, None
    if fault == 'missing-certificate':
        extra = {'mediation_gateway_certificate_source': 'files', 'mediation_gateway_certificate': '/nonexistent/gw.pem'}
        expected = ['lab-public', '/nonexistent/gw.pem', 'does not exist']
    elif fault == 'key-mismatch':
        extra = {'mediation_gateway_certificate_source': 'files',
                 'mediation_gateway_private_key': str(PROVIDER_DIR / 'provider.key')}
        expected = ['lab-public', 'does not match']
    else:
        blocker = socket.socket()
        blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        blocker.bind(('127.0.0.10', 5069))
        blocker.listen(1)

        def move_port(trunks):
            trunks[0]['gateway']['tls_port'] = 5069

        inventory = lab.inventory_with(move_port)
        expected = ['lab-public', '127.0.0.10:5069', 'restored']
    try:
        run = lab.enforce(inventory=inventory or lab.inventory_with(lambda trunks: None), extra_vars=extra)
    finally:
        if blocker is not None:
            blocker.close()
    assert run.rc != 0, run
    messages = [line for line in run.stdout.splitlines() if '"msg"' in line]
    for word in expected:
        assert word in run.stdout, (word, messages)
    assert config_digest() == before
    assert options_over_tls()[-1] == GATEWAY_OK
    assert from_inside()[-1] == PROVIDER_OK


def test_replies_from_a_provider_with_another_name_are_dropped(lab):
    # trunk lab-misnamed expects impostor.lab.test; the provider's certificate names provider.lab.test
    offset = lab.provider_log_size()
    statuses = from_inside(ruri='sip:echo@impostor.lab.test', timeout=15)
    assert statuses[-1].startswith('SIP/2.0 408'), statuses
    assert 'PROVIDER-RX OPTIONS sip:echo@impostor.lab.test from 127.0.0.13 proto=tls' in lab.provider_log_since(offset)
    assert "presented a certificate for 'provider.lab.test', not impostor.lab.test: reply dropped" in \
        GATEWAY_LOG.read_text(errors='replace')
    assert from_inside()[-1] == PROVIDER_OK  # the well-named trunk is unaffected


def test_check_mode_previews_a_fresh_instance_without_touching_anything(lab, tmp_path):
    fresh = {'mediation_gateway_instance': 'preview', 'mediation_gateway_config_dir': str(tmp_path / 'etc'),
             'mediation_gateway_run_dir': str(tmp_path / 'run'), 'mediation_gateway_lab_ca_dir': str(tmp_path / 'ca')}
    preview = lab.enforce('--check', '--diff', extra_vars=fresh)
    assert preview.rc == 0, preview
    assert preview.recap['lab-gateway']['changed'] > 0
    assert 'listen=tls:127.0.0.10:5067' in preview.stdout  # the diff shows the configuration to come
    assert not any(tmp_path.iterdir())
    assert not Path('/etc/supervisor/conf.d/kamailio-preview.conf').exists()


def test_a_plain_rtp_offer_on_the_srtp_trunk_is_refused_with_488(lab):
    offset = lab.provider_log_size()
    statuses = sipprobe.send_tls(*PUBLIC, 'INVITE', PROVIDER_URI, good_context(), srtp=False)
    assert statuses[-1] == 'SIP/2.0 488 Not Acceptable Here (SRTP is required on trunk lab-public)', statuses
    assert 'PROVIDER-RX INVITE' not in lab.provider_log_since(offset)
    # toward the private trunk (SRTP disabled) a plain offer passes on
    plain = from_inside('INVITE', ruri='sip:echo@127.0.0.21', srtp=False)
    assert plain[-1] == 'SIP/2.0 486 Busy Here (lab provider)', plain


def chacha_context():
    context = good_context(ssl.TLSVersion.TLSv1_2)
    context.set_ciphers('ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305')
    return context


def test_tls_changes_are_reloaded_without_a_restart_and_drift_is_put_back(lab):
    pid = lab.gateway_pid()
    tls_cfg = CONFIG_DIR / 'tls.cfg'
    reloaded = re.compile(r'Reload the TLS profiles[^\n]*\n+changed: \[lab-gateway\]')
    assert options_over_tls(chacha_context())[-1] == GATEWAY_OK

    # a TLS-only change from the inventory: validated by a scratch start (which must leave the
    # running instance's control socket alone), applied with kamcmd tls.reload
    gcm_only = lab.enforce(extra_vars={'mediation_gateway_tls_cipher_list': 'ECDHE+AESGCM:!aNULL:!SHA1:!SHA256:!SHA384'})
    assert gcm_only.rc == 0, gcm_only
    assert reloaded.search(gcm_only.stdout), gcm_only
    assert lab.gateway_pid() == pid
    with pytest.raises(ssl.SSLError):
        options_over_tls(chacha_context())
    assert options_over_tls()[-1] == GATEWAY_OK

    # drift: a hand edit that allows TLS 1.0 (whose suites all use SHA-1), made live
    tls_cfg.write_text(re.sub(r'cipher_list = .*', 'cipher_list = DEFAULT:@SECLEVEL=0',
                              tls_cfg.read_text().replace('method = TLSv1.2+', 'method = TLSv1+')))
    subprocess.run(['kamcmd', '-s', 'unix:/run/kamailio-lab-gateway/kamailio_ctl', 'tls.reload'], check=True,
                   capture_output=True)
    drifted = config_digest()
    assert options_over_tls(good_context(ssl.TLSVersion.TLSv1))[-1] == GATEWAY_OK

    audit = lab.enforce('--check', '--diff')
    assert audit.rc == 0, audit
    assert audit.recap['lab-gateway']['changed'] > 0
    assert '-method = TLSv1+' in audit.stdout and '+method = TLSv1.2+' in audit.stdout, audit
    assert config_digest() == drifted

    # a normal run puts the inventory's profile back, again by a reload
    fixed = lab.enforce()
    assert fixed.rc == 0, fixed
    assert reloaded.search(fixed.stdout), fixed
    assert 'method = TLSv1+' not in tls_cfg.read_text()
    with pytest.raises(ssl.SSLError):
        options_over_tls(good_context(ssl.TLSVersion.TLSv1))
    assert options_over_tls(chacha_context())[-1] == GATEWAY_OK
    assert lab.gateway_pid() == pid


def test_a_change_that_runs_nothing_different_never_restarts(lab):
    """A restart drops calls: moving the public trunk to a private path with opportunistic on keeps TLS and
    SRTP on (nothing Kamailio runs changes), and a hand edit of a comment is put back; neither restarts."""
    pid = lab.gateway_pid()
    cfg = CONFIG_DIR / 'kamailio.cfg'

    def private_path(trunks):
        public = next(trunk for trunk in trunks if trunk['name'] == 'lab-public')
        public['connection'] = 'private'

    moved = lab.enforce(inventory=lab.inventory_with(private_path))
    assert moved.rc == 0, moved
    assert lab.gateway_pid() == pid, moved

    cfg.write_text(cfg.read_text().replace('\n', '\n# a comment added by hand\n', 1))
    # the lab's earlier changes each left a backup: only the newest mediation_gateway_backups_keep stay
    assert len(list(CONFIG_DIR.glob('kamailio.cfg.*~'))) > 2
    fixed = lab.enforce(extra_vars={'mediation_gateway_backups_keep': 2})
    assert fixed.rc == 0, fixed
    assert '# a comment added by hand' not in cfg.read_text()
    assert fixed.recap['lab-gateway']['changed'] > 0, fixed
    assert lab.gateway_pid() == pid, fixed
    assert options_over_tls()[-1] == GATEWAY_OK
    backups = sorted(CONFIG_DIR.glob('kamailio.cfg.*~'), key=lambda path: path.stat().st_mtime)
    assert len(backups) == 2
    assert '# a comment added by hand' in backups[-1].read_text()   # the newest one: what this run replaced
    assert len(list(CONFIG_DIR.glob('tls.cfg.*~'))) <= 2
