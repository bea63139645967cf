# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Headless Chromium through Selenium and Debian's chromedriver: nothing is downloaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path('/usr/bin/chromium')
CHROMEDRIVER = Path('/usr/bin/chromedriver')


def _missing() -> list[str]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    try:
        import selenium  # noqa: F401  pylint: disable=unused-import
    except ImportError:
        missing.append('the selenium Python package')
    return missing


@pytest.fixture(scope='session')
def browser(tmp_path_factory):
    """One headless Chromium for the session, logging console messages and network events."""
    missing = _missing()
    if missing:
        message = 'the browser tests need %s (apt-get install chromium chromium-driver; pip install selenium)' % ', '.join(missing)
        if os.environ.get('CI'):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
                     '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
                     '--user-data-dir=%s' % tmp_path_factory.mktemp('chromium-profile'), '--window-size=1280,900'):
        options.add_argument(argument)
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL', 'performance': 'ALL'})
    # an explicit Service: selenium-manager never looks for, or downloads, a driver
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()
