# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Report files on the controller: rewritten only when their content changes, and whole."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

from ansible.module_utils.common.text.converters import to_bytes


def differs(path, content):
    """Whether ``path`` is missing or holds something other than ``content``."""
    try:
        with open(path, 'rb') as current:
            return current.read() != to_bytes(content)
    except (IOError, OSError):
        return True


def write(path, content):
    """Write whole or not at all: a reader never sees half a report."""
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.' + os.path.basename(path) + '.')
    try:
        with os.fdopen(handle, 'wb') as stream:
            stream.write(to_bytes(content))
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
