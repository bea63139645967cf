# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A test-only connection into a booted container: commands run through nsenter in the
mount, UTS, IPC, network and PID namespaces of the container's init (its systemd), so that
systemctl talks to the container's systemd and sockets live in its network namespace.

Used by tests/systemd (``./run lab --systemd``); it is not shipped with the collection."""

from __future__ import annotations

DOCUMENTATION = r"""
name: nsenter
short_description: Run commands inside the namespaces of a running container's init
description:
  - Runs every command through C(nsenter -t PID -m -u -i -n -p -r -w) with a clean environment, and
    copies files in and out through C(cat) inside the same namespaces.
  - For the systemd lab of the test suite (an C(systemd-nspawn -b) container on the controller); root only.
author: voip.trunk_security contributors
options:
  nsenter_pid:
    description: Host PID of the container's init (its PID 1).
    type: string
    env:
      - name: VOIP_NSENTER_PID
    vars:
      - name: ansible_nsenter_pid
  executable:
    description: The shell inside the container.
    type: string
    default: /bin/sh
    vars:
      - name: ansible_executable
"""

import os
import shlex
import subprocess

from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.connection import ConnectionBase

ENVIRONMENT = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'HOME=/root',
               'USER=root', 'LOGNAME=root', 'TERM=dumb']


class Connection(ConnectionBase):
    """nsenter into a running container's init."""

    transport = 'nsenter'
    has_pipelining = True
    has_tty = False
    default_user = 'root'

    def _connect(self):
        if os.geteuid() != 0:
            raise AnsibleConnectionFailure('the nsenter connection needs root')
        pid = str(self.get_option('nsenter_pid') or '')
        if not pid.isdigit() or not os.path.exists('/proc/%s/ns/pid' % pid):
            raise AnsibleConnectionFailure('no running container init with PID %r (nsenter_pid)' % pid)
        self._pid = pid
        self._connected = True
        return self

    def _command(self, cmd):
        return ['nsenter', '-t', self._pid, '-m', '-u', '-i', '-n', '-p', '-r', '-w', '--', '/usr/bin/env', '-i'] + \
            ENVIRONMENT + [self.get_option('executable'), '-c', cmd]

    def exec_command(self, cmd, in_data=None, sudoable=False):
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        command = [to_bytes(part, errors='surrogate_or_strict') for part in self._command(cmd)]
        with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
            try:
                stdout, stderr = process.communicate(in_data, timeout=900)
            except subprocess.TimeoutExpired:
                process.kill()
                stdout, stderr = process.communicate()
                raise AnsibleConnectionFailure('command timed out after 900 s in the container: %s' % cmd)
        return process.returncode, stdout, stderr

    @staticmethod
    def _absolute(path):
        return os.path.normpath(path if path.startswith('/') else '/' + path)

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        target = shlex.quote(self._absolute(out_path))
        try:
            with open(to_bytes(in_path, errors='surrogate_or_strict'), 'rb') as source:
                done = subprocess.run(self._command('cat > %s' % target), stdin=source, capture_output=True, timeout=300,
                                      check=False)
        except OSError as error:
            raise AnsibleError('cannot read %s: %s' % (in_path, error)) from error
        if done.returncode != 0:
            raise AnsibleError('failed to copy %s to %s in the container: %s' % (in_path, out_path, done.stderr))

    def fetch_file(self, in_path, out_path):
        super().fetch_file(in_path, out_path)
        source = shlex.quote(self._absolute(in_path))
        with open(to_bytes(out_path, errors='surrogate_or_strict'), 'wb') as target:
            done = subprocess.run(self._command('cat %s' % source), stdout=target, stderr=subprocess.PIPE, timeout=300,
                                  check=False)
        if done.returncode != 0:
            raise AnsibleError('failed to fetch %s from the container: %s' % (in_path, done.stderr))

    def close(self):
        super().close()
        self._connected = False
