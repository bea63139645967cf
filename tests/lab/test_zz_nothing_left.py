# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The last test of the lab: once it is torn down, nothing of it is left on the machine (no supervisor program,
which the next supervisord start would run; no config, log or run directory; no process)."""

from __future__ import annotations

from pathlib import Path

from conftest import LEFT_BEHIND, SUPERVISORD_PID, lab_processes, leftovers, tear_down


def test_the_lab_leaves_nothing_behind(lab):
    assert leftovers(), 'the lab wrote nothing of what LEFT_BEHIND lists: the list is stale'
    tear_down()
    assert leftovers() == [], LEFT_BEHIND
    assert lab_processes() == []
    pid = SUPERVISORD_PID.read_text().strip() if SUPERVISORD_PID.exists() else ''
    assert not (pid.isdigit() and Path('/proc/%s/comm' % pid).exists()
                and Path('/proc/%s/comm' % pid).read_text().startswith('supervisord'))
