# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make the checkout importable as ``ansible_collections.voip.trunk_security``.

The repository root is the collection; tests import it the way Ansible does, through a
collections path that links ``ansible_collections/voip/trunk_security`` to the checkout.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
#: A PYTHONWARNINGS entry: the one warning an Ansible command prints at start-up with cryptography 46 and later.
DSA_WARNING = 'ignore:DSA is deprecated:Warning'


def collections_path() -> Path:
    """A directory holding ansible_collections/voip/trunk_security -> the checkout."""
    digest = hashlib.sha256(str(REPO).encode()).hexdigest()[:10]
    base = Path(tempfile.gettempdir()) / ('voip-trunk-security-' + digest)
    link = base / 'ansible_collections' / 'voip' / 'trunk_security'
    if not (link.is_symlink() and link.resolve() == REPO):
        link.parent.mkdir(parents=True, exist_ok=True)
        tmp = link.with_name('trunk_security.%d' % os.getpid())
        tmp.symlink_to(REPO, target_is_directory=True)
        os.replace(tmp, link)
    return base


COLLECTIONS_PATH = collections_path()
if str(COLLECTIONS_PATH) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_PATH))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Point Ansible, and pytest-ansible when it is installed, at the linked checkout.

    Without ``ansible_unit_inject_only`` pytest-ansible would build its own
    ``collections/`` tree of symlinks inside the checkout; with it, it only registers
    the collections path given here with Ansible's collection finder.
    """
    os.environ['ANSIBLE_COLLECTIONS_PATH'] = str(COLLECTIONS_PATH)
    # ansible-core's ssh-agent support imports cryptography's DSA, which cryptography 46 and later deprecate with a
    # warning on every start of an Ansible command: the tests read those commands' output, so that one warning is
    # kept out of it (any other warning still shows)
    os.environ['PYTHONWARNINGS'] = ','.join(filter(None, [os.environ.get('PYTHONWARNINGS'), DSA_WARNING]))
    if hasattr(config.option, 'ansible_unit_inject_only'):
        config.option.ansible_unit_inject_only = True


@pytest.fixture(scope='session')
def collections_dir() -> Path:
    return COLLECTIONS_PATH


@pytest.fixture(scope='session')
def repo_root() -> Path:
    return REPO
