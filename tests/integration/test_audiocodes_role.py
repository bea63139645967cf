# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role mediation_gateway on the AudioCodes platform, through real ansible-playbook runs on localhost.

rendered mode: the files are the unit goldens, check mode writes nothing and shows the diff, a rerun changes
nothing. rest mode: against a small HTTPS server on 127.0.0.1 (:class:`FakeMediant`, in a thread of this test)
that serves a recorded device ini, records every request and applies a PUT incremental ini the way
``audiocodes.merge`` assumes a device does (the columns a row's FORMAT line leaves out take their defaults: documented
for full ini files, inferred for incremental ones). What this proves is the requests' shape and order (read, send,
read again, save only when the device holds the settings; method, path, basic authentication, the multipart part,
only the drifted rows), that check mode sends nothing, that a rerun after the change sends nothing, that a device
which ignores the rows fails the run naming the trunk and is not saved, that drift no line can fix stops the run
before anything is sent, that a failed request says its status, the device's description and what to do, that the
read-only requests are retried and the others are not, and that neither the REST password nor the device's own
obscured passwords appear in the output. It does not prove that a real Mediant accepts the ini: no device runs here.
"""

from __future__ import annotations

import base64
import datetime
import email.parser
import email.policy
import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from playbook_runner import run_playbook as run_with_environment
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.voip.trunk_security.plugins.module_utils import gateway
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import audiocodes as ac

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / 'tests' / 'unit' / 'golden' / 'audiocodes'
RECORDED = REPO / 'tests' / 'unit' / 'recorded' / 'audiocodes'
HOST = 'sbc01.example.net'
USER, PASSWORD = 'Admin', 'S3cret-pass-4711'
AUTHORIZATION = 'Basic ' + base64.b64encode(('%s:%s' % (USER, PASSWORD)).encode()).decode()
HOST_VARS = yaml.safe_load((GOLDEN / 'host_vars.yml').read_text())
PLAYBOOK = '''- name: The gateway side on an AudioCodes Mediant SBC
  hosts: all
  gather_facts: false
  roles:
    - role: voip.trunk_security.mediation_gateway
'''


def recorded(name):
    with open(RECORDED / name, newline='') as handle:
        return handle.read()


class FakeMediant:
    """A device's REST API as the vendor documents it, on 127.0.0.1 over HTTPS: GET /api/v1/files/ini serves the
    device's ini; PUT /api/v1/files/ini/incremental applies the ini in the multipart part ``file`` as
    ``audiocodes.merge`` assumes a device does (unless ``ignore_put``); POST /api/v1/actions/saveConfiguration
    answers 200. Every request is recorded; one without the expected basic authentication gets 401. ``answers``
    maps ``(METHOD, path)`` to a list of ``(status, description)`` answered, in turn, to the first requests of that
    kind instead (a JSON ``description``, as the device's errors have)."""

    def __init__(self, directory: Path, ini: str, ignore_put: bool = False, answers: dict | None = None):
        self.ini, self.ignore_put, self.requests = ini, ignore_put, []
        self.answers = dict((key, list(value)) for key, value in (answers or {}).items())
        self.ca_path = directory / 'device-ca.pem'
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                .not_valid_after(now + datetime.timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), False)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
                .sign(key, hashes.SHA256()))
        self.ca_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path = directory / 'device-key.pem'
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_path, key_path)
        device = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body, content_type='application/json'):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header('Content-Type', content_type)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _record(self):
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
                entry = {'method': self.command, 'path': self.path, 'authorization': self.headers.get('Authorization'),
                         'content_type': self.headers.get('Content-Type'), 'parts': []}
                if (entry['content_type'] or '').startswith('multipart/form-data'):
                    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                        b'Content-Type: ' + entry['content_type'].encode() + b'\r\n\r\n' + body)
                    for part in message.iter_parts():
                        entry['parts'].append({
                            'name': part.get_param('name', header='content-disposition'),
                            'filename': part.get_filename(), 'content_type': part.get_content_type(),
                            'content': part.get_payload(decode=True).decode()})
                device.requests.append(entry)
                return entry

            def _handle(self):
                entry = self._record()
                if entry['authorization'] != AUTHORIZATION:
                    return self._answer(401, json.dumps({'description': 'Unauthorized'}))
                planned = device.answers.get((self.command, self.path))
                if planned:
                    status, description = planned.pop(0)
                    return self._answer(status, json.dumps({'description': description}))
                if (self.command, self.path) == ('GET', '/api/v1/files/ini'):
                    return self._answer(200, device.ini, 'application/octet-stream')
                if (self.command, self.path) == ('PUT', '/api/v1/files/ini/incremental'):
                    files = [part for part in entry['parts'] if part['name'] == 'file']
                    if len(files) != 1:
                        return self._answer(400, json.dumps({'description': 'no file part'}))
                    if not device.ignore_put:
                        device.ini = ac.merge(device.ini, files[0]['content'])
                    return self._answer(200, json.dumps({'description': 'Incremental ini file loaded.'}))
                if (self.command, self.path) == ('POST', '/api/v1/actions/saveConfiguration'):
                    return self._answer(200, json.dumps({'description': 'Configuration saved.'}))
                return self._answer(404, json.dumps({'description': 'Not found'}))

            do_GET = do_PUT = do_POST = _handle

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = 'https://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def calls(self):
        return [(entry['method'], entry['path']) for entry in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def device(tmp_path):
    started = []

    def start(ini_name, ignore_put=False, text=None, answers=None):
        started.append(FakeMediant(tmp_path, recorded(ini_name) if text is None else text, ignore_put, answers))
        return started[-1]

    yield start
    for server in started:
        server.close()


def inventory(tmp_path, **host_vars):
    variables = dict(HOST_VARS, ansible_connection='local', mediation_gateway_platform='audiocodes')
    variables.update(host_vars)
    path = tmp_path / 'inventory.yml'
    path.write_text(yaml.safe_dump({'all': {'hosts': {HOST: variables}}}))
    return path


def playbook(tmp_path):
    path = tmp_path / 'audiocodes.yml'
    path.write_text(PLAYBOOK)
    return path


def rest_inventory(tmp_path, server, **extra):
    found = dict(mediation_gateway_audiocodes_mode='rest', mediation_gateway_audiocodes_url=server.url,
                 mediation_gateway_audiocodes_username=USER, mediation_gateway_audiocodes_password=PASSWORD,
                 mediation_gateway_audiocodes_ca_path=str(server.ca_path),
                 # rest mode reads the listeners' network interfaces from the device's InterfaceTable
                 mediation_gateway_audiocodes_network_interfaces={})
    found.update(extra)
    return inventory(tmp_path, **found)


def expected_lines(ini_name, firmware='7.4', text=None):
    data = ac.desired(gateway.settings_all(HOST_VARS['sip_trunks']),
                      {'host': HOST, 'mode': 'rest', 'firmware': firmware,
                       'index_base': HOST_VARS['mediation_gateway_audiocodes_index_base']})
    return ac.drift(data, recorded(ini_name) if text is None else text)['lines']


def no_secret(run, *others):
    for text in (run.stdout, run.stderr):
        assert PASSWORD not in text and AUTHORIZATION.split()[1] not in text
        for other in others:
            assert other not in text


# ---------------------------------------------------------------------------------------------
# rendered mode
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('firmware', ['7.4', '7.2'])
def test_rendered_mode_writes_the_goldens_check_mode_writes_nothing_a_rerun_changes_nothing(
        run_playbook, tmp_path, firmware):
    hosts = inventory(tmp_path, mediation_gateway_audiocodes_firmware=firmware)
    out = tmp_path / 'out'
    extra = {'mediation_gateway_render_dir': str(out)}

    preview = run_playbook(playbook(tmp_path), '--check', '--diff', inventory=hosts, extra_vars=extra)
    assert preview.rc == 0, preview
    assert not out.exists(), 'check mode wrote files'
    assert preview.recap[HOST]['changed'] == 2, preview
    assert 'incremental.ini.j2' in preview.stdout and 'cli.txt.j2' in preview.stdout     # the diff of each file
    assert '+; #@trunk par-vpn-legacy-3des' in preview.stdout

    run = run_playbook(playbook(tmp_path), inventory=hosts, extra_vars=extra)
    assert run.rc == 0 and run.recap[HOST]['changed'] == 2, run
    assert (out / HOST / 'incremental.ini').read_text() == (GOLDEN / ('incremental-%s.ini' % firmware)).read_text()
    assert (out / HOST / 'cli.txt').read_text() == (GOLDEN / ('cli-%s.txt' % firmware)).read_text()
    assert 'par-vpn-strong: TLSContexts 11' in run.stdout and 'SBCMediaSecurityBehaviour 3' in run.stdout

    again = run_playbook(playbook(tmp_path), inventory=hosts, extra_vars=extra)
    assert again.rc == 0 and again.recap[HOST]['changed'] == 0, again


def test_rendered_mode_refuses_a_listener_without_a_network_interface(run_playbook, tmp_path):
    hosts = inventory(tmp_path, mediation_gateway_audiocodes_network_interfaces={'10.30.0.4': 'Par-MPLS'})
    run = run_playbook(playbook(tmp_path), inventory=hosts,
                       extra_vars={'mediation_gateway_render_dir': str(tmp_path / 'out')})
    assert run.rc == 2 and run.recap[HOST]['failed'] == 1, run
    assert "trunk par-mpls-office-lan: no network interface is known for its listen address '10.30.8.4'" in run.stdout


# ---------------------------------------------------------------------------------------------
# rest mode, against FakeMediant: the requests' shape, not a device's acceptance
# ---------------------------------------------------------------------------------------------

def test_rest_check_mode_reads_the_device_and_sends_nothing(run_playbook, tmp_path, device):
    server = device('device-7.4-drifted.ini')
    run = run_playbook(playbook(tmp_path), '--check', '--diff', inventory=rest_inventory(tmp_path, server))
    assert run.rc == 0, run
    assert server.calls() == [('GET', '/api/v1/files/ini')]
    assert server.requests[0]['authorization'] == AUTHORIZATION
    assert run.recap[HOST]['changed'] == 1, run
    assert ('par-vpn-legacy-3des: drifted; TLSContexts 13 TLSVersion: 7 -> 12; IpProfile 14 '
            'SBCMediaSecurityBehaviour: 0 -> 1') in ' '.join(run.stdout.split())
    assert '-TLSContexts 13 = "par-vpn-legacy-3des", 7,' in run.stdout
    assert '+TLSContexts 13 = "par-vpn-legacy-3des", 12,' in run.stdout
    no_secret(run)


def test_rest_sends_only_the_drifted_rows_checks_saves_and_a_rerun_sends_nothing(run_playbook, tmp_path, device):
    server = device('device-7.4-drifted.ini')
    hosts = rest_inventory(tmp_path, server)
    run = run_playbook(playbook(tmp_path), '-v', inventory=hosts)
    assert run.rc == 0, run
    # read, send, read again, and save only the device that holds the settings
    assert server.calls() == [('GET', '/api/v1/files/ini'), ('PUT', '/api/v1/files/ini/incremental'),
                              ('GET', '/api/v1/files/ini'), ('POST', '/api/v1/actions/saveConfiguration')]
    assert all(entry['authorization'] == AUTHORIZATION for entry in server.requests)
    put = server.requests[1]
    assert put['content_type'].startswith('multipart/form-data; boundary=')
    assert [(part['name'], part['filename'], part['content_type']) for part in put['parts']] == [
        ('file', 'incremental.ini', 'application/octet-stream')]
    # ansible.builtin.uri writes a multipart body with CRLF line ends (email.policy.HTTP), as Windows-made inis have
    sent = put['parts'][0]['content'].replace('\r\n', '\n')
    assert sent == '\n'.join(expected_lines('device-7.4-drifted.ini')) + '\n'
    tables = ac.parse(sent)['tables']
    assert [(table['name'], [row['index'] for row in table['rows']]) for table in tables] == [
        ('TLSContexts', [13]), ('IpProfile', [14])]
    assert run.recap[HOST]['changed'] == 3, run          # the drift, the PUT, the save
    no_secret(run)

    again = run_playbook(playbook(tmp_path), inventory=hosts)
    assert again.rc == 0 and again.recap[HOST]['changed'] == 0, again
    assert server.calls()[4:] == [('GET', '/api/v1/files/ini')]


def test_rest_on_a_device_without_the_trunks_sends_every_row_and_media_security(run_playbook, tmp_path, device):
    server = device('device-7.4-base.ini')
    hosts = rest_inventory(tmp_path, server, mediation_gateway_audiocodes_save_configuration=False)
    run = run_playbook(playbook(tmp_path), inventory=hosts)
    assert run.rc == 0, run
    assert server.calls() == [('GET', '/api/v1/files/ini'), ('PUT', '/api/v1/files/ini/incremental'),
                              ('GET', '/api/v1/files/ini')]
    sent = server.requests[1]['parts'][0]['content'].replace('\r\n', '\n')
    assert sent.startswith('[Voice Engine Params]\nEnableMediaSecurity = 1\n')
    assert sent == '\n'.join(expected_lines('device-7.4-base.ini')) + '\n'
    again = run_playbook(playbook(tmp_path), inventory=hosts)
    assert again.rc == 0 and again.recap[HOST]['changed'] == 0, again


def test_a_device_that_ignores_the_rows_fails_the_run_naming_the_trunk(run_playbook, tmp_path, device):
    server = device('device-7.4-drifted.ini', ignore_put=True)
    run = run_playbook(playbook(tmp_path), inventory=rest_inventory(tmp_path, server))
    assert run.rc == 2 and run.recap[HOST]['failed'] == 1, run
    assert server.calls()[-1] == ('GET', '/api/v1/files/ini')
    # the device that did not take the rows is not saved
    assert server.calls() == [('GET', '/api/v1/files/ini'), ('PUT', '/api/v1/files/ini/incremental'),
                              ('GET', '/api/v1/files/ini')]
    flat = ' '.join(run.stdout.split())
    assert 'after the change the device still differs for trunk(s) par-vpn-legacy-3des' in flat, run
    assert 'TLSContexts 13 TLSVersion is 7, not 12' in flat
    assert '(the configuration was not saved)' in flat
    no_secret(run)


def test_drift_no_line_can_fix_stops_the_run_before_anything_is_sent(run_playbook, tmp_path, device):
    # a second address in a trunk's proxy set: an incremental ini cannot delete a row
    text = recorded('device-7.4-drifted.ini').replace(
        '\n\n[ \\ProxyIp ]', '\nProxyIp 99 = "12", 1, "192.0.2.66:5060", 1, 0, 0;\n\n[ \\ProxyIp ]')
    assert 'ProxyIp 99 = ' in text
    server = device('device-7.4-drifted.ini', text=text)
    run = run_playbook(playbook(tmp_path), inventory=rest_inventory(tmp_path, server))
    assert run.rc == 2 and run.recap[HOST]['failed'] == 1, run
    assert server.calls() == [('GET', '/api/v1/files/ini')]          # no PUT, no second read, no save
    flat = ' '.join(run.stdout.split())
    assert ('nothing was sent; remove by hand what no incremental ini can: trunk par-mpls-private (ProxyIp row 99 '
            '(192.0.2.66:5060 1) is another address of proxy set par-mpls-private: remove it on the device') \
        in flat, run
    # check mode reports it and sends nothing
    preview = run_playbook(playbook(tmp_path), '--check', inventory=rest_inventory(tmp_path, server))
    assert preview.rc == 0 and server.calls()[1:] == [('GET', '/api/v1/files/ini')], preview
    assert 'par-mpls-private: drifted; ProxyIp 99 row: 192.0.2.66:5060 1 -> (none); ProxyIp row 99' in \
        ' '.join(preview.stdout.split())


OBSCURED = '$1$c2lwLXRydW5rLXNlY3JldA=='


def _ip_group_drifted_with_a_password():
    """The unchanged 7.4 device, but trunk par-vpn-legacy-3des's IP Group names another proxy set and holds an
    obscured password (as devices dump them): the row the role rewrites carries it."""
    text = recorded('device-7.4-unchanged.ini')
    line = next(line for line in text.splitlines() if line.startswith('IPGroup 14 = '))
    changed = line.replace('"par-vpn-legacy-3des", "par-vpn-legacy-3des"', '"par-vpn-legacy-3des", "Teams"', 1) \
        .replace('"$1$gQ=="', '"%s"' % OBSCURED)
    assert changed != line and OBSCURED in changed
    return text.replace(line, changed)


def test_the_device_s_obscured_passwords_are_sent_and_never_shown(run_playbook, ansible_env, tmp_path, device):
    text = _ip_group_drifted_with_a_password()
    server = device('device-7.4-unchanged.ini', text=text)
    hosts = rest_inventory(tmp_path, server)
    preview = run_playbook(playbook(tmp_path), '--check', '--diff', '-v', inventory=hosts)
    assert preview.rc == 0 and server.calls() == [('GET', '/api/v1/files/ini')], preview
    assert 'IPGroup 14 ProxySetName: Teams -> par-vpn-legacy-3des' in ' '.join(preview.stdout.split())
    assert '"(hidden)"' in preview.stdout
    no_secret(preview, OBSCURED)
    # a JSON callback shows every result whole: the action's lines there are the shown lines
    environment = dict(ansible_env, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json')
    as_json = run_with_environment(environment, playbook(tmp_path), '--check', inventory=hosts, cwd=tmp_path)
    assert as_json.rc == 0 and '"shown_lines"' not in as_json.stdout and '\\"(hidden)\\"' in as_json.stdout, as_json
    no_secret(as_json, OBSCURED)

    run = run_playbook(playbook(tmp_path), '-v', '--diff', inventory=hosts)
    assert run.rc == 0, run
    assert server.calls()[2:] == [('GET', '/api/v1/files/ini'), ('PUT', '/api/v1/files/ini/incremental'),
                                  ('GET', '/api/v1/files/ini'), ('POST', '/api/v1/actions/saveConfiguration')]
    sent = server.requests[3]['parts'][0]['content'].replace('\r\n', '\n')
    assert sent == '\n'.join(expected_lines('device-7.4-unchanged.ini', text=text)) + '\n'
    assert sent.count(OBSCURED) == 2                                 # PasswordAsClient, PasswordAsServer as they were
    no_secret(run, OBSCURED)


def test_a_failed_request_says_its_status_the_device_s_words_and_what_to_do(run_playbook, tmp_path, device):
    busy = 'Device is currently performing HA synchronization'
    # the PUT is not retried: one 409, no second read, no save
    server = device('device-7.4-drifted.ini', answers={('PUT', '/api/v1/files/ini/incremental'): [(409, busy)]})
    run = run_playbook(playbook(tmp_path), inventory=rest_inventory(tmp_path, server))
    assert run.rc == 2 and server.calls() == [('GET', '/api/v1/files/ini'), ('PUT', '/api/v1/files/ini/incremental')]
    flat = ' '.join(run.stdout.split())
    assert 'PUT %s/api/v1/files/ini/incremental: HTTP status 409, the device says: %s' % (server.url, busy) in flat, run
    assert 'retry later' in flat
    # a save refused for the user's level says so, after the rows were checked
    server = device('device-7.4-drifted.ini', answers={('POST', '/api/v1/actions/saveConfiguration'): [
        (403, 'Forbidden: insufficient privilege level')]})
    run = run_playbook(playbook(tmp_path), inventory=rest_inventory(tmp_path, server))
    assert run.rc == 2 and server.calls()[-1] == ('POST', '/api/v1/actions/saveConfiguration'), run
    flat = ' '.join(run.stdout.split())
    assert 'HTTP status 403, the device says: Forbidden: insufficient privilege level' in flat, run
    assert 'need a local user of Administrator level' in flat and 'checked, but not saved' in flat
    no_secret(run)


def test_a_read_is_retried_while_the_device_is_busy(run_playbook, tmp_path, device):
    server = device('device-7.4-unchanged.ini', answers={('GET', '/api/v1/files/ini'): [(503, 'Service Unavailable')]})
    run = run_playbook(playbook(tmp_path), inventory=rest_inventory(tmp_path, server))
    assert run.rc == 0 and run.recap[HOST]['changed'] == 0, run
    assert server.calls() == [('GET', '/api/v1/files/ini')] * 2


def test_rest_mode_refuses_plain_http_and_a_wrong_password_fails_without_showing_it(run_playbook, tmp_path, device):
    server = device('device-7.4-unchanged.ini')
    plain = run_playbook(playbook(tmp_path), inventory=rest_inventory(
        tmp_path, server, mediation_gateway_audiocodes_url=server.url.replace('https:', 'http:')))
    assert plain.rc == 2 and 'an https:// mediation_gateway_audiocodes_url' in ' '.join(plain.stdout.split()), plain
    assert server.calls() == []
    wrong = run_playbook(playbook(tmp_path), inventory=rest_inventory(
        tmp_path, server, mediation_gateway_audiocodes_password='wrong-secret-0815'))
    assert wrong.rc == 2 and 'HTTP Error 401' in wrong.stdout, wrong
    assert 'wrong-secret-0815' not in wrong.stdout + wrong.stderr
    # a 401 is not retried, and the message says what to check
    assert server.calls() == [('GET', '/api/v1/files/ini')]
    flat = ' '.join(wrong.stdout.split())
    assert 'HTTP status 401, the device says: Unauthorized' in flat
    assert 'check mediation_gateway_audiocodes_username and _password' in flat
