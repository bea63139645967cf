# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles on a real systemd host (tests/systemd/conftest.py): enforce.yml from a fresh tree,
where installing the packages starts their stock units as on any Debian host.

The tests run in file order and share one host: install, rerun, reload, restart, faults, drift,
then a reboot, then the check that nothing is left on this machine."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time

import pytest

import systemd_host

HOST = 'systemd-gateway'
GATEWAY, RELAY = 'kamailio-gateway.service', 'rtpengine-media.service'
STOCK = ('kamailio.service', 'rtpengine-daemon.service')
CONFIG_DIR = '/etc/kamailio/gateway'
CA_DIR = '/etc/voip-trunk-security/lab-ca'
PUBLIC, PRIVATE, INTERNAL = ('127.0.0.10', 5067), ('127.0.0.11', 5068), ('127.0.0.12', 5070)
NG = '127.0.0.1:2223'
OK = 'SIP/2.0 200 OK'
CHACHA = 'ECDHE-ECDSA-CHACHA20-POLY1305'
RELOADED = re.compile(r'Reload the TLS profiles[^\n]*\n+changed: \[systemd-gateway\]')


@pytest.fixture(scope='session')
def client(systemd_lab):
    """A client certificate the lab CA (inside the host) signs, for the mutual-TLS trunk."""
    container, work = systemd_lab.container, systemd_lab.work
    key, csr, cert = work / 'client.key', work / 'client.csr', work / 'client.pem'
    subprocess.run(['openssl', 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
                    '-keyout', str(key), '-subj', '/CN=provider.lab.test', '-out', str(csr)],
                   check=True, capture_output=True, timeout=30)
    subprocess.run(['openssl', 'x509', '-req', '-in', str(csr), '-CA', str(container.path(CA_DIR + '/ca.pem')),
                    '-CAkey', str(container.path(CA_DIR + '/ca.key')), '-CAserial', str(work / 'ca.srl'),
                    '-CAcreateserial', '-days', '2', '-out', str(cert)], check=True, capture_output=True, timeout=30)
    return cert, key


def tls_options(lab, client, ciphers=None) -> dict:
    cert, key = client
    args = ['tls', PUBLIC[0], PUBLIC[1], lab.container.path(CA_DIR + '/ca.pem'), cert, key, 'gw.lab.test']
    return lab.probe(*(args + ([ciphers] if ciphers else [])))


def changed_tasks(run) -> list[str]:
    """The names of the tasks a run reported changed."""
    found, task = [], None
    for line in run.stdout.splitlines():
        if line.startswith('TASK ['):
            task = line[6:].split(']', 1)[0]
        elif line.startswith('changed: [') and task and task not in found:
            found.append(task)
    return found


def pids(lab) -> tuple[str, str]:
    return lab.unit(GATEWAY)['MainPID'], lab.unit(RELAY)['MainPID']


def config_digest(lab) -> dict:
    return {name: hashlib.sha256(lab.container.path('%s/%s' % (CONFIG_DIR, name)).read_bytes()).hexdigest()
            for name in ('kamailio.cfg', 'tls.cfg')}


def bound(lab) -> set[tuple]:
    return {(entry['proto'], entry['address'], entry['port']) for entry in lab.listeners()}


def assert_stock_units_never_ran(lab):
    for unit in STOCK:
        state = lab.unit(unit)
        assert state['LoadState'] == 'masked' and state['ActiveState'] == 'inactive', (unit, state)
        assert state['InvocationID'] == '' and state['MainPID'] == '0', (unit, state)  # never started since boot


def _owned_listeners(lab, seconds=10.0):
    """The listeners, once ss names a process for each (bounded): just after a boot a socket may be listed before
    the process holding it is (seen once, right after a reboot, with the units already active). A listener whose
    owner is named is never waited on, so a wrong owner still fails at once."""
    deadline = time.monotonic() + seconds
    listeners = lab.listeners()
    while any(entry['process'] is None for entry in listeners) and time.monotonic() < deadline:
        time.sleep(0.5)
        listeners = lab.listeners()
    return listeners


def assert_serving(lab, client):
    """Gateway and relay up as enabled units, every listener theirs, the TLS trunk answering."""
    for unit in (GATEWAY, RELAY):
        state = lab.unit(unit)
        assert (state['ActiveState'], state['SubState'], state['UnitFileState']) == ('active', 'running', 'enabled'), \
            (unit, state)
        assert int(state['MainPID']) > 0 and state['FragmentPath'] == '/etc/systemd/system/' + unit, (unit, state)
    listeners = _owned_listeners(lab)
    owners = {(entry['address'], entry['port']): entry['units'] for entry in listeners}
    for address in (PUBLIC, PRIVATE, INTERNAL):
        assert owners.get(address) == [GATEWAY], (address, listeners)
    assert owners.get(('127.0.0.1', 2223)) == [RELAY], listeners
    assert all(entry['units'] in ([GATEWAY], [RELAY]) for entry in listeners), listeners
    answer = tls_options(lab, client)
    assert answer.get('statuses', [None])[-1] == OK and answer['names'] == ['gw.lab.test'], answer
    assert answer['version'] in ('TLSv1.2', 'TLSv1.3'), answer
    assert lab.probe('tcp', *PRIVATE)['statuses'][-1] == OK
    assert 'pong' in (lab.probe('ng', NG)['reply'] or '')


def test_enforce_installs_the_packages_from_the_hosts_apt_sources(systemd_lab):
    run = systemd_lab.first_run
    assert run.rc == 0, run
    assert run.recap[HOST]['failed'] == 0
    assert re.search(r'Install the missing packages\] \*+\nchanged: \[systemd-gateway\]', run.stdout), run
    history = systemd_lab.container.path('/var/log/apt/history.log').read_text()
    assert re.search(r'^Install: .*\bkamailio:amd64 \(5\.6', history, re.M), history
    assert re.search(r'^Install: .*\brtpengine-daemon:amd64', history, re.M), history
    installed = systemd_lab.container.run(['dpkg-query', '-W', '-f=${db:Status-Abbrev}${Package}\\n', 'kamailio',
                                           'kamailio-tls-modules', 'rtpengine-daemon']).stdout.split()
    assert installed == ['ii', 'kamailio', 'ii', 'kamailio-tls-modules', 'ii', 'rtpengine-daemon'], installed
    # the units the packages ship are there, as on any Debian host: masked before the install
    for unit in STOCK:
        assert systemd_lab.container.path('/lib/systemd/system/' + unit).exists(), unit
        assert os.readlink(systemd_lab.container.path('/etc/systemd/system/' + unit)) == '/dev/null', unit


def test_the_stock_units_never_answer_during_the_install_or_after(systemd_lab):
    samples = systemd_lab.first_watch.samples
    before = [s for s in samples if not s['kamailio_installed']]
    after = [s for s in samples if s['kamailio_installed']]
    # the watch covered the install: samples before the package landed and after it
    assert len(before) >= 5 and len(after) >= 5, (len(before), len(after))
    seen = [(s['at'], entry) for s in samples for entry in s['listeners']]
    stock = [(at, entry) for at, entry in seen
             if set(entry['units']) & set(STOCK) or entry['port'] in (5060, 5061, 22222) or entry['units'] == []]
    assert stock == [], stock[:5]
    # and the watch did see listeners appear: the named instances' own
    assert {tuple(pair[1]['units']) for pair in seen} == {(GATEWAY,), (RELAY,)}, seen[-3:]
    systemd_lab.figures['listener samples during the first run'] = len(samples)
    assert_stock_units_never_ran(systemd_lab)


def test_the_named_instances_run_as_enabled_systemd_units(systemd_lab, client):
    assert_serving(systemd_lab, client)
    assert systemd_lab.container.run(['systemctl', 'is-enabled', GATEWAY, RELAY]).stdout.split() == ['enabled', 'enabled']


def test_a_rerun_changes_nothing_and_keeps_the_main_pids(systemd_lab):
    before = pids(systemd_lab)
    again = systemd_lab.enforce()
    assert again.rc == 0, again
    assert again.recap[HOST]['changed'] == 0, changed_tasks(again)
    assert pids(systemd_lab) == before
    assert systemd_lab.unit(GATEWAY)['NRestarts'] == '0'


def test_a_tls_only_change_reloads_with_the_same_main_pid(systemd_lab, client):
    before = pids(systemd_lab)
    assert tls_options(systemd_lab, client, CHACHA)['statuses'][-1] == OK
    gcm_only = systemd_lab.enforce(extra_vars={'mediation_gateway_tls_cipher_list': 'ECDHE+AESGCM:!aNULL:!SHA1:!SHA256:!SHA384'})
    assert gcm_only.rc == 0, gcm_only
    assert RELOADED.search(gcm_only.stdout), gcm_only
    assert pids(systemd_lab) == before
    assert 'SSLError' in tls_options(systemd_lab, client, CHACHA).get('error', ''), 'ChaCha20 still accepted'
    assert tls_options(systemd_lab, client)['statuses'][-1] == OK


def test_check_diff_after_a_hand_edit_shows_the_drift_and_changes_nothing(systemd_lab, client):
    tls_cfg = systemd_lab.container.path(CONFIG_DIR + '/tls.cfg')
    tls_cfg.write_text(tls_cfg.read_text().replace('method = TLSv1.2+', 'method = TLSv1+'))
    drifted, before = config_digest(systemd_lab), pids(systemd_lab)
    audit = systemd_lab.enforce('--check', '--diff')
    assert audit.rc == 0, audit
    assert audit.recap[HOST]['changed'] > 0, audit
    assert '-method = TLSv1+' in audit.stdout and '+method = TLSv1.2+' in audit.stdout, audit
    # the earlier run's GCM-only list against the inventory's
    assert '+cipher_list = ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!SHA1:!SHA256:!SHA384' in audit.stdout, audit
    assert config_digest(systemd_lab) == drifted and pids(systemd_lab) == before
    # a normal run puts the inventory's profile back by a reload
    fixed = systemd_lab.enforce()
    assert fixed.rc == 0, fixed
    assert RELOADED.search(fixed.stdout), fixed
    assert 'method = TLSv1.2+' in tls_cfg.read_text()
    assert pids(systemd_lab) == before
    assert tls_options(systemd_lab, client, CHACHA)['statuses'][-1] == OK


def test_a_listener_change_restarts_the_gateway(systemd_lab, client):
    gateway, relay = pids(systemd_lab)

    def move(host_vars):
        host_vars['sip_trunks'][1]['gateway']['tcp_port'] = 5066

    moved = systemd_lab.enforce(inventory=systemd_lab.inventory_with(move))
    assert moved.rc == 0, moved
    assert not RELOADED.search(moved.stdout), moved
    assert pids(systemd_lab)[0] not in (gateway, '0') and pids(systemd_lab)[1] == relay
    listening = bound(systemd_lab)
    assert ('tcp', '127.0.0.11', 5066) in listening and ('tcp', '127.0.0.11', 5068) not in listening, listening
    assert systemd_lab.probe('tcp', '127.0.0.11', 5066)['statuses'][-1] == OK
    moved_pid = pids(systemd_lab)[0]
    back = systemd_lab.enforce()
    assert back.rc == 0, back
    assert pids(systemd_lab)[0] not in (moved_pid, '0')
    assert_serving(systemd_lab, client)


def test_a_mismatched_key_leaves_the_running_unit_on_its_config(systemd_lab, client):
    before, digest = pids(systemd_lab), config_digest(systemd_lab)
    run = systemd_lab.enforce(extra_vars={'mediation_gateway_certificate_source': 'files',
                                          'mediation_gateway_private_key': CA_DIR + '/ca.key'})
    assert run.rc != 0, run
    assert 'lab-public' in run.stdout and 'does not match' in run.stdout, run
    assert config_digest(systemd_lab) == digest and pids(systemd_lab) == before
    assert_serving(systemd_lab, client)


def test_an_occupied_port_leaves_the_previous_config_running(systemd_lab, client):
    digest = config_digest(systemd_lab)
    # closed below
    blocker = subprocess.Popen(  # pylint: disable=consider-using-with
        systemd_lab.container.enter(('-n',)) + [sys.executable, '-c', (
            'import socket, sys\n'
            's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n'
            's.bind(("127.0.0.10", 5069)); s.listen(1); print("ready", flush=True); sys.stdin.read()\n')],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert blocker.stdout.readline().strip() == 'ready'

        def move(host_vars):
            host_vars['sip_trunks'][0]['gateway']['tls_port'] = 5069

        run = systemd_lab.enforce(inventory=systemd_lab.inventory_with(move))
    finally:
        blocker.stdin.close()
        blocker.wait(timeout=10)
    assert run.rc != 0, run
    # the new start exited at once (the port is taken): systemd alone reported it started
    for word in ('lab-public', '127.0.0.10:5069', 'restored', 'kamailio-gateway.service did not stay up after its start'):
        assert word in run.stdout, (word, run)
    assert config_digest(systemd_lab) == digest
    assert_serving(systemd_lab, client)
    assert ('tcp', '127.0.0.10', 5069) not in bound(systemd_lab)
    # the next run of the inventory as it was finds the running configuration in place
    before = pids(systemd_lab)
    again = systemd_lab.enforce()
    assert again.rc == 0, again
    assert pids(systemd_lab) == before
    systemd_lab.figures['changed by the run after the rollback'] = changed_tasks(again)


def test_a_reboot_brings_gateway_relay_and_tls_back_with_no_ansible_run(systemd_lab, client):
    before = pids(systemd_lab)
    digest = config_digest(systemd_lab)
    how = systemd_lab.reboot()
    assert how == 'powered off', how
    assert config_digest(systemd_lab) == digest
    # /run is empty at boot: systemd-tmpfiles made the instances' runtime directories again
    for run_dir in ('/run/kamailio-gateway', '/run/rtpengine-media'):
        entry = systemd_lab.container.path('/etc/tmpfiles.d/voip-trunk-security%s.conf' % run_dir.replace('/', '-'))
        assert 'd %s 0755 root root -' % run_dir in entry.read_text().splitlines(), run_dir
    assert_serving(systemd_lab, client)
    assert pids(systemd_lab) != before  # new processes of a new boot
    assert_stock_units_never_ran(systemd_lab)
    # the trunk's SRTP requirement is enforced again: a plain RTP offer is refused
    cert, key = client
    plain = systemd_lab.probe('tls-invite', PUBLIC[0], PUBLIC[1], systemd_lab.container.path(CA_DIR + '/ca.pem'), cert, key,
                              'gw.lab.test', 'sip:echo@provider.lab.test', 0)
    assert plain['statuses'][-1] == 'SIP/2.0 488 Not Acceptable Here (SRTP is required on trunk lab-public)', plain


def test_after_the_reboot_a_call_over_the_public_trunk_is_srtp_on_the_trunk_leg(systemd_lab, client):
    # a call from the provider's side of the public trunk (TLS, an SRTP offer) to a phone on the
    # internal side (the gateway's next hop, 127.0.0.30:5062, plain RTP); the phone's audio
    # crosses the relay and reaches the trunk side as SRTP
    cert, key = client
    call = systemd_lab.probe('call', PUBLIC[0], PUBLIC[1], systemd_lab.container.path(CA_DIR + '/ca.pem'), cert, key,
                             'gw.lab.test', '127.0.0.30', 5062)
    assert call.get('trunk', {}).get('statuses', [None])[-1] == OK, call
    assert call['phone']['request'].startswith('INVITE sip:alice@gw.lab.test '), call
    assert call['internal_leg'] == {'address': '127.0.0.3', 'port': call['internal_leg']['port'], 'protocol': 'RTP/AVP',
                                    'crypto': []}, call
    assert call['trunk_leg'] == {'address': '127.0.0.4', 'port': call['trunk_leg']['port'], 'protocol': 'RTP/SAVP',
                                 'crypto': ['AES_CM_128_HMAC_SHA1_80']}, call
    received = call['received']
    # every packet longer by the 10-byte HMAC-SHA1-80 tag, and no plain payload on the trunk leg
    assert received['packets'] >= 40 and received['lengths'] == [received['sent_length'] + 10], received
    assert received['plain_payload_seen'] is False, received
    systemd_lab.figures['call after the reboot'] = {'trunk leg': 'RTP/SAVP AES_CM_128_HMAC_SHA1_80',
                                                    'SRTP packets at the trunk side': received['packets']}
    # and the roles find nothing to do on the rebooted host
    again = systemd_lab.enforce()
    assert again.rc == 0, again
    assert again.recap[HOST]['changed'] == 0, changed_tasks(again)


def test_nothing_is_left_on_this_machine(systemd_lab):
    container = systemd_lab.container
    nspawn, init = container.nspawn.pid, container.init_pid
    container.remove()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (systemd_host.alive(nspawn) or systemd_host.alive(init)):
        time.sleep(0.1)
    assert not systemd_host.alive(nspawn) and not systemd_host.alive(init)
    assert not container.work.exists()
    assert not systemd_host.nspawn_cgroups() - container.cgroups_before
    # nothing of the roles reached this machine's own service managers
    for unit in (GATEWAY, RELAY):
        assert not os.path.exists('/etc/systemd/system/' + unit), unit
    for program in ('kamailio-gateway', 'rtpengine-media'):
        assert not os.path.exists('/etc/supervisor/conf.d/%s.conf' % program), program
    # what stays, by design: the pristine tree of the cache
    assert (systemd_host.CACHE / systemd_host.recipe_key() / 'recipe.json').exists()
