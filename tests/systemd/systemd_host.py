# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A Debian 12 host with systemd as PID 1, in a container on this machine.

- ``pristine_tree()`` builds (once, then from the cache) a root tree with ``mmdebstrap`` through
  this machine's apt sources, holding a flat local apt repository of the gateway's packages
  (``/srv/voip-apt``, the only apt source of the tree), so that an ``apt`` install inside the
  container runs for real with no network. The cache lives under
  ``/var/cache/voip-trunk-security/systemd-host/<recipe hash>/``; a changed recipe builds anew.
- ``Container`` copies the pristine tree into a fresh working tree, boots it with
  ``systemd-nspawn -b --private-network`` (only loopback inside), waits until its systemd says
  ``running`` or ``degraded``, runs commands in its namespaces with ``nsenter``, and stops it by
  PID (an orderly power-off, then SIGKILL of nspawn and of the container's init if need be).

Every step is bounded in time. Never boot systemd on the machine itself: its tmpfiles cleanup
would empty the machine's /tmp.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

CACHE = Path(os.environ.get('VOIP_SYSTEMD_CACHE', '/var/cache/voip-trunk-security/systemd-host'))
REPOSITORY = '/srv/voip-apt'

#: What the tree is made of; its hash names the cached tree.
RECIPE = {
    'layout': 3,
    'suite': 'bookworm',
    'variant': 'apt',
    # what the host runs and what Ansible's modules need on it (apt, community.crypto)
    'include': ['systemd', 'systemd-sysv', 'dbus', 'iproute2', 'python3', 'python3-apt', 'python3-cryptography'],
    # what the roles install: only downloaded, into the local repository
    'repository': ['kamailio', 'kamailio-tls-modules', 'rtpengine-daemon', 'iproute2'],
}

SYSTEMD_STATES = ('running', 'degraded')


def machine_sources() -> list[Path]:
    """This machine's enabled apt sources for the recipe's suite (they reach its mirror)."""
    candidates = [Path('/etc/apt/sources.list')] + sorted(Path('/etc/apt/sources.list.d').glob('*'))
    return [path for path in candidates
            if path.is_file() and path.suffix in ('.list', '.sources') and RECIPE['suite'] in path.read_text()]


def recipe_key() -> str:
    sources = {str(path): path.read_text() for path in machine_sources()}
    blob = json.dumps({'recipe': RECIPE, 'sources': sources}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _run(command, timeout, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)
    if done.returncode != 0:
        raise RuntimeError('%s failed (%d): %s%s' % (command[0], done.returncode, done.stdout[-3000:], done.stderr[-3000:]))
    return done


def pristine_tree() -> tuple[Path, float, bool]:
    """The cached pristine tree for the recipe: (path, seconds it took here, built now)."""
    started = time.monotonic()
    key = recipe_key()
    CACHE.mkdir(parents=True, exist_ok=True)
    final = CACHE / key
    with open(CACHE / '.lock', 'w', encoding='utf-8') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (final / 'recipe.json').exists():
            return final / 'tree', time.monotonic() - started, False
        staging = CACHE / ('%s.building' % key)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        build(staging / 'tree')
        (staging / 'recipe.json').write_text(json.dumps({'recipe': RECIPE, 'sources': [str(p) for p in machine_sources()]},
                                                        indent=2) + '\n')
        shutil.rmtree(final, ignore_errors=True)
        os.rename(staging, final)
        # trees of older recipes
        for old in CACHE.iterdir():
            if old.is_dir() and old.name not in (key, 'work'):
                shutil.rmtree(old, ignore_errors=True)
        return final / 'tree', time.monotonic() - started, True


def build(tree: Path):
    """mmdebstrap the tree, download the gateway's packages into it, make them its only apt source."""
    packages = ' '.join(RECIPE['repository'])
    hooks = [
        # the chroot still has this machine's network here: only download
        'chroot "$1" apt-get install --download-only -y --no-install-recommends %s' % packages,
        'mkdir -p "$1%s" && mv "$1"/var/cache/apt/archives/*.deb "$1%s/"' % (REPOSITORY, REPOSITORY),
        'cd "$1%s" && apt-ftparchive packages . > Packages' % REPOSITORY,
        'rm -f "$1/etc/apt/sources.list" "$1"/etc/apt/sources.list.d/*',
        'echo "deb [trusted=yes] file:%s ./" > "$1/etc/apt/sources.list.d/voip-lab.list"' % REPOSITORY,
        'chroot "$1" apt-get update',
        'echo voip-systemd-host > "$1/etc/hostname"',
    ]
    command = ['mmdebstrap', '--quiet', '--variant=' + RECIPE['variant'], '--include=' + ','.join(RECIPE['include']),
               '--skip=cleanup/apt/lists']
    for hook in hooks:
        command.append('--customize-hook=' + hook)
    command += [RECIPE['suite'], str(tree)] + [str(path) for path in machine_sources()]
    _run(command, timeout=900)
    debs = list((tree / REPOSITORY.lstrip('/')).glob('*.deb'))
    if not any(deb.name.startswith('kamailio_') for deb in debs):
        raise RuntimeError('the local repository of %s holds no kamailio package: %s' % (tree, debs))


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / 'stat').read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(')', 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _namespace_pid(pid: int) -> list[str]:
    try:
        for line in Path('/proc/%d/status' % pid).read_text().splitlines():
            if line.startswith('NSpid:'):
                return line.split()[1:]
    except OSError:
        pass
    return []


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        state = Path('/proc/%d/stat' % pid).read_text().rsplit(')', 1)[1].split()[0]
    except OSError:
        return False
    return state != 'Z'


class Container:
    """A working copy of the pristine tree, booted with systemd-nspawn when asked."""

    def __init__(self, pristine: Path, name: str = 'voip-systemd-host'):
        self.name = name
        self.work = CACHE / 'work' / ('session-%d' % os.getpid())
        self.tree = self.work / 'tree'
        self.log = self.work / 'nspawn.log'
        self.nspawn: subprocess.Popen | None = None
        self.init_pid: int | None = None
        self.boots: list[float] = []
        _sweep_stale_sessions()
        self.cgroups_before = nspawn_cgroups()
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        started = time.monotonic()
        _run(['cp', '-a', '--reflink=auto', str(pristine), str(self.tree)], timeout=300)
        self.copy_seconds = time.monotonic() - started

    # -- boot and stop ---------------------------------------------------------------------
    def boot(self, timeout: float = 90):
        started = time.monotonic()
        with open(self.log, 'ab') as log:
            # stopped by stop(), by PID
            self.nspawn = subprocess.Popen(  # pylint: disable=consider-using-with
                ['systemd-nspawn', '-q', '-b', '-D', str(self.tree), '--private-network', '--register=no',
                 '--keep-unit', '--machine=' + self.name],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = started + timeout
        try:
            while self.init_pid is None:
                if self.nspawn.poll() is not None:
                    raise RuntimeError('systemd-nspawn exited with %s: %s' % (self.nspawn.returncode, self.log_tail()))
                if time.monotonic() > deadline:
                    raise RuntimeError('the container init did not appear within %d s: %s' % (timeout, self.log_tail()))
                self.init_pid = self._find_init()
                if self.init_pid is None:
                    time.sleep(0.1)
            state = ''
            while state not in SYSTEMD_STATES:
                if time.monotonic() > deadline:
                    raise RuntimeError('the container systemd says %r after %d s: %s' % (
                        state, timeout, self.run(['systemctl', '--failed', '--no-legend'], check=False).stdout))
                state = self.run(['systemctl', 'is-system-running'], check=False, timeout=10).stdout.strip()
                if state not in SYSTEMD_STATES:
                    time.sleep(0.2)
        except BaseException:
            self.stop()
            raise
        self.boots.append(time.monotonic() - started)
        return self.init_pid

    def _find_init(self) -> int | None:
        children = _children()
        pending = list(children.get(self.nspawn.pid, []))
        for attempt in range(64):  # nspawn's outer and inner children, then the init
            if not pending:
                return None
            pid = pending.pop(0)
            spaces = _namespace_pid(pid)
            if len(spaces) >= 2 and spaces[-1] == '1':
                return pid
            pending.extend(children.get(pid, []))
        return None

    def stop(self, timeout: float = 30) -> str:
        """Stop the container by PID: an orderly power-off first (SIGRTMIN+4 to its systemd),
        SIGKILL of nspawn and of the init when that does not finish in time. Says which."""
        how = 'not running'
        init, nspawn = self.init_pid, self.nspawn
        if alive(init):
            how = 'powered off'
            os.kill(init, signal.SIGRTMIN + 4)
            deadline = time.monotonic() + timeout
            while alive(init) and time.monotonic() < deadline:
                time.sleep(0.2)
        if nspawn is not None:
            try:
                nspawn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                how = 'killed'
                nspawn.kill()
                nspawn.wait(timeout=10)
        if alive(init):
            how = 'killed'
            os.kill(init, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while alive(init) and time.monotonic() < deadline:
                time.sleep(0.1)
        self.init_pid, self.nspawn = None, None
        # the (empty) cgroups nspawn made for itself and its payload on this machine
        for group in sorted(nspawn_cgroups() - self.cgroups_before, key=lambda p: -len(p.parts)):
            for sub in sorted((d for d in group.rglob('*') if d.is_dir()), key=lambda p: -len(p.parts)):
                _rmdir(sub)
            _rmdir(group)
        return how

    def remove(self):
        self.stop()
        shutil.rmtree(self.work, ignore_errors=True)
        try:
            (CACHE / 'work').rmdir()
        except OSError:
            pass

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors='replace')[-3000:]
        except OSError:
            return ''

    # -- inside ------------------------------------------------------------------------------
    def enter(self, namespaces=('-m', '-u', '-i', '-n', '-p', '-r', '-w')) -> list[str]:
        if not alive(self.init_pid):
            raise RuntimeError('the container is not running')
        return ['nsenter', '-t', str(self.init_pid)] + list(namespaces) + ['--']

    def run(self, command, check=True, timeout=60, stdin_text=None) -> subprocess.CompletedProcess:
        """A command inside the container (its root, PID and network namespaces)."""
        done = subprocess.run(self.enter() + ['/usr/bin/env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8']
                              + list(command), capture_output=True, text=True, timeout=timeout, check=False, input=stdin_text)
        if check and done.returncode != 0:
            raise RuntimeError('%s failed in the container (%d): %s %s' % (command, done.returncode, done.stdout, done.stderr))
        return done

    def run_in_network(self, command, timeout=60) -> subprocess.CompletedProcess:
        """A command of this machine inside the container's network namespace only."""
        return subprocess.run(self.enter(('-n',)) + list(command), capture_output=True, text=True, timeout=timeout,
                              check=False)

    def path(self, inside: str) -> Path:
        """Where a path of the container lies in the working tree."""
        return self.tree / inside.lstrip('/')

    def show(self, unit: str, *properties: str) -> dict:
        out = self.run(['systemctl', 'show', unit, '-p', ','.join(properties)]).stdout
        return dict(line.split('=', 1) for line in out.splitlines() if '=' in line)


def nspawn_cgroups() -> set[Path]:
    """The cgroups systemd-nspawn creates beside itself when the machine runs no systemd."""
    roots = [Path('/sys/fs/cgroup')] + [p for p in Path('/sys/fs/cgroup').glob('*') if p.is_dir()]
    return {root / name for root in roots for name in ('payload', 'supervisor') if (root / name).is_dir()}


def _rmdir(path: Path):
    try:
        path.rmdir()
    except OSError:
        pass


def _sweep_stale_sessions():
    """Working trees of sessions whose pytest no longer runs (a crash, a kill -9)."""
    work = CACHE / 'work'
    if not work.is_dir():
        return
    for session in work.glob('session-*'):
        pid = session.name.split('-', 1)[1]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)) and not _booted(session / 'tree'):
            shutil.rmtree(session, ignore_errors=True)


def _booted(tree: Path) -> bool:
    """Whether a systemd-nspawn still runs from that tree (left by a killed session)."""
    for entry in Path('/proc').iterdir():
        try:
            if entry.name.isdigit() and str(tree).encode() in (entry / 'cmdline').read_bytes():
                return True
        except OSError:
            continue
    return False
