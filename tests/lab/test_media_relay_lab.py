# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The media relay, live: rtpengine configured by media_relay, driven over its ng socket."""

from __future__ import annotations

from pathlib import Path

import pytest

import ngcontrol
from conftest import INVENTORY, LAB
from playbook_runner import run_playbook

NG = ('127.0.0.1', 2223)
CONFIG = Path('/etc/rtpengine/lab-media/rtpengine.conf')
PLAIN_OFFER = '\r\n'.join(['v=0', 'o=alice 1 1 IN IP4 127.0.0.2', 's=-', 'c=IN IP4 127.0.0.2', 't=0 0',
                           'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''])


@pytest.fixture(scope='module')
def media(lab):
    first = run_playbook(lab.env, LAB / 'media.yml', inventory=INVENTORY, cwd=lab.work)
    assert first.rc == 0, first
    return lab


def media_run(lab, *args, extra_vars=None):
    return run_playbook(lab.env, LAB / 'media.yml', *args, inventory=INVENTORY, extra_vars=extra_vars, cwd=lab.work)


def test_the_relay_runs_with_its_own_interfaces_and_answers_ng(media):
    assert ngcontrol.command(NG, {'command': 'ping'})['result'] == b'pong'
    config = CONFIG.read_text()
    assert 'interface = internal/127.0.0.3;trunk/127.0.0.4' in config
    assert 'table = -1' in config and 'any' not in config


def test_a_rerun_changes_and_restarts_nothing(media):
    pid = media.relay_pid()
    again = media_run(media)
    assert again.rc == 0, again
    assert again.recap['lab-gateway']['changed'] == 0, again
    assert media.relay_pid() == pid


def test_an_offer_toward_the_trunk_becomes_srtp(media):
    reply = ngcontrol.command(NG, {'command': 'offer', 'call-id': 'lab-srtp-1', 'from-tag': 'a1', 'sdp': PLAIN_OFFER,
                                   'direction': ['internal', 'trunk'], 'transport-protocol': 'RTP/SAVP',
                                   'flags': ['SDES-no-NULL_HMAC_SHA1_80', 'SDES-no-NULL_HMAC_SHA1_32',
                                             'SDES-no-F8_128_HMAC_SHA1_80', 'SDES-no-F8_128_HMAC_SHA1_32'],
                                   'DTLS': 'off'})
    assert reply['result'] == b'ok', reply
    sdp = reply['sdp'].decode()
    assert 'RTP/SAVP' in sdp and 'c=IN IP4 127.0.0.4' in sdp, sdp
    assert 'a=crypto:' in sdp and 'AES_CM_128_HMAC_SHA1_80' in sdp, sdp
    assert 'NULL_' not in sdp and 'F8_' not in sdp, sdp
    ngcontrol.command(NG, {'command': 'delete', 'call-id': 'lab-srtp-1', 'from-tag': 'a1'})


def test_check_mode_previews_a_change_without_making_it(media):
    before = CONFIG.read_text()
    preview = media_run(media, '--check', '--diff', extra_vars={'media_relay_port_max': 30500})
    assert preview.rc == 0, preview
    assert '+port-max = 30500' in preview.stdout, preview
    assert CONFIG.read_text() == before


def test_a_bad_interface_address_fails_validation_and_leaves_the_relay_untouched(media):
    before, pid = CONFIG.read_text(), media.relay_pid()
    interfaces = [{'name': 'internal', 'address': '127.0.0.3'}, {'name': 'trunk', 'address': '192.0.2.99'}]
    for attempt in range(2):  # refused again on a rerun: a refused candidate is not taken as validated
        bad = media_run(media, extra_vars={'media_relay_interfaces': interfaces})
        assert bad.rc != 0, (attempt, bad)
        assert 'interface address 192.0.2.99 is not an address of this host' in bad.stdout, (attempt, bad)
    assert CONFIG.read_text() == before
    assert media.relay_pid() == pid
    assert ngcontrol.command(NG, {'command': 'ping'})['result'] == b'pong'
