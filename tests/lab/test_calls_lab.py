# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real calls through the lab: alice (internal side, plain) calls bob behind the public trunk
(TLS + SRTP required) and carol behind the private trunk (both off), through the gateway and
its media relay; captures and recordings show what the policy decided is what flowed."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

import baresipctl
import ngcontrol
import sipprobe
import wire
from conftest import CA, INVENTORY, LAB, PROVIDER_DIR, log_since, log_size
from playbook_runner import run_playbook
from wire import Capture

ALICE, BOB = '127.0.0.30', '127.0.0.40'
PUBLIC = ('127.0.0.10', 5067)
RELAY_INTERNAL, RELAY_TRUNK = '127.0.0.3', '127.0.0.4'
TONES = {'alice': 440, 'bob': 1000, 'carol': 700}
NG = ('127.0.0.1', 2223)
SUITE = re.compile(r'a=crypto:\d+ (\S+) ')


@pytest.fixture(scope='module')
def endpoints(lab):
    started = time.monotonic()
    run = endpoints_run(lab)
    assert run.rc == 0, run
    lab.figures['endpoints (s)'] = round(time.monotonic() - started, 2)
    return lab


def endpoints_run(lab, inventory=INVENTORY, only=None):
    extra = {'lab_endpoints_only': only} if only else None
    return run_playbook(lab.env, LAB / 'endpoints.yml', inventory=inventory, extra_vars=extra, cwd=lab.work)


def endpoint_log(name: str) -> Path:
    return Path('/var/log/baresip-lab-%s.log' % name)


def recording(name: str, after: float) -> Path:
    """The newest recording of what ``name`` heard (decoded audio), made after ``after``."""
    found = [p for p in Path('/var/lib/baresip/lab-%s' % name).glob('dump-*-dec.wav') if p.stat().st_mtime >= after]
    assert found, 'no recording by %s' % name
    return max(found, key=lambda p: p.stat().st_mtime)


def trunk_sdp(log: str) -> dict:
    """The offer and the final answer as they crossed the trunk leg, from the provider's log."""
    found = {}
    for kind, media, crypto in re.findall(r'PROVIDER-SDP \S+ (offer|answer 200) from \S+ media=\[([^]]*)\] crypto=\[([^]]*)\]',
                                          log):
        found[kind.split()[0]] = {'media': media, 'crypto': crypto}
    return found


class Call:
    """One call (from alice unless told), captured on lo; what crossed each leg."""

    def __init__(self, lab, callee_uri, seconds=3.0, caller=ALICE):
        self.provider_offset = lab.provider_log_size()
        self.log_offsets = {name: log_size(endpoint_log(name)) for name in TONES}
        self.started = time.time()
        with Capture('udp or tcp') as self.capture:
            self.events = baresipctl.call(caller, callee_uri, seconds)
        self.types = [event['type'] for event in self.events]
        self.sdp = trunk_sdp(lab.provider_log_since(self.provider_offset))
        self.datagrams = wire.udp_datagrams(self.capture.path)

    @property
    def suite(self):
        """The SDES suite of the answer on the trunk leg."""
        return SUITE.search(self.sdp['answer']['crypto'] + ' ').group(1)

    def log(self, name):
        return log_since(endpoint_log(name), self.log_offsets[name])

    def media(self, src=None, dst=None):
        """RTP/SRTP datagrams by the relay's side. The endpoints send from the wildcard address
        (the kernel picks 127.0.0.1) and the relay answers where they send from, so a leg is
        told by the relay's address on it: 127.0.0.3 inside, 127.0.0.4 toward the trunks."""
        return wire.rtp_like(self.datagrams, src, dst)

    def heard(self, name):
        return wire.strongest_tone(recording(name, self.started - 1), TONES.values())


def test_a_call_over_the_public_trunk_is_srtp_on_the_trunk_leg(endpoints):
    call = Call(endpoints, 'sip:bob@provider.lab.test')
    assert 'CALL_ESTABLISHED' in call.types, call.events

    # the SDP on the trunk leg, and bob's own account of the call
    offer, answer = call.sdp['offer'], call.sdp['answer']
    assert 'RTP/SAVP' in offer['media'] and offer['crypto'], call.sdp
    assert 'RTP/SAVP' in answer['media'] and answer['crypto'], call.sdp
    suite = call.suite
    assert suite in wire.TAG_BYTES, suite
    assert 'SRTP is Enabled (cryptosuite=%s)' % suite in call.log('bob'), call.log('bob')
    endpoints.figures['public call suite'] = suite

    # signalling: TLS only on the trunk leg (gateway <-> provider), and plain on the internal leg
    trunk_sip = 'ip.addr == 127.0.0.10 && tcp.port == 5061'
    assert call.capture.count(trunk_sip) > 10
    assert call.capture.count(trunk_sip + ' && frame contains "SIP/2.0"') == 0
    assert call.capture.count('ip.addr == 127.0.0.12 && frame contains "INVITE sip:bob@provider.lab.test"') >= 1

    # media: plain RTP on the internal leg, SRTP on the trunk leg (longer by the suite's tag,
    # and none of the plain payloads appears there)
    tag = wire.TAG_BYTES[suite]
    for plain, srtp in ((call.media(dst=RELAY_INTERNAL), call.media(src=RELAY_TRUNK)),
                        (call.media(src=RELAY_INTERNAL), call.media(dst=RELAY_TRUNK))):
        assert len(plain) > 50 and len(srtp) > 50, (len(plain), len(srtp))
        assert wire.usual_length(srtp) == wire.usual_length(plain) + tag, (wire.usual_length(srtp), wire.usual_length(plain))
        plain_payloads = {wire.media_bytes(d) for d in plain}
        assert not plain_payloads & {wire.media_bytes(d, tag) for d in srtp}
    endpoints.figures['public call packets'] = {
        'internal leg RTP bytes': wire.usual_length(call.media(dst=RELAY_INTERNAL)),
        'trunk leg SRTP bytes': wire.usual_length(call.media(src=RELAY_TRUNK)),
        'trunk leg SRTP packets': len(call.media(src=RELAY_TRUNK)) + len(call.media(dst=RELAY_TRUNK)),
        'trunk leg TLS frames': call.capture.count(trunk_sip),
    }

    # the audio made it through both conversions, each way
    assert call.heard('bob')[0] == TONES['alice'], call.heard('bob')
    assert call.heard('alice')[0] == TONES['bob'], call.heard('alice')


def test_a_call_from_the_public_trunk_reaches_the_internal_side_with_srtp_on_the_trunk_leg(endpoints):
    call = Call(endpoints, 'sip:alice@gw.lab.test', caller=BOB)
    assert 'CALL_ESTABLISHED' in call.types, call.events
    assert 'RTP/SAVP' in call.sdp['offer']['media'] and 'RTP/SAVP' in call.sdp['answer']['media'], call.sdp
    inside, trunk = call.media(src=RELAY_INTERNAL), call.media(src=RELAY_TRUNK)
    assert len(inside) > 50 and wire.usual_length(trunk) == wire.usual_length(inside) + wire.TAG_BYTES[call.suite]
    assert call.heard('alice')[0] == TONES['bob'], call.heard('alice')


def test_a_reoffer_within_the_call_keeps_the_trunk_leg_srtp(endpoints):
    # alice puts bob on hold: a re-INVITE from the internal side, routed by the Record-Route
    # the gateway left, offered to the trunk again through the relay
    lab = endpoints
    offset = lab.provider_log_size()
    with baresipctl.Endpoint(ALICE) as alice:
        alice.command('dial', 'sip:bob@provider.lab.test')
        assert alice.wait_for('CALL_ESTABLISHED', 'CALL_CLOSED', timeout=20)['type'] == 'CALL_ESTABLISHED', alice.events
        time.sleep(1)
        alice.command('hold')
        time.sleep(2)
        alice.command('hangup')
        alice.wait_for('CALL_CLOSED', timeout=10)
    log = lab.provider_log_since(offset)
    offers = re.findall(r'PROVIDER-SDP \S+ offer from 127\.0\.0\.10 media=\[([^]]*)\] crypto=\[([^]]*)\]', log)
    assert len(offers) >= 2, log
    assert all('RTP/SAVP' in media and crypto for media, crypto in offers), offers
    assert len(re.findall(r'PROVIDER-SDP \S+ answer 200 from \S+ media=\[m=audio \d+ RTP/SAVP', log)) >= 2, log


def client_tls():
    return sipprobe.tls_context(str(CA), str(PROVIDER_DIR / 'client.pem'), str(PROVIDER_DIR / 'client.key'))


def test_an_srtp_mandatory_endpoint_refuses_a_plain_offer(endpoints):
    statuses = sipprobe.send_tls(BOB, 5063, 'INVITE', 'sip:bob@%s' % BOB, client_tls(), srtp=False)
    assert statuses[-1].startswith('SIP/2.0 488'), statuses


def test_a_call_over_the_private_trunk_is_plain_sip_and_rtp(endpoints):
    call = Call(endpoints, 'sip:carol@127.0.0.21')
    assert 'CALL_ESTABLISHED' in call.types, call.events
    assert 'RTP/AVP' in call.sdp['offer']['media'] and not call.sdp['offer']['crypto'], call.sdp
    assert call.capture.count('ip.src == 127.0.0.11 && tcp.dstport == 5060 && frame contains "INVITE sip:carol@127.0.0.21" && frame contains "RTP/AVP"') >= 1
    # the relay passes the plain payloads on unchanged
    sent, relayed = call.media(dst=RELAY_INTERNAL), call.media(src=RELAY_TRUNK)
    assert len(relayed) > 50
    assert wire.usual_length(relayed) == wire.usual_length(sent)
    plain_payloads = {wire.media_bytes(d) for d in sent}
    assert sum(wire.media_bytes(d) in plain_payloads for d in relayed) > 0.9 * len(relayed)
    assert call.heard('carol')[0] == TONES['alice'], call.heard('carol')


def test_remediation_follows_the_inventory_both_ways(endpoints):
    """The public trunk made private turns TLS off; the private trunk made opportunistic (its
    provider supports both) turns TLS and SRTP on, and a new call proves it; the inventory as
    it was puts both back."""
    lab = endpoints

    def switch(trunks):
        trunks[0].update(connection='private', opportunistic=False)
        trunks[1]['opportunistic'] = True

    inventory = lab.inventory_with(switch)
    try:
        switched = lab.enforce(inventory=inventory)
        assert switched.rc == 0, switched
        # lab-public, now private: a plain TCP listener, no TLS one
        assert sipprobe.send_tcp('127.0.0.10', 5068, 'OPTIONS', 'sip:127.0.0.10:5068')[-1] == 'SIP/2.0 200 OK'
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(PUBLIC, timeout=2).close()
        # lab-private, now opportunistic: TLS and SRTP on the trunk leg of a new call
        assert endpoints_run(lab, inventory, only='carol').rc == 0
        call = Call(lab, 'sip:carol@127.0.0.21')
        assert 'CALL_ESTABLISHED' in call.types, call.events
        assert 'RTP/SAVP' in call.sdp['offer']['media'] and call.sdp['offer']['crypto'], call.sdp
        suite = call.suite
        trunk_sip = 'ip.addr == 127.0.0.11 && tcp.port == 5061'
        assert call.capture.count(trunk_sip) > 10
        assert call.capture.count(trunk_sip + ' && frame contains "SIP/2.0"') == 0
        assert call.capture.count('ip.addr == 127.0.0.11 && tcp.port == 5060') == 0
        sent, relayed = call.media(dst=RELAY_INTERNAL), call.media(src=RELAY_TRUNK)
        assert wire.usual_length(relayed) == wire.usual_length(sent) + wire.TAG_BYTES[suite]
        assert call.heard('carol')[0] == TONES['alice'], call.heard('carol')
        lab.figures['opportunistic call suite'] = suite
    finally:
        restored = lab.enforce()
        assert restored.rc == 0, restored
        assert endpoints_run(lab, only='carol').rc == 0
    assert sipprobe.send_tls(*PUBLIC, 'OPTIONS', 'sip:127.0.0.10:5067', client_tls())[-1] == 'SIP/2.0 200 OK'
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(('127.0.0.10', 5068), timeout=2).close()
    assert sipprobe.send_tcp('127.0.0.11', 5068, 'OPTIONS', 'sip:127.0.0.11:5068')[-1] == 'SIP/2.0 200 OK'


def test_after_the_calls_a_rerun_changes_and_restarts_nothing(endpoints):
    lab = endpoints
    again, before, after = lab.rerun()
    assert again.rc == 0, again
    assert again.recap['lab-gateway']['changed'] == 0, again
    assert after == before and all(pid.isdigit() for pid in after), (before, after)  # gateway and relay
    bob_again = endpoints_run(lab, only='bob')  # the endpoint role too: TLS, SRTP, its certificate
    assert bob_again.rc == 0 and bob_again.recap['lab-bob']['changed'] == 0, bob_again


def test_with_the_relay_down_a_call_to_the_srtp_trunk_is_refused(endpoints):
    lab = endpoints
    offset = lab.provider_log_size()
    subprocess.run(['supervisorctl', 'stop', 'rtpengine-lab-media'], check=True, capture_output=True)
    try:
        events = baresipctl.call(ALICE, 'sip:bob@provider.lab.test')
        closed = [event for event in events if event['type'] == 'CALL_CLOSED']
        assert closed and '503' in closed[-1].get('param', ''), events
        assert 'CALL_ESTABLISHED' not in [event['type'] for event in events]
        assert 'PROVIDER-RX INVITE sip:bob@' not in lab.provider_log_since(offset)
    finally:
        subprocess.run(['supervisorctl', 'start', 'rtpengine-lab-media'], check=True, capture_output=True)
    # the relay is back: the gateway takes it up again within its retry time
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if ngcontrol.command(NG, {'command': 'ping'})['result'] == b'pong':
                break
        except OSError:
            time.sleep(0.5)
    time.sleep(6)
    events = baresipctl.call(ALICE, 'sip:bob@provider.lab.test', seconds=1)
    assert 'CALL_ESTABLISHED' in [event['type'] for event in events], events
