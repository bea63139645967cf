# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two dependency jobs: what each installs, read from what the collection declares.

``oldest`` installs exactly the lower bounds: ansible-core from ``meta/runtime.yml``, each
dependency collection from ``galaxy.yml``, jmespath from ``requirements.txt``; the
dependency collections are copied out of the first ``ansible`` release that bundles
ansible-core at that lower bound. ``latest`` installs the newest releases the controller's
Python takes.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]

# The ansible package whose bundled collections are installed (as local copies) in each job:
# 10.0.1 is the first ansible 10 release on PyPI, the one that goes with ansible-core 2.17.
ANSIBLE_BUNDLE = {'oldest': 'ansible==10.0.1', 'latest': 'ansible>=10,<13'}
# ansible-core 2.20 needs Python 3.12: on 3.11, the newest is 2.19
LATEST_ANSIBLE_CORE = 'ansible-core>=2.17,<2.20'


def lower_bound(spec: str) -> str:
    match = re.fullmatch(r'\s*>=\s*([0-9][0-9.]*)\s*', spec)
    if not match:
        raise ValueError('not a plain lower bound (>=X.Y.Z): %r' % spec)
    return match.group(1)


def declared_collections() -> dict:
    """Dependency collection -> its declared lower bound (galaxy.yml)."""
    galaxy = yaml.safe_load((REPO / 'galaxy.yml').read_text())
    return dict((name, lower_bound(spec)) for name, spec in sorted(galaxy['dependencies'].items()))


def declared_ansible_core() -> str:
    return lower_bound(yaml.safe_load((REPO / 'meta' / 'runtime.yml').read_text())['requires_ansible'])


def declared_python(name: str) -> str:
    for line in (REPO / 'requirements.txt').read_text().splitlines():
        match = re.fullmatch(r'%s\s*>=\s*([0-9][0-9.]*)' % re.escape(name), line.strip())
        if match:
            return match.group(1)
    raise LookupError('%s has no lower bound in requirements.txt' % name)


def pip_requirements(job: str) -> list:
    """What the job's fresh virtualenv gets: ansible-core and jmespath, nothing else."""
    if job == 'oldest':
        return ['ansible-core==%s' % declared_ansible_core(), 'jmespath==%s' % declared_python('jmespath')]
    return [LATEST_ANSIBLE_CORE, 'jmespath>=%s' % declared_python('jmespath')]


def expected_collections(job: str):
    """The versions the job must end up with (None: whatever the newest bundle has)."""
    return declared_collections() if job == 'oldest' else None
