# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benign inputs for every template of the roles, and the variables each role's tasks derive
from them before rendering, so that tests can render every file in-process.

The role defaults are read from ``roles/ROLE/defaults/main.yml`` (and ``vars/main.yml``) and
resolved as Ansible resolves them (natively typed, one variable referring to another), over the
inputs a test gives; what the tasks compute (``set_fact``) is mirrored here, expression for
expression, and says which task it follows.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nativetypes
import yaml
from ansible_collections.voip.trunk_security.plugins.module_utils import gateway, platforms
from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import microsoft as mediation_server

import template_env

ROLES = Path(__file__).resolve().parents[2] / 'roles'
HOSTNAME = 'gw01.example.net'


def trunk(name, connection='public', tls=True, srtp=True, opportunistic=True, address='192.0.2.10', server_name=None,
          gateway_address='127.0.0.10', **gw):
    provider = {'name': 'Example Telecom', 'tls': tls, 'srtp': srtp, 'address': address}
    if server_name:
        provider['server_name'] = server_name
    return {
        'name': name, 'connection': connection, 'opportunistic': opportunistic, 'provider': provider,
        'mediation_subnet': {'cidr': '10.1.0.0/28', 'audience': 'authorized_it'},
        'segments': [{'name': 'carrier meet-me room', 'audience': 'limited_non_it'}],
        'gateway': dict({'address': gateway_address}, **gw),
    }


#: One trunk per branch of the Kamailio template: TLS to an IP next hop (its name checked against the
#: certificate), TLS to a named next hop, and two TCP trunks sharing one listener.
GATEWAY_TRUNKS = [
    trunk('public', server_name='sbc.example.net'),
    trunk('named', address='sbc.provider.test', gateway_address='127.0.0.13'),
    trunk('migrating', 'private', tls=False, opportunistic=False, address='192.0.2.20', gateway_address='127.0.0.11',
          srtp_mode='optional'),
    trunk('plain', 'private', tls=False, srtp=False, opportunistic=False, address='192.0.2.30',
          gateway_address='127.0.0.11'),
]

#: What the gateway_render playbook sets over the defaults.
GATEWAY_INPUTS = {
    'mediation_gateway_internal_listen': {'address': '127.0.0.1', 'port': 5070},
    'mediation_gateway_internal_next_hop': {'address': '127.0.0.1', 'port': 5080},
}
SIP_ENDPOINT_INPUTS = {
    'sip_endpoint_aor': 'sip:alice@lab.test',
    'sip_endpoint_proxy': {'address': '127.0.0.10', 'port': 5067},
    'sip_endpoint_display_name': 'Alice Example',
    'sip_endpoint_extra_modules': ['debug_cmd'],
    'sip_endpoint_extra_config': {'sip_verify_server': 'yes'},
}
MEDIA_RELAY_INPUTS = {
    'media_relay_interfaces': [{'name': 'internal', 'address': '127.0.0.3'}, {'name': 'trunk', 'address': '127.0.0.4'}],
    'media_relay_extra_options': {'delete-delay': 30},
}
SERVICE_INPUTS = {
    'service_instance_name': 'kamailio-gateway',
    'service_instance_command': ('/usr/sbin/kamailio -DD -E -f /etc/kamailio/gateway/kamailio.cfg -m 64 -M 8 '
                                 '-P /run/kamailio-gateway/kamailio.pid'),
    'service_instance_description': 'Kamailio gateway side, instance gateway',
}


def _native_environment():
    env = jinja2.nativetypes.NativeEnvironment(undefined=jinja2.StrictUndefined)
    template_env.add_ansible_plugins(env)
    env.globals['lookup'] = lambda *args, **kwargs: '/tmp'
    return env


_NATIVE = _native_environment()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _expression_backslashes(text):
    # Ansible escapes the backslashes of a variable's expressions before it renders them (escape_backslashes), so
    # that regex_replace('...', '\2') keeps its backslash
    return re.sub(r'\{\{.*?\}\}', lambda m: m.group(0).replace('\\', '\\\\'), text, flags=re.S)


def _rendered(value, context):
    if isinstance(value, str):
        return _compiled(_expression_backslashes(value)).render(context) if '{{' in value else value
    if isinstance(value, dict):
        return dict((key, _rendered(item, context)) for key, item in value.items())
    if isinstance(value, list):
        return [_rendered(item, context) for item in value]
    return value


def _resolve(values, templates):
    """The ``templates`` (names whose values came from the role's files) rendered against the other values, each
    once its variables are known, as Ansible resolves variables: what a template gives is not rendered again, and
    the other values are data, never rendered."""
    resolved = dict(values)
    waiting = {}
    for name in templates:
        needs = set()
        for text in _strings(resolved[name]):
            if '{{' in text:
                needs |= _needs(text)
        if needs or any('{{' in text for text in _strings(resolved[name])):
            waiting[name] = needs
    while waiting:
        ready = [name for name, needs in waiting.items() if not needs & set(waiting)]
        if not ready:
            raise AssertionError('defaults that refer to each other: %s' % sorted(waiting))
        for name in ready:
            try:
                resolved[name] = _rendered(resolved[name], resolved)
            except jinja2.UndefinedError as error:
                raise AssertionError('default %s does not resolve: %s' % (name, error))
            del waiting[name]
    return resolved


@functools.lru_cache(maxsize=None)
def _role_files(role):
    found = {}
    for part in ('defaults', 'vars'):
        path = ROLES / role / part / 'main.yml'
        if path.is_file():
            found.update(yaml.safe_load(path.read_text()) or {})
    return found


@functools.lru_cache(maxsize=4096)
def _needs(text):
    return frozenset(jinja2.meta.find_undeclared_variables(_NATIVE.parse(text)))


@functools.lru_cache(maxsize=4096)
def _compiled(text):
    return _NATIVE.from_string(text)


def role_variables(role, inputs):
    """The role's defaults and constants under ``inputs``, resolved. ``inputs`` are taken as they are (never
    rendered: a CMDB export is data, not a template)."""
    found = copy.deepcopy(_role_files(role))
    for name in inputs:
        found.pop(name, None)
    values = dict(found)
    values.update({'inventory_hostname': HOSTNAME, 'sip_trunks': []})
    values.update(copy.deepcopy(inputs))
    return _resolve(values, sorted(found))


# ---------------------------------------------------------------------------------------------
# What each role's tasks compute before they render
# ---------------------------------------------------------------------------------------------

def gateway_variables(inputs, trunks, settings=None):
    """mediation_gateway: tasks/main.yml computes mediation_gateway_settings with the gateway_settings filter
    (``settings`` stands in for its result, for a test that goes past the engine)."""
    values = role_variables('mediation_gateway', inputs)
    values['mediation_gateway_settings'] = gateway.settings_all(trunks) if settings is None else settings
    return values


def _jinja_int(value):
    # the task's "| int": what is no integer is 0
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


def mediation_server_desired(values, platform):
    """mediation_gateway, tasks/microsoft/main.yml: _mediation_gateway_desired (its _options, one by one)."""
    options = {
        'host': values['inventory_hostname'],
        'module': values['mediation_gateway_sfb_module'],
        'mediation_server': values['mediation_gateway_sfb_mediation_server'],
        'trunks': values['mediation_gateway_sfb_trunks'],
        'media_configuration': values['mediation_gateway_sfb_media_configuration'],
        'manage_ports': bool(values['mediation_gateway_sfb_manage_ports']),
        'trunk_transport_property': values['mediation_gateway_sfb_trunk_transport_property'],
        'certificate_type': values['mediation_gateway_sfb_certificate_type'],
        'wmi_namespace': values['mediation_gateway_ocs_wmi_namespace'],
        'transport_values': values['mediation_gateway_ocs_transport_values'],
        'encryption_levels': values['mediation_gateway_ocs_encryption_levels'],
        'certificate_names': values['mediation_gateway_certificate_names'],
        'certificate_expiry_warn_days': _jinja_int(values['mediation_gateway_certificate_expiry_warn_days']),
    }
    return mediation_server.desired(values['mediation_gateway_settings'], platform, options)


#: The benign inputs of the SBC platforms: every listen address of GATEWAY_TRUNKS, and the hostile-value test's
#: stand-ins for one (127.0.0.77, 2001:db8::77), mapped to an interface.
_LISTEN_ADDRESSES = ('127.0.0.10', '127.0.0.11', '127.0.0.13', '127.0.0.77', '2001:db8::77')
CUBE_INPUTS = dict(GATEWAY_INPUTS, mediation_gateway_platform='cisco_cube', mediation_gateway_cube_trustpoint='CUBE-TP',
                   mediation_gateway_cube_ca_trustpoint='PROVIDER-CA',
                   # the two TCP trunks share 127.0.0.11:5068: the router's one plaintext listener, not a tenant's each
                   mediation_gateway_cube_non_secure_port=5068,
                   mediation_gateway_cube_interfaces=dict((address, 'GigabitEthernet0/0/%d' % number)
                                                          for number, address in enumerate(_LISTEN_ADDRESSES, 1)))
AUDIOCODES_INPUTS = dict(GATEWAY_INPUTS, mediation_gateway_platform='audiocodes',
                         mediation_gateway_audiocodes_network_interfaces=dict(
                             (address, 'WAN-%d' % number) for number, address in enumerate(_LISTEN_ADDRESSES, 1)))


def cube_desired(values):
    """mediation_gateway, tasks/cisco_cube/main.yml: _mediation_gateway_sbc_desired (its _options, one by one)."""
    options = {
        'host': values['inventory_hostname'],
        'release': '%s' % values['mediation_gateway_cube_release'],
        'trustpoint': values['mediation_gateway_cube_trustpoint'],
        'ca_trustpoint': values['mediation_gateway_cube_ca_trustpoint'],
        'identity_key': values['mediation_gateway_cube_identity_key'],
        'tag_base': values['mediation_gateway_cube_tag_base'],
        'trunks': values['mediation_gateway_cube_trunks'],
        'interfaces': values['mediation_gateway_cube_interfaces'],
        'destination_pattern': values['mediation_gateway_cube_destination_pattern'],
        'srtp_suites': values['mediation_gateway_cube_srtp_suites'],
        'secure_port': values['mediation_gateway_cube_secure_port'],
        'non_secure_port': values['mediation_gateway_cube_non_secure_port'],
    }
    return platforms.sbc('cisco_cube').desired(values['mediation_gateway_settings'], options)


def audiocodes_desired(values):
    """mediation_gateway, tasks/audiocodes/main.yml: _mediation_gateway_sbc_desired (its _options, one by one)."""
    options = {
        'host': values['inventory_hostname'],
        'mode': values['mediation_gateway_audiocodes_mode'],
        'firmware': '%s' % values['mediation_gateway_audiocodes_firmware'],
        'index_base': values['mediation_gateway_audiocodes_index_base'],
        'name_prefix': values['mediation_gateway_audiocodes_name_prefix'],
        'srd': values['mediation_gateway_audiocodes_srd'],
        'network_interfaces': values['mediation_gateway_audiocodes_network_interfaces'],
        'trunks': values['mediation_gateway_audiocodes_trunks'],
    }
    return platforms.sbc('audiocodes').desired(values['mediation_gateway_settings'], options)


def render_sbc(platform, values):
    """The files the SBC platform's rendered mode writes: {file: text}."""
    if platform == 'cisco_cube':
        desired = cube_desired(values)
        templates = {'cube.cfg': 'cisco_cube/cube.cfg.j2'}
    else:
        desired = audiocodes_desired(values)
        templates = {'audiocodes incremental.ini': 'audiocodes/incremental.ini.j2',
                     'audiocodes cli.txt': 'audiocodes/cli.txt.j2'}
    context = dict(values, _mediation_gateway_sbc_desired=desired)
    return dict((name, template_env.render('mediation_gateway', template, context))
                for name, template in templates.items())


def sip_endpoint_variables(inputs, settings=None):
    """sip_endpoint, tasks/config.yml: sip_endpoint_decided and the _sip_endpoint_* facts the templates read
    (``settings`` stands in for the trunk's gateway settings, for a test that goes past the engine)."""
    values = role_variables('sip_endpoint', inputs)
    trunk_ = values['sip_endpoint_trunk']
    if settings is None:
        settings = gateway.settings_all([trunk_])[0] if trunk_ else None
    policy = {
        'transport': settings['transport'] if settings else 'tls',
        'media_encryption': ({'required': 'srtp-mand', 'optional': 'srtp', 'disabled': 'none'}[settings['srtp_mode']]
                             if settings else 'srtp-mand'),
    }
    transport = policy['transport'] if values['sip_endpoint_transport'] == 'auto' else values['sip_endpoint_transport']
    encryption = (policy['media_encryption'] if values['sip_endpoint_media_encryption'] == 'auto'
                  else values['sip_endpoint_media_encryption'])
    values['sip_endpoint_decided'] = {
        'transport': transport, 'media_encryption': encryption, 'trunk': settings['name'] if settings else None,
        'policy': policy,
        'follows_policy': (values['sip_endpoint_transport'] in ('auto', policy['transport'])
                           and values['sip_endpoint_media_encryption'] in ('auto', policy['media_encryption'])),
    }
    address = values['sip_endpoint_listen_address']
    proxy = values['sip_endpoint_proxy']
    listen_host = '[%s]' % address if ':' in str(address) else address
    values['_sip_endpoint_listen_hostport'] = '%s:%s' % (listen_host, values['sip_endpoint_listen_port'])
    values['_sip_endpoint_proxy_host'] = '[%s]' % proxy['address'] if ':' in str(proxy['address']) else proxy['address']
    values['_sip_endpoint_proxy_port'] = proxy.get('port') or (5061 if transport == 'tls' else 5060)
    values['_sip_endpoint_modules'] = (['g711'] + (['ausine', 'aubridge'] if values['sip_endpoint_audio'] == 'tone'
                                                   else ['alsa'])
                                       + (['sndfile'] if values['sip_endpoint_record'] else []) + ['srtp']
                                       + list(values['sip_endpoint_extra_modules']))
    # the candidate's path (tasks/config.yml, "Candidate configuration and account")
    values['_sip_endpoint_certificate_path'] = (values['sip_endpoint_config_dir'] + '/candidate/sip.pem'
                                                if values['sip_endpoint_certificate_source'] == 'lab'
                                                else values['sip_endpoint_certificate'])
    # tasks/certificates.yml: the sha1 of the certificate and of the CA file
    values['_sip_endpoint_certificate_checksum'] = 'da39a3ee5e6b4b0d3255bfef95601890afd80709'
    values['_sip_endpoint_ca_checksum'] = '5ba93c9db0cff93f52b521d7420e43f6eda2784f' if values['sip_endpoint_ca_file'] else ''
    return values


def media_relay_variables(inputs):
    return role_variables('media_relay', inputs)


def service_variables(inputs):
    return role_variables('service_instance', inputs)


# ---------------------------------------------------------------------------------------------
# Rendering every file
# ---------------------------------------------------------------------------------------------

FILES = {
    'kamailio.cfg': ('mediation_gateway', 'kamailio/kamailio.cfg.j2'),
    'tls.cfg': ('mediation_gateway', 'kamailio/tls.cfg.j2'),
    'baresip config': ('sip_endpoint', 'config.j2'),
    'baresip accounts': ('sip_endpoint', 'accounts.j2'),
    'rtpengine.conf': ('media_relay', 'rtpengine.conf.j2'),
    'systemd unit': ('service_instance', 'systemd.service.j2'),
    'supervisor program': ('service_instance', 'supervisor.conf.j2'),
}


def render_file(name, values):
    """One of the files above, rendered from the role's variables."""
    role, template = FILES[name]
    return template_env.render(role, template, values)


def render_gateway(values):
    return dict((name, render_file(name, values)) for name in ('kamailio.cfg', 'tls.cfg'))


def render_powershell(desired, platform):
    return {'%s/%s.ps1' % (platform, kind): template_env.render(
        'mediation_gateway', 'microsoft/%s/gateway.ps1.j2' % platform,
        {'_mediation_gateway_desired': desired, '_mediation_gateway_script_kind': kind}) for kind in ('apply', 'drift')}


def render_sip_endpoint(values):
    return dict((name, render_file(name, values)) for name in ('baresip config', 'baresip accounts'))


def render_media_relay(values):
    return {'rtpengine.conf': render_file('rtpengine.conf', values)}


def render_service(values):
    return dict((name, render_file(name, values)) for name in ('systemd unit', 'supervisor program'))
