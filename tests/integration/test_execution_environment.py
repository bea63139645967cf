# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The execution environment: meta/execution-environment.yml is valid ansible-builder (schema 3),
the example image definition makes a build context naming every dependency, and ansible-builder's
own introspection, the step an image build runs once the collections are in, finds the collection's
Python and system packages. (Building the image needs a container engine and registry: not here.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / 'examples' / 'execution-environment' / 'execution-environment.yml'

ansible_builder = pytest.importorskip('ansible_builder')


def builder() -> str:
    beside = Path(sys.executable).parent / 'ansible-builder'
    return str(beside) if beside.exists() else shutil.which('ansible-builder') or 'ansible-builder'


def requirement_lines(path: Path) -> list:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.lstrip().startswith('#')]


def declared() -> dict:
    return yaml.safe_load((REPO / 'galaxy.yml').read_text())['dependencies']


def test_the_collection_ee_file_is_schema_3_and_names_the_requirement_files():
    from ansible_builder.ee_schema import validate_schema
    meta = yaml.safe_load((REPO / 'meta' / 'execution-environment.yml').read_text())
    validate_schema(meta)               # raises on anything schema 3 does not allow
    assert meta['version'] == 3
    assert meta['dependencies'] == {'python': 'requirements.txt', 'system': 'bindep.txt'}
    for name in meta['dependencies'].values():
        assert requirement_lines(REPO / name), name


def test_requirements_yml_lists_the_collections_galaxy_yml_declares():
    listed = dict((entry['name'], entry['version']) for entry in yaml.safe_load((REPO / 'requirements.yml').read_text())['collections'])
    assert listed == declared()


def test_the_build_context_names_every_dependency(tmp_path):
    definition = yaml.safe_load(EXAMPLE.read_text())
    context = tmp_path / 'context'
    done = subprocess.run([builder(), 'create', '-f', str(EXAMPLE), '--context', str(context),
                           '--output-filename', 'Containerfile'], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    containerfile = (context / 'Containerfile').read_text()
    assert 'EE_BASE_IMAGE="%s"' % definition['images']['base_image']['name'] in containerfile
    assert 'ansible-core>=2.17.0,<2.20 ansible-runner>=2.4' in containerfile
    assert 'PYCMD="/usr/bin/python3.11"' in containerfile
    # the build installs the collections, then introspects them for their Python and system packages
    assert 'ansible-galaxy collection install' in containerfile and 'introspect.py introspect' in containerfile
    galaxy = yaml.safe_load((context / '_build' / 'requirements.yml').read_text())
    versions = dict((entry['name'], entry['version']) for entry in galaxy['collections'])
    assert versions == dict(declared(), **{'voip.trunk_security': '>=1.0.0'})


def test_introspection_finds_the_collections_python_and_system_packages(tmp_path):
    """What an image build's introspection step gathers from an installed voip.trunk_security."""
    installed = tmp_path / 'collections' / 'ansible_collections' / 'voip' / 'trunk_security'
    installed.mkdir(parents=True)
    for name in ('meta/execution-environment.yml', 'requirements.txt', 'bindep.txt', 'galaxy.yml'):
        (installed / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, installed / name)
    pip_out, bindep_out = tmp_path / 'requirements.txt', tmp_path / 'bindep.txt'
    done = subprocess.run([builder(), 'introspect', '--sanitize', str(tmp_path / 'collections'),
                           '--write-pip', str(pip_out), '--write-bindep', str(bindep_out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    python = pip_out.read_text()
    for line in requirement_lines(REPO / 'requirements.txt'):
        assert line in python, (line, python)
    assert '# from collection voip.trunk_security' in python
    system = bindep_out.read_text()
    for line in requirement_lines(REPO / 'bindep.txt'):
        assert line in system, (line, system)
