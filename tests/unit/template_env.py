# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The roles' templates rendered in-process, the way Ansible's template module renders them.

A Jinja2 environment with the template module's settings (trim_blocks, the trailing newline
kept, null written as nothing), Ansible's own filters and tests (``combine``, ``regex_replace``,
``zip``, ``match``...) under their short and ``ansible.builtin.`` names, and this collection's
filters under their ``voip.trunk_security.`` names: milliseconds per render instead of one
ansible-playbook run, so that property tests can render thousands of inputs.
"""

from __future__ import annotations

import functools
import importlib
import types
from pathlib import Path

import jinja2
from ansible.plugins.filter.core import FilterModule as CoreFilters
from ansible.plugins.filter.mathstuff import FilterModule as MathFilters
from ansible.plugins.test.core import TestModule as CoreTests

REPO = Path(__file__).resolve().parents[2]
ROLES = REPO / 'roles'
COLLECTION = 'voip.trunk_security'


def collection_filters():
    """Every filter of plugins/filter/, by its fully qualified name."""
    found = {}
    for path in sorted((REPO / 'plugins' / 'filter').glob('*.py')):
        module = importlib.import_module('ansible_collections.voip.trunk_security.plugins.filter.%s' % path.stem)
        for name, function in module.FilterModule().filters().items():
            found['%s.%s' % (COLLECTION, name)] = function
    return found


def add_ansible_plugins(env):
    """Ansible's filters and tests, by their short and ``ansible.builtin.`` names. Where Ansible replaces one of
    Jinja's own (``map``, ``select``, ``default``...) with a version made for its lazy templating, Jinja's stays:
    on plain data both give the same result. ``unique`` is Ansible's: Jinja's cannot take mappings."""
    for plugins, known in ((CoreFilters().filters(), env.filters), (MathFilters().filters(), env.filters),
                           (CoreTests().tests(), env.tests)):
        for name, function in plugins.items():
            if name == 'unique':
                known[name] = function
            known.setdefault(name, function)
            known['ansible.builtin.' + name] = function


def _finalize(value):
    return '' if value is None else value


def environment(role):
    """A Jinja2 environment loading ``roles/ROLE/templates``."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROLES / role / 'templates')), trim_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined, finalize=_finalize)
    add_ansible_plugins(env)
    env.filters.update(collection_filters())
    for name, function in list(env.filters.items()):
        env.filters[name] = _unrolled(function)
    return env


def _unrolled(function):
    """A filter whose generator result is made a list, as Ansible does with every filter's result (so that
    ``map(...) | unique`` sees the whole sequence even when unique falls back to a second pass)."""
    @functools.wraps(function)
    def unrolled(*args, **kwargs):
        result = function(*args, **kwargs)
        if isinstance(result, types.GeneratorType):
            return list(result)
        return result
    return unrolled


_ENVIRONMENTS = {}


def render(role, template, variables):
    """``roles/ROLE/templates/TEMPLATE`` rendered with ``variables`` (plus ``ansible_managed``)."""
    if role not in _ENVIRONMENTS:
        _ENVIRONMENTS[role] = environment(role)
    context = {'ansible_managed': 'Ansible managed'}
    context.update(variables)
    return _ENVIRONMENTS[role].get_template(template).render(context)
