# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Headless Chromium through Selenium and Debian's chromedriver: nothing is downloaded.

Helpers of the browser tests (their fixtures are in conftest.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path('/usr/bin/chromium')
CHROMEDRIVER = Path('/usr/bin/chromedriver')
CHROMIUM_ARGUMENTS = ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
                      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
                      '--hide-scrollbars')


def _missing(tools=()) -> list[str]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    missing.extend(tool for tool in tools if shutil.which(tool) is None)
    try:
        import selenium  # noqa: F401  pylint: disable=unused-import
    except ImportError:
        missing.append('the selenium Python package')
    return missing


def need(tools=()):
    """Skip (fail under CI) when the browser, its driver or one of ``tools`` is missing."""
    missing = _missing(tools)
    if missing:
        message = ('the browser tests need %s (apt-get install chromium chromium-driver poppler-utils; pip install selenium)'
                   % ', '.join(missing))
        if os.environ.get('CI'):
            pytest.fail(message)
        pytest.skip(message)


def start_chromium(profile: Path, script: bool = True):
    """One headless Chromium, logging console messages and network events; ``script=False``: JavaScript off."""
    need()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGUMENTS + ('--user-data-dir=%s' % profile, '--window-size=1280,900'):
        options.add_argument(argument)
    if not script:
        options.add_experimental_option('prefs', {'profile.managed_default_content_settings.javascript': 2})
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL', 'performance': 'ALL'})
    # an explicit Service: selenium-manager never looks for, or downloads, a driver
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
