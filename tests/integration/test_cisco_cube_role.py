# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The role mediation_gateway on platform cisco_cube, through real ansible-playbook runs on localhost.

* rendered mode: cube.cfg lands on the controller (equal to the unit tests' golden file), ``--check --diff``
  writes nothing and shows the file, a rerun changes nothing - and all of it with no collection on the
  collections path but this one: rendered mode never loads cisco.ios.
* network_cli mode against a stand-in router: a collection named cisco.ios, written here, whose
  ios_command prints a configuration file and whose ios_config applies the lines it is given to that file
  (with the rules docs/platforms/cisco_cube.md states) and logs every call. It proves what the role's tasks
  send (exactly the drift's blocks, nothing in check mode), that the change is checked by a second read,
  and that drift which remains fails the play naming the trunk - before any save: the stand-in keeps a
  startup configuration, and the log holds every read, send and save in order. It does not prove what a real
  IOS XE router does with those lines: no router runs here.
* A Kamailio host never loads the cisco.ios tasks: the role's task files are read to show that the only
  tasks using cisco.ios stand in tasks/cisco_cube/network_cli.yml, reached only through include_tasks
  guarded by the platform and the mode (a Kamailio host cannot run here: the role would install Kamailio).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / 'tests' / 'unit' / 'golden' / 'cisco_cube'
RECORDED = REPO / 'tests' / 'unit' / 'recorded' / 'cisco_cube'
HOST = 'med-lon-01'

#: London's trunks (examples/inventory/host_vars/med-lon-01.yml) and the inputs of the unit tests' golden file.
CUBE_VARS = {
    'mediation_gateway_platform': 'cisco_cube',
    'mediation_gateway_allow_blockers': True,
    'mediation_gateway_cube_trustpoint': 'CUBE-TP',
    'mediation_gateway_cube_ca_trustpoint': 'PROVIDER-CA',
    'mediation_gateway_cube_interfaces': {'10.10.5.4': 'GigabitEthernet0/0/1', '10.10.5.20': 'GigabitEthernet0/0/2'},
}

PLAYBOOK = """
- name: The gateway side of a CUBE
  hosts: all
  gather_facts: false
  roles:
    - role: voip.trunk_security.mediation_gateway
"""

FAKE_IOS_COMMAND = r'''
from ansible.module_utils.basic import AnsibleModule
import json
import os


def main():
    module = AnsibleModule(argument_spec={'commands': {'type': 'list', 'elements': 'raw', 'required': True}},
                           supports_check_mode=True)
    with open(os.environ['FAKE_IOS_LOG'], 'a') as log:
        log.write(json.dumps({'module': 'ios_command', 'commands': module.params['commands']}) + '\n')
    with open(os.environ['FAKE_IOS_DEVICE']) as handle:
        text = handle.read()
    module.exit_json(changed=False, stdout=[text for _ in module.params['commands']],
                     stdout_lines=[text.splitlines() for _ in module.params['commands']])


main()
'''

# applies as docs/platforms/cisco_cube.md states IOS does: a mode is entered (made when new), a line replaces
# the child of the same setting, "no LINE" removes that line; FAKE_IOS_STUBBORN makes it take nothing. A call
# without lines saves as ios_config's save_when says: always, or modified when the running configuration
# differs from the startup one (FAKE_IOS_STARTUP); never in check mode.
FAKE_IOS_CONFIG = r'''
from ansible.module_utils.basic import AnsibleModule
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import cisco_cube as cube
import json
import os


def tree_of(text):
    tree, top = {}, []
    for block in cube.parse(text)['blocks']:
        path = tuple(block['parents'])
        if len(path) == 1 and path not in tree:
            top.append(path)
        tree.setdefault(path, []).extend(block['lines'])
    return tree, top


def write(tree, top):
    out = []

    def emit(path):
        out.append(' ' * (len(path) - 1) + path[-1])
        for child in tree.get(path, []):
            if path + (child,) in tree:
                emit(path + (child,))
            else:
                out.append(' ' * len(path) + child)

    for path in top:
        emit(path)
        out.append('!')
    return '\n'.join(out) + '\n'


def main():
    module = AnsibleModule(argument_spec={
        'parents': {'type': 'list', 'elements': 'str'}, 'lines': {'type': 'list', 'elements': 'str'},
        'match': {'type': 'str', 'default': 'line'}, 'running_config': {'type': 'str'},
        'save_when': {'type': 'str', 'default': 'never'}}, supports_check_mode=True)
    params = module.params
    saved = False
    if not params['lines'] and not module.check_mode:
        with open(os.environ['FAKE_IOS_DEVICE']) as handle:
            running = handle.read()
        startup = None
        if os.path.exists(os.environ['FAKE_IOS_STARTUP']):
            with open(os.environ['FAKE_IOS_STARTUP']) as handle:
                startup = handle.read()
        if params['save_when'] == 'always' or (params['save_when'] == 'modified' and running != startup):
            with open(os.environ['FAKE_IOS_STARTUP'], 'w') as handle:
                handle.write(running)
            saved = True
    with open(os.environ['FAKE_IOS_LOG'], 'a') as log:
        log.write(json.dumps({'module': 'ios_config', 'parents': params['parents'], 'lines': params['lines'],
                              'match': params['match'], 'save_when': params['save_when'],
                              'check_mode': module.check_mode, 'has_running_config': bool(params['running_config']),
                              'saved': saved}) + '\n')
    if not params['lines']:
        module.exit_json(changed=saved)
    commands = list(params['parents'] or []) + list(params['lines'])
    if module.check_mode or os.environ.get('FAKE_IOS_STUBBORN'):
        module.exit_json(changed=True, commands=commands, updates=commands)
    with open(os.environ['FAKE_IOS_DEVICE']) as handle:
        tree, top = tree_of(handle.read())
    path = ()
    for parent in params['parents'] or []:
        if path and parent not in tree[path]:
            tree[path].append(parent)
        path += (parent,)
        if path not in tree:
            tree[path] = []
            if len(path) == 1:
                top.append(path)
    for line in params['lines']:
        if line.startswith('no '):
            gone = cube.canonical(line[3:])
            tree[path] = [c for c in tree[path] if cube.canonical(c) != gone]
        else:
            tree[path] = [c for c in tree[path] if cube.key(c) != cube.key(line)] + [line]
    with open(os.environ['FAKE_IOS_DEVICE'], 'w') as handle:
        handle.write(write(tree, top))
    module.exit_json(changed=True, commands=commands, updates=commands)


main()
'''


def london_trunks():
    return yaml.safe_load((REPO / 'examples' / 'inventory' / 'host_vars' / 'med-lon-01.yml').read_text())['sip_trunks']


@pytest.fixture
def cube_run(run_playbook, ansible_env, tmp_path):
    """Run the role on one CUBE host (connection local) with these variables; ``env`` adds to the environment."""
    playbook = tmp_path / 'cube.yml'
    playbook.write_text(PLAYBOOK)

    def run(*args, env=None, **variables):
        inventory = tmp_path / 'inventory.yml'
        host_vars = dict(CUBE_VARS, sip_trunks=london_trunks(), ansible_connection='local',
                         ansible_python_interpreter=sys.executable, **variables)
        inventory.write_text(yaml.safe_dump({'all': {'hosts': {HOST: host_vars}}}))
        saved = dict(ansible_env)
        ansible_env.update(env or {})
        try:
            return run_playbook(playbook, *args, inventory=inventory)
        finally:
            ansible_env.clear()
            ansible_env.update(saved)

    return run


def only_this_collection(ansible_env):
    """The collections path of the tests (this collection only), without the ansible package's collections."""
    return {'ANSIBLE_COLLECTIONS_PATH': ansible_env['ANSIBLE_COLLECTIONS_PATH'], 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false'}


def test_rendered_mode_writes_cube_cfg_previews_in_check_mode_and_reruns_unchanged(cube_run, ansible_env, tmp_path):
    bare = only_this_collection(ansible_env)
    out = tmp_path / 'rendered'
    preview = cube_run('--check', '--diff', env=bare, mediation_gateway_render_dir=str(tmp_path / 'preview'))
    assert preview.rc == 0, preview
    assert not (tmp_path / 'preview').exists(), 'check mode wrote files'
    assert "TASK [voip.trunk_security.mediation_gateway : Write cube.cfg" in preview.stdout and '+++ after' in preview.stdout
    assert '+voice class tls-profile 101' in preview.stdout and '+! #@trunk lon-public-primary' in preview.stdout
    assert preview.recap[HOST]['changed'] == 2, preview        # the directory and the file

    run = cube_run(env=bare, mediation_gateway_render_dir=str(out))
    assert run.rc == 0, run
    assert run.recap[HOST]['changed'] == 2 and run.recap[HOST]['failed'] == 0, run
    written = (out / HOST / 'cube.cfg').read_text()
    assert written == (GOLDEN / 'example-med-lon-01-17.8.cfg').read_text()
    # the notes: what the router does regardless, what stays the operator's
    assert 'always requests a client certificate' not in run.stdout      # both trunks are mutual TLS
    assert 'crypto signaling default is the TLS policy of every TLS peer' in run.stdout

    again = cube_run(env=bare, mediation_gateway_render_dir=str(out))
    assert again.rc == 0 and again.recap[HOST]['changed'] == 0, again


def test_rendered_mode_refuses_what_the_release_cannot_express(cube_run, tmp_path):
    run = cube_run(mediation_gateway_render_dir=str(tmp_path / 'out'), mediation_gateway_cube_release='16.12')
    assert run.rc != 0, run
    assert "trunk 'lon-public-primary': listen.port 5067 is not CUBE's global secure port 5061" in run.stdout, run
    assert not (tmp_path / 'out').exists()


@pytest.fixture
def router(ansible_env, tmp_path):
    """A stand-in router: a cisco.ios collection of two fake modules ahead of everything else on the
    collections path, its configuration file and its call log."""
    modules = tmp_path / 'fake' / 'ansible_collections' / 'cisco' / 'ios' / 'plugins' / 'modules'
    modules.mkdir(parents=True)
    (modules / 'ios_command.py').write_text(FAKE_IOS_COMMAND)
    (modules / 'ios_config.py').write_text(FAKE_IOS_CONFIG)
    device = tmp_path / 'running-config.txt'
    startup = tmp_path / 'startup-config.txt'
    log = tmp_path / 'ios.log'
    env = {'ANSIBLE_COLLECTIONS_PATH': '%s:%s' % (tmp_path / 'fake', ansible_env['ANSIBLE_COLLECTIONS_PATH']),
           'FAKE_IOS_DEVICE': str(device), 'FAKE_IOS_STARTUP': str(startup), 'FAKE_IOS_LOG': str(log)}

    class Router:
        def load(self, name):
            """A router running the recorded configuration, saved."""
            device.write_text((RECORDED / name).read_text())
            startup.write_text(device.read_text())

        def text(self):
            return device.read_text()

        def startup(self):
            return startup.read_text()

        def save_other(self, text):
            """A startup configuration other than the running one (changes not saved yet)."""
            startup.write_text(text)

        def log(self):
            if not log.exists():
                return []
            return [json.loads(line) for line in log.read_text().splitlines()]

        def calls(self):
            """The ios_config calls."""
            return [entry for entry in self.log() if entry['module'] == 'ios_config']

        def events(self):
            """Every call in order: read (ios_command), send (ios_config with lines), save (one that saved) or
            no-save (one without lines that did not)."""
            return ['read' if e['module'] == 'ios_command' else 'send' if e['lines'] else
                    'save' if e['saved'] else 'no-save' for e in self.log()]

        def clear(self):
            if log.exists():
                log.unlink()

    router = Router()
    router.env = env
    return router


def drifted_blocks():
    sys.path.insert(0, str(REPO / 'tests'))
    from ansible_collections.voip.trunk_security.plugins.module_utils import gateway
    from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import cisco_cube as cube
    desired = cube.desired(gateway.settings_all(london_trunks()), {
        'host': HOST, 'trustpoint': 'CUBE-TP', 'ca_trustpoint': 'PROVIDER-CA',
        'interfaces': CUBE_VARS['mediation_gateway_cube_interfaces']})
    return cube.drift(desired, (RECORDED / 'lon-17.8-one-trunk-drifted.txt').read_text())['blocks']


def test_network_cli_mode_sends_exactly_the_drift_checks_it_and_reruns_unchanged(cube_run, router):
    router.load('lon-17.8-one-trunk-drifted.txt')
    before = router.text()
    expected = drifted_blocks()
    mode = {'mediation_gateway_cube_mode': 'network_cli'}

    preview = cube_run('--check', '--diff', env=router.env, **mode)
    assert preview.rc == 0, preview
    assert router.text() == before, 'check mode changed the router'
    sent = [c for c in router.calls() if c['lines']]
    assert [{'parents': c['parents'], 'lines': c['lines']} for c in sent] == expected
    assert all(c['check_mode'] and c['match'] == 'none' and c['has_running_config'] for c in sent)
    # the diff: the device now and the desired settings, each trunk's part marked
    assert '-dial-peer voice 1011 voip' not in preview.stdout and '+ srtp\n' in preview.stdout, preview
    assert 'lon-public-primary' in preview.stdout and ': the desired settings' in preview.stdout

    assert 'save' not in router.events() and router.startup() == before

    router.clear()
    run = cube_run(env=router.env, **mode)
    assert run.rc == 0, run
    assert [{'parents': c['parents'], 'lines': c['lines']} for c in router.calls() if c['lines']] == expected
    # send, read back and compare, and only then save (save_when: changed - this run sent lines)
    assert router.events() == ['read'] + ['send'] * len(expected) + ['read', 'save'], router.events()
    assert [c['save_when'] for c in router.calls() if not c['lines']] == ['always']
    assert router.startup() == router.text() != before
    assert ' srtp fallback' not in router.text().split('dial-peer voice 1011 voip')[1].split('!')[0]
    assert 'Fail where drift remains' in run.stdout and run.recap[HOST]['failed'] == 0

    router.clear()
    again = cube_run(env=router.env, **mode)
    assert again.rc == 0 and again.recap[HOST]['changed'] == 0, again
    assert router.calls() == []


@pytest.mark.parametrize('save_when', ['changed', 'always'])
def test_network_cli_mode_fails_naming_the_trunk_when_the_router_keeps_its_drift_and_saves_nothing(cube_run, router,
                                                                                                   save_when):
    router.load('lon-17.8-one-trunk-drifted.txt')
    startup = router.startup()
    router.save_other('! the startup configuration\n')
    run = cube_run(env=dict(router.env, FAKE_IOS_STUBBORN='1'), mediation_gateway_cube_mode='network_cli',
                   mediation_gateway_cube_save_when=save_when)
    assert run.rc != 0, run
    assert 'Drift remains on %s after the change: trunk lon-public-primary, host-wide still differ' % HOST in run.stdout, run
    assert router.events()[-2:] == ['send', 'read'] and 'save' not in router.events(), router.events()
    assert router.startup() == '! the startup configuration\n' != startup


def test_save_when_modified_saves_a_router_whose_running_configuration_differs_from_its_startup_one(cube_run, router):
    """Also with nothing to send: the operator's unsaved changes are saved too (as documented)."""
    router.load('lon-17.8-unchanged.txt')
    router.save_other('! the startup configuration\n')
    run = cube_run(env=router.env, mediation_gateway_cube_mode='network_cli', mediation_gateway_cube_save_when='modified')
    assert run.rc == 0 and run.recap[HOST]['changed'] == 1, run
    assert router.events() == ['read', 'save'] and router.startup() == router.text()
    router.clear()
    again = cube_run(env=router.env, mediation_gateway_cube_mode='network_cli', mediation_gateway_cube_save_when='modified')
    assert again.rc == 0 and again.recap[HOST]['changed'] == 0 and router.events() == ['read', 'no-save'], again


def test_network_cli_mode_on_a_router_already_right_sends_nothing(cube_run, router):
    router.load('lon-17.8-unchanged.txt')
    run = cube_run(env=router.env, mediation_gateway_cube_mode='network_cli')
    assert run.rc == 0 and run.recap[HOST]['changed'] == 0, run
    assert router.calls() == []


# --------------------------------------------------------------------------- who loads cisco.ios

def tasks_of(path):
    found = []

    def walk(items):
        for task in items or []:
            found.append(task)
            for key in ('block', 'rescue', 'always'):
                walk(task.get(key))

    walk(yaml.safe_load(path.read_text()))
    return found


def test_only_network_cli_yml_uses_cisco_ios_and_only_its_mode_includes_it():
    tasks_dir = REPO / 'roles' / 'mediation_gateway' / 'tasks'
    users = {}
    for path in sorted(tasks_dir.rglob('*.yml')):
        for task in tasks_of(path):
            if any(k.startswith(('cisco.', 'ansible.netcommon.')) for k in task):
                users.setdefault(path.relative_to(tasks_dir).as_posix(), []).append(task['name'])
    assert list(users) == ['cisco_cube/network_cli.yml'], users

    references = []
    for path in sorted(tasks_dir.rglob('*.yml')):
        for task in tasks_of(path):
            for key in ('ansible.builtin.include_tasks', 'ansible.builtin.import_tasks', 'include_tasks', 'import_tasks'):
                if 'network_cli' in str(task.get(key, '')):
                    references.append((path.relative_to(tasks_dir).as_posix(), key, task.get('when')))
    assert references == [('cisco_cube/main.yml', 'ansible.builtin.include_tasks',
                           "mediation_gateway_cube_mode == 'network_cli'")]

    # the platform's folder is included (dynamically) by platform: a Kamailio host includes kamailio/main.yml
    main = tasks_of(tasks_dir / 'main.yml')
    platform = [t for t in main if 'ansible.builtin.include_tasks' in t and 'platform' in str(t['ansible.builtin.include_tasks'])]
    assert len(platform) == 1 and '_mediation_gateway_platform_tasks[mediation_gateway_platform]' in \
        platform[0]['ansible.builtin.include_tasks'], platform
    folders = yaml.safe_load((REPO / 'roles' / 'mediation_gateway' / 'vars' / 'main.yml').read_text())['_mediation_gateway_platform_tasks']
    assert folders['kamailio'] != 'cisco_cube' and folders['cisco_cube'] == 'cisco_cube'
    assert not any(t for t in main if any(k.endswith('import_tasks') and 'cisco_cube' in str(t[k]) for k in t))
