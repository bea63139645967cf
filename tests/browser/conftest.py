# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The browser tests' fixtures: one headless Chromium with JavaScript, one without (see chromium.py)."""

from __future__ import annotations

import pytest
from chromium import start_chromium


@pytest.fixture(scope='session')
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp('chromium-profile'))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope='session')
def browser_without_script(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp('chromium-profile-noscript'), script=False)
    try:
        yield driver
    finally:
        driver.quit()
