# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The labs' figures: printed at the end of the run and written as JSON (one implementation for both labs)."""

from __future__ import annotations

import json

from playbook_runner import report_figures


class Reporter:
    def __init__(self):
        self.lines = []

    def section(self, title):
        self.lines.append('== %s' % title)

    def write_line(self, line):
        self.lines.append(line)


def test_figures_are_printed_and_written(tmp_path):
    reporter = Reporter()
    report_figures(reporter, 'lab figures', {'boots (s)': [0.32, 0.54], 'tree cache': '/var/cache/x'},
                   tmp_path / 'out' / 'figures.json')
    assert reporter.lines == ['== lab figures', 'boots (s): [0.32, 0.54]', 'tree cache: "/var/cache/x"']
    assert json.loads((tmp_path / 'out' / 'figures.json').read_text()) == {'boots (s)': [0.32, 0.54],
                                                                           'tree cache': '/var/cache/x'}


def test_no_figures_no_section_and_no_file(tmp_path):
    reporter = Reporter()
    report_figures(reporter, 'lab figures', {}, tmp_path / 'figures.json')
    assert reporter.lines == [] and not (tmp_path / 'figures.json').exists()
