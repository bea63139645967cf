# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Install the collection the way users do, and run it from the installed artifact.

``./run install latest`` and ``./run install oldest`` (both part of ``./run test``) set
VOIP_INSTALL_JOB; elsewhere these tests are skipped. Each job makes a fresh virtualenv with
only ansible-core and jmespath (from PyPI), builds the collection with that ansible-core,
and installs it with ``ansible-galaxy collection install --offline`` into an empty
collections path, together with its three dependency collections copied out of the
``ansible`` package (no Galaxy server is reached). Every command then runs with that
collections path alone and a HOME of its own, from a directory outside the checkout, so
nothing of the checkout can stand in for the artifact.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import jobs

JOB = os.environ.get('VOIP_INSTALL_JOB')
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    del config
    if JOB in ('latest', 'oldest'):
        return
    reason = 'the install jobs run with ./run install latest|oldest (VOIP_INSTALL_JOB)'
    for item in items:
        # this hook sees every item of the session: skip only this directory's
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Installed:
    job: str
    root: Path
    venv: Path
    collections: Path
    env: dict

    @property
    def collection(self) -> Path:
        return self.collections / 'ansible_collections' / 'voip' / 'trunk_security'

    def run(self, *command, cwd=None, timeout=600, check=True, env=None) -> subprocess.CompletedProcess:
        """Run a command of the job; ``env`` adds variables to the job's environment."""
        done = subprocess.run([str(c) for c in command], cwd=str(cwd or self.root / 'work'), env=dict(self.env, **(env or {})),
                              capture_output=True, text=True, timeout=timeout, check=False)
        if check and done.returncode != 0:
            raise AssertionError('%s exited %d\n--- stdout\n%s\n--- stderr\n%s'
                                 % (' '.join(map(str, command)), done.returncode, done.stdout[-6000:], done.stderr[-3000:]))
        return done

    def bin(self, name: str) -> str:
        return str(self.venv / 'bin' / name)


def _pip(*args, cwd):
    command = [sys.executable, '-m', 'pip'] + list(args)
    done = subprocess.run(command, cwd=str(cwd), capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise AssertionError('%s\n%s\n%s' % (' '.join(command), done.stdout[-3000:], done.stderr[-3000:]))
    return done


def _bundled_collections(root: Path, job: str) -> Path:
    """The dependency collections, copied out of the ansible package's wheel."""
    wheels = root / 'wheel'
    _pip('download', '--quiet', '--no-deps', '--only-binary', ':all:', '-d', str(wheels), jobs.ANSIBLE_BUNDLE[job], cwd=root)
    wheel, = wheels.glob('ansible-*.whl')
    sources = root / 'sources'
    wanted = tuple('ansible_collections/%s/' % name.replace('.', '/') for name in jobs.declared_collections())
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(sources, [name for name in archive.namelist() if name.startswith(wanted)])
    return sources


@pytest.fixture(scope='session')
def installed(tmp_path_factory) -> Installed:
    job = JOB
    root = tmp_path_factory.mktemp('install-' + job)
    for name in ('work', 'home', 'tmp'):
        (root / name).mkdir()
    venv = root / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True, timeout=300)
    done = subprocess.run([str(venv / 'bin' / 'python'), '-m', 'pip', 'install', '--quiet'] + jobs.pip_requirements(job),
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]

    env = dict((key, value) for key, value in os.environ.items() if not key.startswith(('ANSIBLE_', 'PYTHON', 'VIRTUAL_ENV')))
    env.update({
        'PATH': '%s:%s' % (venv / 'bin', env.get('PATH', '/usr/bin:/bin')),
        'HOME': str(root / 'home'),
        'ANSIBLE_COLLECTIONS_PATH': str(root / 'collections'),
        'ANSIBLE_LOCAL_TEMP': str(root / 'tmp'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_DEPRECATION_WARNINGS': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_PYTHON_INTERPRETER': str(venv / 'bin' / 'python'),
    })
    installed = Installed(job, root, venv, root / 'collections', env)

    sources = _bundled_collections(root, job)
    installed.run(installed.bin('ansible-galaxy'), 'collection', 'build', jobs.REPO, '--output-path', root / 'dist')
    artifact, = (root / 'dist').glob('voip-trunk_security-*.tar.gz')
    requirements = {'collections': [{'name': str(artifact), 'type': 'file'}] + [
        {'name': str(sources / 'ansible_collections' / name.replace('.', '/')), 'type': 'dir'}
        for name in jobs.declared_collections()]}
    (root / 'install-requirements.yml').write_text(yaml.safe_dump(requirements))
    installed.run(installed.bin('ansible-galaxy'), 'collection', 'install', '--offline', '-p', installed.collections,
                  '-r', root / 'install-requirements.yml')
    return installed


@pytest.fixture(scope='session')
def collection_list(installed) -> dict:
    """Collection name -> {version, path} of what ansible-galaxy sees (one entry each)."""
    done = installed.run(installed.bin('ansible-galaxy'), 'collection', 'list', '--format', 'json')
    found = {}
    for path, collections in json.loads(done.stdout).items():
        for name, info in collections.items():
            found.setdefault(name, []).append({'version': info['version'], 'path': path})
    return found
