# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Purpose-made SIP TLS endpoints on loopback, each with one known fault, for the probe.

One Kamailio holds them all: one TLS listener per case on its own 127.0.0.x address, and a
per-address server profile in tls.cfg (method, suites, certificate, client certificates).
Certificates come from a throwaway CA made with ``cryptography``.
"""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PORT = 5061
MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/'
GOOD_SUITES = 'ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!SHA1:!SHA256:!SHA384'
OPENSSL_LEVEL_0 = '''openssl_conf = zoo
[zoo]
ssl_conf = zoo_ssl
[zoo_ssl]
system_default = zoo_defaults
[zoo_defaults]
CipherString = DEFAULT:@SECLEVEL=0
'''


@dataclass
class Case:
    """One endpoint: its address, its TLS profile and the findings it must produce."""
    name: str
    address: str
    findings: set
    server_name: str = 'sip.zoo.test'
    method: str = 'TLSv1.2+'
    cipher_list: str = GOOD_SUITES
    cert: str = 'good'
    mutual_tls: bool = False
    plaintext: bool = False
    options_reply: str = '200 OK'
    expect_mutual_tls: bool = False
    extra: dict = field(default_factory=dict)


CASES = [
    Case('good', '127.0.0.50', set()),
    Case('good-expecting-mtls', '127.0.0.50', {'mtls-not-enforced'}, expect_mutual_tls=True),
    # TLS 1.0 needs CBC suites: accepting it means accepting a non-AEAD suite too
    Case('tls10', '127.0.0.51', {'protocol-below-1.2', 'suite-not-aead'}, method='TLSv1+',
         cipher_list='ECDHE+AESGCM:ECDHE+AES:@SECLEVEL=0'),
    Case('expired', '127.0.0.52', {'cert-expired'}, cert='expired'),
    Case('wrong-name', '127.0.0.53', {'cert-name-mismatch'}, cert='other-name'),
    Case('mtls', '127.0.0.54', set(), mutual_tls=True, expect_mutual_tls=True),
    Case('plaintext', '127.0.0.55', {'plaintext-open'}, plaintext=True),
    Case('untrusted', '127.0.0.56', {'cert-untrusted'}, cert='rogue'),
    # RSA key exchange needs an RSA certificate
    Case('rsa-key-exchange', '127.0.0.57', {'suite-not-forward-secret'}, cert='rsa',
         cipher_list='ECDHE+AESGCM:AES128-GCM-SHA256:AES256-GCM-SHA384'),
    Case('options-503', '127.0.0.58', {'options-failed'}, options_reply='503 Service Unavailable'),
    Case('expiring', '127.0.0.59', {'cert-expiring'}, cert='expiring'),
    # RSA 1024 signed with SHA-1: OpenSSL serves it only at security level 0
    Case('weak-certificate', '127.0.0.62', {'cert-weak-key', 'cert-weak-signature'}, cert='weak',
         cipher_list=GOOD_SUITES + ':@SECLEVEL=0'),
]
SILENT = ('127.0.0.60', PORT)    # accepts TCP, never speaks
CLOSED = ('127.0.0.61', PORT)    # nothing listens


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key(kind='ec'):
    if kind in ('rsa', 'weak'):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048 if kind == 'rsa' else 1024)
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(path: Path, key):
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


def _certificate(subject_cn, names, issuer_key, issuer_name, key, not_before, not_after, ca=False,
                 digest=hashes.SHA256):
    builder = (x509.CertificateBuilder().subject_name(_name(subject_cn)).issuer_name(issuer_name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(issuer_key, digest())


def make_pki(directory: Path) -> dict:
    """A CA, a rogue CA, and server certificates: good, expired, expiring, other name, rogue."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    year = datetime.timedelta(days=365)
    paths = {}
    cas = {}
    for label in ('ca', 'rogue-ca'):
        key = _key()
        cert = _certificate('Zoo %s' % label, [], key, _name('Zoo %s' % label), key, now - year, now + year, ca=True)
        cas[label] = (key, cert)
        _write_key(directory / ('%s.key' % label), key)
        (directory / ('%s.pem' % label)).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        paths[label] = directory / ('%s.pem' % label)
    specs = {
        'good': ('ca', 'sip.zoo.test', now - year, now + year),
        'expired': ('ca', 'sip.zoo.test', now - 2 * year, now - datetime.timedelta(days=3)),
        'expiring': ('ca', 'sip.zoo.test', now - year, now + datetime.timedelta(days=10)),
        'other-name': ('ca', 'other.zoo.test', now - year, now + year),
        'rogue': ('rogue-ca', 'sip.zoo.test', now - year, now + year),
        'client': ('ca', 'client.zoo.test', now - year, now + year),
        'rsa': ('ca', 'sip.zoo.test', now - year, now + year),
        'weak': ('ca', 'sip.zoo.test', now - year, now + year),
    }
    for label, (ca, cn, not_before, not_after) in specs.items():
        if label == 'weak':
            _weak_certificate(directory, cn)
            paths.update(weak=directory / 'weak.pem', **{'weak-key': directory / 'weak.key'})
            continue
        key = _key(label if label == 'rsa' else 'ec')
        ca_key, ca_cert = cas[ca]
        cert = _certificate(cn, [cn], ca_key, ca_cert.subject, key, not_before, not_after)
        (directory / ('%s.pem' % label)).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(directory / ('%s.key' % label), key)
        paths[label] = directory / ('%s.pem' % label)
        paths[label + '-key'] = directory / ('%s.key' % label)
    return paths


def _weak_certificate(directory: Path, cn: str):
    """RSA 1024 signed with SHA-1: cryptography refuses to sign it, the openssl tool does not."""
    def openssl(*args):
        subprocess.run(['openssl', *args], cwd=directory, check=True, capture_output=True)
    openssl('req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'weak.key', '-subj', '/CN=%s' % cn,
            '-addext', 'subjectAltName=DNS:%s' % cn, '-out', 'weak.csr')
    openssl('x509', '-req', '-in', 'weak.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-sha1',
            '-days', '365', '-copy_extensions', 'copy', '-out', 'weak.pem')
    (directory / 'weak.key').chmod(0o600)


def kamailio_config(cases) -> str:
    listens, replies = [], []
    for case in {c.address: c for c in cases}.values():
        listens.append('listen=tls:%s:%d' % (case.address, PORT))
        if case.plaintext:
            listens += ['listen=tcp:%s:5060' % case.address, 'listen=udp:%s:5060' % case.address]
        code, reason = case.options_reply.split(' ', 1)
        replies.append('    if ($Ri == "%s") { sl_send_reply("%s", "%s"); exit; }' % (case.address, code, reason))
    return '\n'.join([
        'debug=1', 'log_stderror=yes', 'children=1', 'tcp_children=1', 'auto_aliases=no', 'enable_tls=yes',
        *listens,
        'mpath="%s"' % MODULES,
        'loadmodule "tls.so"', 'loadmodule "sl.so"', 'loadmodule "pv.so"',
        'modparam("tls", "config", "tls.cfg")',
        'request_route {',
        *replies,
        '    sl_send_reply("404", "Not Here");',
        '}', ''])


def tls_config(cases, pki) -> str:
    # Kamailio needs default profiles even when every listener has its own
    lines = ['[server:default]', 'method = TLSv1.2+', 'certificate = %s' % pki['good'],
             'private_key = %s' % pki['good-key'], '', '[client:default]', 'method = TLSv1.2+', '']
    for case in {c.address: c for c in cases}.values():
        lines += [
            '[server:%s:%d]' % (case.address, PORT),
            'method = %s' % case.method,
            'cipher_list = %s' % case.cipher_list,
            'certificate = %s' % pki[case.cert],
            'private_key = %s' % pki[case.cert + '-key'],
            'ca_list = %s' % pki['ca'],
            'verify_certificate = %s' % ('yes' if case.mutual_tls else 'no'),
            'require_certificate = %s' % ('yes' if case.mutual_tls else 'no'),
            '',
        ]
    return '\n'.join(lines)


class Silent:
    """A TCP listener that accepts and never says a word (an endpoint that does not answer)."""

    def __init__(self, address):
        self.sock = socket.create_server(address)
        self.held = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                continue

    def close(self):
        self.stop.set()
        self.thread.join(2)
        for conn in self.held:
            conn.close()
        self.sock.close()


class Zoo:
    """Starts the Kamailio holding every case, and the silent listener; stops both."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.pki = make_pki(directory / 'pki')
        (directory / 'kamailio.cfg').write_text(kamailio_config(CASES))
        (directory / 'tls.cfg').write_text(tls_config(CASES, self.pki))
        # Debian's OpenSSL refuses to load a 1024-bit or SHA-1 certificate at its default
        # security level, before any cipher_list applies: the zoo starts at level 0
        (directory / 'openssl.cnf').write_text(OPENSSL_LEVEL_0)
        self.log = directory / 'kamailio.log'
        self.process = None
        self.silent = None

    def start(self):
        with self.log.open('wb') as log:
            self.process = subprocess.Popen(
                ['kamailio', '-DD', '-E', '-f', str(self.directory / 'kamailio.cfg'), '-m', '32', '-M', '4',
                 '-Y', str(self.directory), '-P', str(self.directory / 'kamailio.pid')],
                cwd=self.directory, stdout=log, stderr=subprocess.STDOUT,
                env=dict(os.environ, OPENSSL_CONF=str(self.directory / 'openssl.cnf')))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('kamailio (zoo) exited: %s' % self.log.read_text()[-3000:])
            if all(_listening(c.address, PORT) for c in CASES):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError('kamailio (zoo) did not listen within 10 s: %s' % self.log.read_text()[-3000:])
        self.silent = Silent(SILENT)
        return self

    def stop(self):
        if self.silent:
            self.silent.close()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _listening(address, port) -> bool:
    try:
        with socket.create_connection((address, port), timeout=0.2):
            return True
    except OSError:
        return False
