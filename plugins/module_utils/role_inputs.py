# -*- coding: utf-8 -*-
# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The form of every role input that reaches a configuration file or a command line.

The roles' ``meta/argument_specs.yml`` give each input its type and choices; this module
gives each the grammar a template can take without changing the structure of the file it
renders: an address is an IP literal or an RFC 1123 host name, a port an integer 1-65535,
a path an absolute path of safe characters, a SIP address of record ``sip:user@host``, and
so on. :func:`validate` returns every problem (the variable, a message naming the value as
YAML shows it and the allowed form, the value); :func:`check` adds the warnings (a control
socket allowed off loopback); :func:`unknown_inputs` names the variables that carry a
role's prefix but are none of its inputs, with the closest real name.

Pure Python, no I/O, no Ansible import: the ``voip.trunk_security.role_inputs`` action
(first task of each role) and the tests call the same functions. Nothing here raises on
any input, of any type, size or depth.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import ipaddress
import re

from collections.abc import Mapping

from ansible_collections.voip.trunk_security.plugins.module_utils import describe, grammar

COLLECTION = 'voip.trunk_security'
ROLES = ('mediation_gateway', 'media_relay', 'sip_endpoint', 'service_instance')
PREFIXES = dict((role, role + '_') for role in ROLES)

#: Variables a role sets itself (set_fact, vars/main.yml): its outputs, not inputs, and never
#: warned about. Private ones start with an underscore and never carry the prefix.
ROLE_OUTPUTS = {
    'mediation_gateway': ('mediation_gateway_settings', 'mediation_gateway_rtpengine_known_suites'),
    'media_relay': (),
    'sip_endpoint': ('sip_endpoint_decided', 'sip_endpoint_changed'),
    'service_instance': ('service_instance_detected_manager', 'service_instance_restarted'),
}

# ---------------------------------------------------------------------------------------------
# The forms, in the words the messages use
# ---------------------------------------------------------------------------------------------

MAX_HOST_NAME = grammar.MAX_HOST_NAME
MAX_PATH = 4096
MAX_LINE = 1024

IP_FORM = 'an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10'
_HOST_NAME_WORDS = ('a host name (RFC 1123: labels of letters, digits and "-", 1-63 characters each, not starting '
                    'or ending with "-", separated by dots, %d characters in all)' % MAX_HOST_NAME)
HOST_FORM = 'an IPv4 or IPv6 address or ' + _HOST_NAME_WORDS
CERTIFICATE_NAME_FORM = ('an IPv4 or IPv6 address or ' + _HOST_NAME_WORDS[:-1]
                         + '; a leading "*." label is allowed)')
PORT_FORM = 'an integer from 1 to 65535'
INSTANCE_FORM = ('a name of letters, digits, "_", "." and "-", starting with a letter or a digit, '
                 'at most 64 characters')
SERVICE_NAME_FORM = ('a name of letters, digits, "_", "." and "-", starting with a letter or a digit, '
                     'at most 128 characters')


def path_form(limit=MAX_PATH, why=''):
    return ('an absolute path: "/"-separated parts of letters, digits, "_", ".", "@", "+" and "-", '
            'none of them "." or "..", at most %d characters%s' % (limit, why))


PATH_FORM = path_form()
#: tls.cfg's parser reads at most 512 bytes in a value; the defaults add file names to these directories
TLS_PATH_LIMIT = 480
TLS_PATH_FORM = path_form(TLS_PATH_LIMIT, " (Kamailio's tls.cfg reads at most 512 bytes in a value)")
#: a unix socket path holds at most 107 bytes, and Kamailio's control socket is RUN_DIR/kamailio_ctl
RUN_DIR_LIMIT = 90
RUN_DIR_FORM = path_form(RUN_DIR_LIMIT, " (Kamailio's control socket RUN_DIR/kamailio_ctl is a unix socket path, at "
                                        "most 107 bytes)")
#: baresip keeps at most 255 bytes of a configuration value; the role adds file names to these directories
BARESIP_PATH_LIMIT = 200
BARESIP_PATH_FORM = path_form(BARESIP_PATH_LIMIT, ' (baresip keeps at most 255 bytes of a configuration value)')
OPTIONAL_BARESIP_PATH_FORM = 'an empty string (none) or ' + BARESIP_PATH_FORM
LOCAL_PATH_FORM = 'a path on one line, without control characters, at most %d characters' % MAX_PATH
INTERFACE_NAME_FORM = 'a name of letters, digits, "_" and "-", at most 64 characters'
HOST_PORT_FORM = ('ADDRESS:PORT: an IPv4 address, a host name or an IPv6 address in brackets ([2001:db8::1]), '
                  'then ":" and a port from 1 to 65535')
NG_LISTEN_FORM = ('ADDRESS:PORT: an IPv4 address (the role pings the socket over IPv4), then ":" and a port from '
                  '1 to 65535')
CONTROL_LISTEN_FORM = ('ADDRESS:PORT: an IPv4 address or an IPv6 address in brackets ([::1]), then ":" and a port '
                       'from 1 to 65535 (baresip takes an address, not a name: write 127.0.0.1, not localhost)')
CIPHER_LIST_FORM = 'an OpenSSL cipher list of letters, digits and "+", ":", "!", "_", "-", at most 512 characters'
RTPENGINE_FLAG_FORM = ('an rtpengine flag of letters, digits and "_", ".", "=", "/", "+", ":", ",", "-", '
                       'starting with a letter or a digit, at most 128 characters')
AOR_FORM = ('a SIP address of record sip:USER@HOST: USER of letters, digits, %-escapes and '
            '"-", "_", ".", "!", "~", "*", "\'", "(", ")", "&", "=", "+", "$" (no ":" password, no ";" '
            'parameters, no "?" headers), HOST an IPv4 address, an IPv6 address in brackets or a host name, '
            'an optional ":PORT"; at most 256 characters')
DISPLAY_NAME_FORM = ('printable text on one line without \'"\', "\\", "<" or ">", at most 128 characters, '
                     'or an empty string')
DESCRIPTION_FORM = ('printable text on one line without \'"\', "%" or "\\", not starting or ending with a space, '
                    'at most 256 characters')
AUDIO_DEVICE_FORM = ('MODULE or MODULE,DEVICE: a module name of letters, digits and "_", then a device of letters, '
                     'digits and "_", ".", ":", ",", "=", "@", "/", "+", "-" (such as alsa,default or alsa,hw:0,0)')
CODEC_FORM = 'a codec name of letters, digits, "_", "." and "-", optionally /RATE and /CHANNELS (such as opus/48000/2)'
MODULE_NAME_FORM = 'a baresip module name of letters, digits and "_" (without ".so"), at most 64 characters'
RTP_PORTS_FORM = 'MIN-MAX, two ports from 1 to 65535 with MIN not above MAX (such as 10000-20000)'
COMMAND_FORM = ('an absolute program path, then arguments of letters, digits and "_", ".", "/", "@", "+", "=", ",", '
                '":", "-", separated by spaces (no quotes, "$", "%%", ";" or other shell or unit-file syntax), '
                'at most %d characters' % MAX_PATH)
PACKAGE_FORM = 'a Debian package name of lower-case letters, digits and "+", ".", "-", starting with a letter or a digit'
IDENTITY_FORM = ('an identity of letters, digits, spaces and ":", ".", "_", "@", "/", "-", starting with a letter or '
                 'a digit, not ending with a space, without "*", at most 255 characters (such as Global, site:London '
                 'or PstnGateway:sbc.contoso.example)')
MEDIATION_SERVER_FORM = 'MediationServer:FQDN or FQDN, the FQDN ' + HOST_FORM
PS_MODULE_FORM = 'a PowerShell module name of letters, digits, "_", "." and "-", at most 128 characters'
PROPERTY_FORM = 'a property name of letters, digits and "_", not starting with a digit, at most 64 characters'
WORD_FORM = 'a word of letters, digits and "_", starting with a letter, at most 64 characters'
WMI_VALUE_FORM = WORD_FORM + ', or an integer from 0 to 4294967295'
WMI_NAMESPACE_FORM = ('a WMI namespace: parts of letters, digits and "_" separated by "\\" or "/" (such as '
                      'root\\cimv2), at most 255 characters')
TRUNK_NAME_FORM = 'a trunk name of letters, digits, "_", "." and "-", at most 64 characters'
RTPENGINE_OPTION_FORM = 'an rtpengine.conf option name of letters, digits, "_" and "-", starting with a letter, at most 64 characters'
BARESIP_OPTION_FORM = 'a baresip configuration name of letters, digits and "_", starting with a letter, at most 64 characters'
RTPENGINE_VALUE_FORM = ('a string of printable characters on one line without "\\", not starting or ending with a '
                        'space, 1-%d characters, or an integer' % MAX_LINE)
BARESIP_VALUE_FORM = ('one word of printable characters without space, tab or "\\", 1-255 bytes (baresip reads a '
                      'value up to the first space), or an integer')

SRTP_SUITES = ('AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_256_CM_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32',
               'AES_192_CM_HMAC_SHA1_80', 'AES_192_CM_HMAC_SHA1_32', 'AES_CM_128_HMAC_SHA1_80',
               'AES_CM_128_HMAC_SHA1_32', 'F8_128_HMAC_SHA1_80', 'F8_128_HMAC_SHA1_32')

# rtpengine.conf and baresip config keys the role writes itself: an extra option of the same
# name would override or duplicate the role's own line (the control socket, the interfaces).
RTPENGINE_ROLE_KEYS = {
    'table': None, 'interface': 'media_relay_interfaces', 'listen-ng': 'media_relay_listen_ng',
    'port-min': 'media_relay_port_min', 'port-max': 'media_relay_port_max', 'pidfile': 'media_relay_run_dir',
    'foreground': None, 'log-stderr': None, 'log-level': 'media_relay_log_level',
}
BARESIP_ROLE_KEYS = {
    'poll_method': None, 'sip_listen': 'sip_endpoint_listen_address and sip_endpoint_listen_port',
    'sip_certificate': 'sip_endpoint_certificate', 'sip_cafile': 'sip_endpoint_ca_file',
    'net_interface': 'sip_endpoint_listen_address', 'call_local_timeout': None, 'call_max_calls': None,
    'audio_source': 'sip_endpoint_audio_source', 'audio_player': 'sip_endpoint_audio_player',
    'audio_alert': 'sip_endpoint_audio_player', 'ausrc_srate': None, 'ausrc_channels': None, 'audio_level': None,
    'ausrc_format': None, 'auplay_format': None, 'auenc_format': None, 'audec_format': None, 'audio_buffer': None,
    'rtp_tos': None, 'rtp_ports': 'sip_endpoint_rtp_ports', 'rtcp_mux': None, 'jitter_buffer_delay': None,
    'rtp_stats': None, 'module_path': None, 'module': 'sip_endpoint_extra_modules', 'module_tmp': None,
    'module_app': None, 'ctrl_tcp_listen': 'sip_endpoint_control_listen', 'statmode_default': None,
    'ringback_disabled': None, 'menu_bell': None, 'snd_path': 'sip_endpoint_record_dir',
}

_PORT_DIGITS = re.compile(r'[1-9][0-9]{0,4}\Z')
_INSTANCE = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z')
_SERVICE_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\Z')
_PATH = re.compile(r'(?:/[A-Za-z0-9_.@+-]+)+/?\Z')
_INTERFACE_NAME = re.compile(r'[A-Za-z0-9_-]{1,64}\Z')
_CIPHER_LIST = re.compile(r'[A-Za-z0-9+:!_-]{1,512}\Z')
_RTPENGINE_FLAG = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.=/+:,-]{0,127}\Z')
_AOR = re.compile(r'sip:(?:((?:[A-Za-z0-9_.!~*\'()&=+$-]|%[0-9A-Fa-f]{2})+)@)?'
                  r'(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253})(?::([0-9]{1,5}))?\Z')
_AUDIO_DEVICE = re.compile(r'[A-Za-z0-9_]{1,32}(?:,[A-Za-z0-9_.:,=@/+-]{0,128})?\Z')
_CODEC = re.compile(r'[A-Za-z0-9_.-]{1,32}(?:/[0-9]{1,6}){0,2}\Z')
_MODULE_NAME = re.compile(r'[A-Za-z0-9_]{1,64}\Z')
_RTP_PORTS = re.compile(r'([0-9]{1,5})-([0-9]{1,5})\Z')
_COMMAND = re.compile(r'/[A-Za-z0-9_./@+-]+(?: +[A-Za-z0-9_./@+=,:-]+)* *\Z')
_PACKAGE = re.compile(r'[a-z0-9][a-z0-9+.-]{0,127}\Z')
_IDENTITY = re.compile(r'[A-Za-z0-9](?:[A-Za-z0-9 :._@/-]{0,253}[A-Za-z0-9:._@/-])?\Z')
_PS_MODULE = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\Z')
_PROPERTY = re.compile(r'[A-Za-z_][A-Za-z0-9_]{0,63}\Z')
_WORD = re.compile(r'[A-Za-z][A-Za-z0-9_]{0,63}\Z')
_WMI_NAMESPACE = re.compile(r'[A-Za-z0-9_]+(?:[\\/][A-Za-z0-9_]+){0,31}\Z')
_TRUNK_NAME = re.compile(r'[A-Za-z0-9_.-]{1,64}\Z')
_RTPENGINE_OPTION = re.compile(r'[A-Za-z][A-Za-z0-9_-]{0,63}\Z')
_BARESIP_OPTION = re.compile(r'[A-Za-z][A-Za-z0-9_]{0,63}\Z')
_VARIABLE = re.compile(r'[A-Za-z_][A-Za-z0-9_]{0,127}\Z')
_TRUE = ('true', 'yes', 'on', '1', 'y', 't')
_FALSE = ('false', 'no', 'off', '0', 'n', 'f')


# ---------------------------------------------------------------------------------------------
# Grammar predicates (also used by the tests)
# ---------------------------------------------------------------------------------------------

def _is_str(value):
    return isinstance(value, str)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


is_ip_literal = grammar.is_ip_literal
is_host_name = grammar.is_host_name


def is_ipv4_literal(text):
    return is_ip_literal(text) and ':' not in text


def is_host(text):
    return is_ip_literal(text) or is_host_name(text)


def is_certificate_name(text):
    return is_ip_literal(text) or is_host_name(text, wildcard=True)


def port_number(value):
    """The port an integer (or a string of digits, as ``-e`` gives them) stands for, or ``None``."""
    if _is_int(value):
        return int(value) if 0 < value < 65536 else None
    if _is_str(value) and _PORT_DIGITS.match(value):
        number = int(value)
        return number if number < 65536 else None
    return None


def integer(value, low, high):
    """An integer within [low, high] (or a string of its digits), else ``None``; floats and booleans are not integers."""
    if _is_int(value):
        return int(value) if low <= value <= high else None
    if _is_str(value) and len(value) <= 20 and re.match(r'-?(?:0|[1-9][0-9]*)\Z', value):
        number = int(value)
        return number if low <= number <= high else None
    return None


def is_path(text, limit=MAX_PATH):
    if not _is_str(text) or len(text) > limit or not _PATH.match(text):
        return False
    return all(part not in ('.', '..') for part in text.split('/'))


def split_host_port(text):
    """``(host, port)`` of ``HOST:PORT`` or ``[IPV6]:PORT``, the host without brackets; ``None`` when it is not one."""
    if not _is_str(text) or len(text) > MAX_HOST_NAME + 10 or ':' not in text:
        return None
    if text.startswith('['):
        close = text.find(']:')
        if close < 0:
            return None
        host, port = text[1:close], text[close + 2:]
        if ':' not in host or not is_ip_literal(host):
            return None
    else:
        host, port = text.rsplit(':', 1)
        if not (is_ipv4_literal(host) or is_host_name(host)):
            return None
    number = port_number(port)
    if number is None:
        return None
    return host, number


def is_loopback(host):
    """127.0.0.0/8, ::1, or ::ffff:127.x.y.z."""
    try:
        address = ipaddress.ip_address(str(host))
    except ValueError:
        return False
    mapped = getattr(address, 'ipv4_mapped', None)
    return address.is_loopback or bool(mapped is not None and mapped.is_loopback)


def is_aor(text):
    if not _is_str(text) or len(text) > 256:
        return False
    match = _AOR.match(text)
    if not match:
        return False
    host, port = match.group(2), match.group(3)
    if host.startswith('['):
        if ':' not in host[1:-1] or not is_ip_literal(host[1:-1]):
            return False
    elif not (is_ipv4_literal(host) or is_host_name(host)):
        return False
    return port is None or port_number(port) is not None


def is_printable_line(text, limit):
    return _is_str(text) and len(text) <= limit and text.isprintable()


def boolean(value):
    """True or False as Ansible reads a boolean, ``None`` when it is not one."""
    if value is True or value is False:
        return value
    if _is_int(value) and value in (0, 1):
        return bool(value)
    if _is_str(value) and len(value) <= 5:
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return None


# ---------------------------------------------------------------------------------------------
# Checkers: each takes the value and returns a list of (message, offending value)
# ---------------------------------------------------------------------------------------------

def _wrong(value, form):
    return [('must be %s, found %s' % (form, describe.found(value)), value)]


def _formed(predicate, form, none_ok=False):
    def check(value):
        if value is None and none_ok:
            return []
        if not _is_str(value):
            return _wrong(value, form)
        if predicate(value):
            return []
        return [('%s is not %s' % (describe.show(value), form), value)]
    return check


def _regex(pattern, form, none_ok=False):
    return _formed(lambda text: pattern.match(text) is not None, form, none_ok)


def _int_range(low, high, why=''):
    form = 'an integer from %d to %d%s' % (low, high, why)

    def check(value):
        if integer(value, low, high) is not None:
            return []
        if _is_int(value) or (_is_str(value) and re.match(r'-?[0-9]+\Z', value)):
            return [('%s is not %s' % (describe.show(value), form), value)]
        return _wrong(value, form)
    return check


def _port(none_ok=False):
    def check(value):
        if value is None and none_ok:
            return []
        if port_number(value) is not None:
            return []
        if _is_int(value):
            return [('%s is not %s' % (describe.show(value), PORT_FORM), value)]
        return _wrong(value, PORT_FORM)
    return check


def _choice(choices):
    form = 'one of %s' % ', '.join(choices)

    def check(value):
        if _is_str(value) and value in choices:
            return []
        if _is_str(value):
            return [('%s is not an allowed value%s; allowed values: %s'
                     % (describe.show(value), _suggest(value, choices), ', '.join(choices)), value)]
        return _wrong(value, form)
    return check


def _boolean(value):
    if boolean(value) is not None:
        return []
    return _wrong(value, 'true or false')


def _list(item_check, minimum=0, what='item', none_ok=False):
    def check(value):
        if value is None and none_ok:
            return []
        if not isinstance(value, (list, tuple)):
            return _wrong(value, 'a list')
        if len(value) < minimum:
            return [('must have at least %d %s%s, found []' % (minimum, what, '' if minimum == 1 else 's'), value)]
        problems = []
        total = len(value)
        for index, item in enumerate(value):
            for message, found in item_check(item):
                problems.append(('%s %d of %d: %s' % (what, index + 1, total, message), found))
            if len(problems) >= 10:
                break
        return problems
    return check


def _mapping(fields, required=(), none_ok=False, empty_ok=False):
    """A mapping of known keys, each with its checker."""
    def check(value):
        if value is None and none_ok:
            return []
        if not isinstance(value, Mapping):
            return _wrong(value, 'a mapping')
        if empty_ok and not value:
            return []
        problems = []
        for key in value:
            if key not in fields:
                problems.append(('unknown key %s%s; allowed keys: %s'
                                 % (describe.show(key), _suggest(key, sorted(fields)), ', '.join(sorted(fields))), key))
            if len(problems) >= 10:
                return problems
        for key in sorted(fields):
            if key in value:
                for message, found in fields[key](value[key]):
                    problems.append(('%s: %s' % (key, message), found))
            elif key in required:
                problems.append(('%s is required' % key, value))
        return problems
    return check


def _option_value(value, form, one_word, limit):
    if _is_int(value):
        if abs(value) < 10 ** 18:
            return []
        return [('%s is not %s' % (describe.show(value), form), value)]
    if not _is_str(value):
        return _wrong(value, form)
    if (0 < len(value) <= limit and len(value.encode('utf-8', 'replace')) <= limit and value.isprintable()
            and '\\' not in value and value == value.strip() and not (one_word and ' ' in value)):
        return []
    return [('%s is not %s' % (describe.show(value), form), value)]


def _options(key_pattern, key_form, role_keys, boolean_words, program, value_form, one_word, limit):
    def check(value):
        if not isinstance(value, Mapping):
            return _wrong(value, 'a mapping of option names to values')
        problems = []
        for key in value:
            if len(problems) >= 10:
                break
            if not _is_str(key) or not key_pattern.match(key):
                problems.append(('%s is not %s' % (describe.show(key), key_form), key))
                continue
            if key in role_keys:
                owner = role_keys[key]
                problems.append(('%s is written by the role itself%s' % (
                    describe.show(key), ' (set %s instead)' % owner if owner else ' and cannot be set here'), key))
                continue
            item = value[key]
            if item is True or item is False:
                problems.append(('value of %s: %s is a boolean, which the template would write as %s; write the %s '
                                 'word as a string (%s)' % (key, describe.show(item), str(item), program,
                                                            boolean_words[item]), item))
                continue
            for message, found in _option_value(item, value_form, one_word, limit):
                problems.append(('value of %s: %s' % (key, message), found))
        return problems
    return check


_suggest = grammar.suggest


# The shared grammars
_instance = _regex(_INSTANCE, INSTANCE_FORM)
_path = _formed(is_path, PATH_FORM)
_tls_path = _formed(lambda text: is_path(text, TLS_PATH_LIMIT), TLS_PATH_FORM)
_run_dir = _formed(lambda text: is_path(text, RUN_DIR_LIMIT), RUN_DIR_FORM)
_baresip_path = _formed(lambda text: is_path(text, BARESIP_PATH_LIMIT), BARESIP_PATH_FORM)
_optional_baresip_path = _formed(lambda text: text == '' or is_path(text, BARESIP_PATH_LIMIT),
                                 OPTIONAL_BARESIP_PATH_FORM, none_ok=True)
_ip = _formed(is_ip_literal, IP_FORM)
_host = _formed(is_host, HOST_FORM)
_certificate_name = _formed(is_certificate_name, CERTIFICATE_NAME_FORM)
_host_port = _formed(lambda text: split_host_port(text) is not None, HOST_PORT_FORM)
_interface_name = _regex(_INTERFACE_NAME, INTERFACE_NAME_FORM)
_service_manager = _choice(('auto', 'systemd', 'supervisor'))
_transport = _choice(('tcp', 'tls'))
_identity = _regex(_IDENTITY, IDENTITY_FORM)
_wmi_value_word = _regex(_WORD, WMI_VALUE_FORM)


def _local_path(value):
    if _is_str(value) and 0 < len(value) <= MAX_PATH and value.isprintable():
        return []
    if _is_str(value):
        return [('%s is not %s' % (describe.show(value), LOCAL_PATH_FORM), value)]
    return _wrong(value, LOCAL_PATH_FORM)


def _wmi_value(value):
    if _is_int(value):
        if 0 <= value <= 4294967295:
            return []
        return [('%s is not %s' % (describe.show(value), WMI_VALUE_FORM), value)]
    return _wmi_value_word(value)


def _relay_address(value):
    problems = _ip(value)
    if not problems and ipaddress.ip_address(str(value)).is_unspecified:
        return [('%s is the wildcard address; name the address of the host this side uses (rtpengine relays '
                 'each side from its own address)' % describe.show(value), value)]
    return problems


def _internal_address(value):
    problems = _ip(value)
    if not problems and ipaddress.ip_address(str(value)).is_unspecified:
        return [('%s is the wildcard address; name the address the internal side sends to (the gateway tells the '
                 'internal side from the trunks by the address a request arrives on)' % describe.show(value), value)]
    return problems


def _ng_listen(value):
    parsed = split_host_port(value) if _is_str(value) else None
    if parsed is not None and is_ipv4_literal(parsed[0]):
        return []
    if not _is_str(value):
        return _wrong(value, NG_LISTEN_FORM)
    return [('%s is not %s' % (describe.show(value), NG_LISTEN_FORM), value)]


def _control_listen(value):
    parsed = split_host_port(value) if _is_str(value) else None
    if parsed is not None and is_ip_literal(parsed[0]):
        return []
    if not _is_str(value):
        return _wrong(value, CONTROL_LISTEN_FORM)
    return [('%s is not %s' % (describe.show(value), CONTROL_LISTEN_FORM), value)]


def _display_name(value):
    if value is None:
        return []
    if not _is_str(value):
        return _wrong(value, DISPLAY_NAME_FORM)
    if is_printable_line(value, 128) and not any(char in value for char in '"\\<>'):
        return []
    return [('%s is not %s' % (describe.show(value), DISPLAY_NAME_FORM), value)]


def _description(value):
    if not _is_str(value):
        return _wrong(value, DESCRIPTION_FORM)
    if is_printable_line(value, 256) and not any(char in value for char in '"%\\') and value.strip() == value \
            and value:
        return []
    return [('%s is not %s' % (describe.show(value), DESCRIPTION_FORM), value)]


def _command(value):
    if not _is_str(value):
        return _wrong(value, COMMAND_FORM)
    if len(value) <= MAX_PATH and _COMMAND.match(value) and all(
            part not in ('.', '..') for part in value.split(' ', 1)[0].split('/')):
        return []
    return [('%s is not %s' % (describe.show(value), COMMAND_FORM), value)]


def _rtp_ports(value):
    if not _is_str(value):
        return _wrong(value, RTP_PORTS_FORM)
    match = _RTP_PORTS.match(value)
    if match:
        low, high = port_number(match.group(1)), port_number(match.group(2))
        if low is not None and high is not None and low <= high:
            return []
    return [('%s is not %s' % (describe.show(value), RTP_PORTS_FORM), value)]


def _mediation_server(value):
    if not _is_str(value):
        return _wrong(value, MEDIATION_SERVER_FORM)
    name = value[len('MediationServer:'):] if value.startswith('MediationServer:') else value
    if is_host(name):
        return []
    return [('%s is not %s' % (describe.show(value), MEDIATION_SERVER_FORM), value)]


_suite_choice = _choice(SRTP_SUITES)


def _srtp_suite(value):
    if _is_str(value) and value.startswith('NULL_'):
        return [('%s is a NULL suite (no encryption) and cannot be chosen; allowed values: %s'
                 % (describe.show(value), ', '.join(SRTP_SUITES)), value)]
    return _suite_choice(value)


def _sfb_trunk_wiring(value):
    if _is_str(value):
        return _identity(value)
    return _mapping({'scope': _identity, 'trunk': _identity})(value)


def _sfb_trunks(value):
    if not isinstance(value, Mapping):
        return _wrong(value, 'a mapping of trunk names to a scope or {scope, trunk}')
    problems = []
    for key in value:
        if len(problems) >= 10:
            break
        if not _is_str(key) or not _TRUNK_NAME.match(key):
            problems.append(('%s is not %s' % (describe.show(key), TRUNK_NAME_FORM), key))
            continue
        for message, found in _sfb_trunk_wiring(value[key]):
            problems.append(('%s: %s' % (key, message), found))
    return problems


def _engine(value):
    """Checked by the policy engine (the trunk model) or parsed as data: nothing to add here."""
    return []


def _platform(form, kinds):
    """A mapping or list whose contents the platform's module (plugins/module_utils/platforms/) checks, whole,
    naming the input and the value: a per-trunk map, the interfaces, index bases - what only the platform's
    grammar can judge. Here only its kind."""
    def check(value):
        if isinstance(value, kinds) and not isinstance(value, (str, bool)):
            return []
        return _wrong(value, form)
    return check


def _release(choices):
    """A release or firmware line: a string of ``choices``; a YAML number (7.4, 17.8) is read as its text."""
    text_check = _choice(choices)

    def check(value):
        if isinstance(value, float) or _is_int(value):
            value = '%s' % value
        return text_check(value)
    return check


def _secret(value):
    """A password: text, never shown in a message."""
    if _is_str(value) and len(value) <= MAX_LINE:
        return []
    return [('must be text of at most %d characters (its value is not shown)' % MAX_LINE, None)]


_URL = re.compile(r'https?://[A-Za-z0-9.:\[\]-]{1,261}(?::[0-9]{1,5})?/?\Z')
URL_FORM = 'an http(s) address of the device, https://HOST or https://HOST:PORT'
_TRUSTPOINT = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}\Z')
_DEVICE_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}\Z')
DEVICE_NAME_FORM = 'a name of the device\'s objects (letters, digits, spaces and "_.-", at most 40 characters)'
_NAME_PREFIX = re.compile(r'[A-Za-z0-9_.-]{0,19}\Z')
NAME_PREFIX_FORM = 'empty, or letters, digits and "_.-" (at most 19 characters)'
_USER = re.compile(r'[A-Za-z0-9_.@-]{1,64}\Z')
USER_FORM = 'a user name of letters, digits and "_.@-" (at most 64 characters)'
_DIAL_PATTERN = re.compile(r'[0-9A-Za-z+.*#%$^()\[\],_-]{1,64}\Z')
DIAL_PATTERN_FORM = 'a destination pattern of digits, letters and "+.*#%$^()[],_-" (at most 64 characters)'
_CUBE_SUITES = ('AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32')
TRUSTPOINT_FORM = 'an IOS trustpoint name (letters, digits and "_.:/-", at most 64 characters)'


_RULES = {
    'media_relay': {
        'media_relay_instance': _instance,
        'media_relay_config_dir': _path,
        'media_relay_run_dir': _path,
        'media_relay_install_packages': _boolean,
        'media_relay_service_manager': _service_manager,
        'media_relay_interfaces': _list(_mapping({'name': _interface_name, 'address': _relay_address},
                                                 required=('name', 'address')), minimum=1, what='interface'),
        'media_relay_listen_ng': _ng_listen,
        'media_relay_port_min': _port(),
        'media_relay_port_max': _port(),
        'media_relay_log_level': _int_range(0, 7, ' (syslog levels)'),
        'media_relay_extra_options': _options(_RTPENGINE_OPTION, RTPENGINE_OPTION_FORM, RTPENGINE_ROLE_KEYS,
                                              {True: "'true'", False: "'false'"}, 'rtpengine',
                                              RTPENGINE_VALUE_FORM, False, MAX_LINE),
    },
    'mediation_gateway': {
        'mediation_gateway_platform': _choice(('kamailio', 'skype_for_business', 'ocs2007r2', 'audiocodes', 'cisco_cube')),
        'mediation_gateway_trunks': _engine,
        'mediation_gateway_allow_blockers': _boolean,
        'mediation_gateway_instance': _instance,
        'mediation_gateway_config_dir': _tls_path,
        'mediation_gateway_run_dir': _run_dir,
        'mediation_gateway_install_packages': _boolean,
        'mediation_gateway_service_manager': _service_manager,
        'mediation_gateway_shm_mb': _int_range(1, 1048576),
        'mediation_gateway_pkg_mb': _int_range(1, 65536),
        'mediation_gateway_children': _int_range(1, 1024),
        'mediation_gateway_backups_keep': _int_range(1, 1000),
        'mediation_gateway_tls_method': _choice(('TLSv1.2+', 'TLSv1.3+', 'TLSv1.2', 'TLSv1.3')),
        'mediation_gateway_tls_cipher_list': _regex(_CIPHER_LIST, CIPHER_LIST_FORM),
        'mediation_gateway_tls_verify_depth': _int_range(1, 100),
        'mediation_gateway_certificate_source': _choice(('files', 'lab')),
        'mediation_gateway_certificate': _tls_path,
        'mediation_gateway_private_key': _tls_path,
        'mediation_gateway_ca_list': _tls_path,
        'mediation_gateway_certificate_names': _list(_certificate_name, minimum=1, what='name'),
        'mediation_gateway_certificate_expiry_warn_days': _int_range(0, 36500),
        'mediation_gateway_lab_ca_dir': _tls_path,
        'mediation_gateway_internal_listen': _mapping({'address': _internal_address, 'port': _port(),
                                                       'transport': _transport},
                                                      required=('address', 'port')),
        'mediation_gateway_internal_next_hop': _mapping({'address': _host, 'port': _port(), 'transport': _transport},
                                                        required=('address',), none_ok=True, empty_ok=True),
        'mediation_gateway_internal_media_protocol': _choice(('RTP/AVP', 'RTP/SAVP')),
        'mediation_gateway_media_relay': _choice(('rtpengine', 'none')),
        'mediation_gateway_rtpengine_ng': _host_port,
        'mediation_gateway_media_interfaces': _mapping({'internal': _interface_name, 'trunk': _interface_name},
                                                       required=('internal', 'trunk')),
        'mediation_gateway_srtp_suites': _list(_srtp_suite, minimum=1, what='suite'),
        'mediation_gateway_rtpengine_extra_flags': _list(_regex(_RTPENGINE_FLAG, RTPENGINE_FLAG_FORM), what='flag'),
        'mediation_gateway_windows_mode': _choice(('winrm', 'rendered')),
        'mediation_gateway_render_dir': _local_path,
        'mediation_gateway_observed': _engine,
        'mediation_gateway_sfb_module': _regex(_PS_MODULE, PS_MODULE_FORM),
        'mediation_gateway_sfb_mediation_server': _mediation_server,
        'mediation_gateway_sfb_trunks': _sfb_trunks,
        'mediation_gateway_sfb_media_configuration': _identity,
        'mediation_gateway_sfb_manage_ports': _boolean,
        'mediation_gateway_sfb_trunk_transport_property': _regex(_PROPERTY, PROPERTY_FORM),
        'mediation_gateway_sfb_certificate_type': _regex(_WORD, WORD_FORM),
        'mediation_gateway_ocs_wmi_namespace': _formed(lambda text: len(text) <= 255 and _WMI_NAMESPACE.match(text),
                                                       WMI_NAMESPACE_FORM),
        'mediation_gateway_ocs_transport_values': _mapping({'tls': _wmi_value, 'tcp': _wmi_value}),
        'mediation_gateway_ocs_encryption_levels': _mapping({'required': _wmi_value, 'optional': _wmi_value,
                                                             'disabled': _wmi_value}),
        # AudioCodes Mediant (platforms/audiocodes.py checks the maps and names against the device's grammar)
        'mediation_gateway_audiocodes_mode': _choice(('rendered', 'rest')),
        'mediation_gateway_audiocodes_firmware': _release(('7.2', '7.4')),
        'mediation_gateway_audiocodes_index_base': _platform('an index, or a mapping of table names to indexes', (int, Mapping)),
        'mediation_gateway_audiocodes_name_prefix': _regex(_NAME_PREFIX, NAME_PREFIX_FORM),
        'mediation_gateway_audiocodes_srd': _regex(_DEVICE_NAME, DEVICE_NAME_FORM),
        'mediation_gateway_audiocodes_network_interfaces': _platform('a mapping of listen addresses to interface names', Mapping),
        'mediation_gateway_audiocodes_trunks': _platform('a mapping of trunk names to their objects\' settings', Mapping),
        'mediation_gateway_audiocodes_url': _regex(_URL, URL_FORM),
        'mediation_gateway_audiocodes_username': _formed(lambda text: text == '' or _USER.match(text), USER_FORM),
        'mediation_gateway_audiocodes_password': _secret,
        'mediation_gateway_audiocodes_validate_certs': _boolean,
        'mediation_gateway_audiocodes_ca_path': _formed(lambda text: text == '' or not _local_path(text),
                                                        'empty, or ' + LOCAL_PATH_FORM),
        'mediation_gateway_audiocodes_timeout': _int_range(1, 3600, ' (seconds)'),
        'mediation_gateway_audiocodes_save_configuration': _boolean,
        # Cisco CUBE (platforms/cisco_cube.py checks the maps, tags and suites against IOS's grammar)
        'mediation_gateway_cube_mode': _choice(('rendered', 'network_cli')),
        'mediation_gateway_cube_release': _release(('16.12', '17.3', '17.8')),
        'mediation_gateway_cube_trustpoint': _regex(_TRUSTPOINT, TRUSTPOINT_FORM, none_ok=True),
        'mediation_gateway_cube_ca_trustpoint': _regex(_TRUSTPOINT, TRUSTPOINT_FORM, none_ok=True),
        'mediation_gateway_cube_identity_key': _choice(('rsa', 'ecdsa')),
        'mediation_gateway_cube_tag_base': _int_range(1, 10000),
        'mediation_gateway_cube_trunks': _platform('a mapping of trunk names to their tags and settings', Mapping),
        'mediation_gateway_cube_interfaces': _platform('a mapping of listen addresses to IOS interface names', Mapping),
        'mediation_gateway_cube_destination_pattern': _regex(_DIAL_PATTERN, DIAL_PATTERN_FORM),
        'mediation_gateway_cube_srtp_suites': _list(_choice(_CUBE_SUITES), minimum=1, what='suite'),
        'mediation_gateway_cube_secure_port': _port(none_ok=True),
        'mediation_gateway_cube_non_secure_port': _port(none_ok=True),
        'mediation_gateway_cube_save_when': _choice(('always', 'never', 'modified', 'changed')),
        'mediation_gateway_cube_manage_default_signaling': _boolean,
    },
    'sip_endpoint': {
        'sip_endpoint_platform': _choice(('baresip',)),
        'sip_endpoint_instance': _instance,
        'sip_endpoint_config_dir': _baresip_path,
        'sip_endpoint_record_dir': _baresip_path,
        'sip_endpoint_install_packages': _boolean,
        'sip_endpoint_service_manager': _service_manager,
        'sip_endpoint_listen_address': _ip,
        'sip_endpoint_listen_port': _int_range(1, 65534, ' (baresip listens for TLS on the port + 1)'),
        'sip_endpoint_aor': _formed(is_aor, AOR_FORM),
        'sip_endpoint_display_name': _display_name,
        'sip_endpoint_proxy': _mapping({'address': _host, 'port': _port(none_ok=True)}, required=('address',)),
        'sip_endpoint_register': _boolean,
        'sip_endpoint_register_interval': _int_range(1, 86400, ' (seconds)'),
        'sip_endpoint_answer': _choice(('auto', 'manual')),
        'sip_endpoint_trunk': _engine,
        'sip_endpoint_transport': _choice(('auto', 'tls', 'tcp', 'udp')),
        'sip_endpoint_media_encryption': _choice(('auto', 'srtp-mand', 'srtp-mandf', 'srtp', 'none')),
        'sip_endpoint_certificate_source': _choice(('lab', 'files', 'none')),
        'sip_endpoint_certificate': _baresip_path,
        'sip_endpoint_ca_file': _optional_baresip_path,
        'sip_endpoint_lab_ca_dir': _baresip_path,
        'sip_endpoint_certificate_names': _list(_certificate_name, minimum=1, what='name'),
        'sip_endpoint_audio': _choice(('tone', 'device')),
        'sip_endpoint_tone_hz': _int_range(1, 24000, ' (Hz)'),
        'sip_endpoint_audio_source': _regex(_AUDIO_DEVICE, AUDIO_DEVICE_FORM),
        'sip_endpoint_audio_player': _regex(_AUDIO_DEVICE, AUDIO_DEVICE_FORM),
        'sip_endpoint_audio_codecs': _list(_regex(_CODEC, CODEC_FORM), minimum=1, what='codec'),
        'sip_endpoint_record': _boolean,
        'sip_endpoint_rtp_ports': _rtp_ports,
        'sip_endpoint_control_listen': _control_listen,
        'sip_endpoint_control_allow_remote': _boolean,
        'sip_endpoint_extra_modules': _list(_regex(_MODULE_NAME, MODULE_NAME_FORM), what='module'),
        'sip_endpoint_extra_config': _options(_BARESIP_OPTION, BARESIP_OPTION_FORM, BARESIP_ROLE_KEYS,
                                              {True: "'yes'", False: "'no'"}, 'baresip',
                                              BARESIP_VALUE_FORM, True, 255),
    },
    'service_instance': {
        'service_instance_name': _regex(_SERVICE_NAME, SERVICE_NAME_FORM),
        'service_instance_command': _command,
        'service_instance_description': _description,
        'service_instance_manager': _choice(('systemd', 'supervisor')),
        'service_instance_restart': _boolean,
        'service_instance_log': _path,
        'service_instance_supervisor_dir': _path,
        'service_instance_packages': _list(_regex(_PACKAGE, PACKAGE_FORM), minimum=1, what='package'),
    },
}

#: Inputs whose role default is derived from the host: when such an input is refused while it still
#: holds that default (its raw, untemplated value), the refusal says so and how to set it.
DERIVED_DEFAULTS = {
    'mediation_gateway_certificate_names': (
        ['{{ inventory_hostname }}'],
        'this is the default, [inventory_hostname], and the host\'s inventory name is not a certificate name: '
        'set mediation_gateway_certificate_names to the names the gateway\'s certificate carries'),
}


def explain_defaults(problems, raw_values):
    """``problems`` with a note added to each one whose field still holds its host-derived default
    (:data:`DERIVED_DEFAULTS`) in ``raw_values`` (the untemplated variables)."""
    explained = []
    for problem in problems:
        default = DERIVED_DEFAULTS.get(problem['field'])
        if default is not None and raw_values.get(problem['field']) == default[0]:
            problem = dict(problem, message='%s (%s)' % (problem['message'], default[1]))
        explained.append(problem)
    return explained


#: Every input each role checks: the names of its argument specs (a unit test keeps them equal).
INPUTS = dict((role, tuple(sorted(rules))) for role, rules in _RULES.items())


# ---------------------------------------------------------------------------------------------
# Checks across inputs
# ---------------------------------------------------------------------------------------------

def _cross_media_relay(values, problems, warnings):
    low = port_number(values.get('media_relay_port_min'))
    high = port_number(values.get('media_relay_port_max'))
    if low is not None and high is not None and low > high:
        problems.append(_problem('media_relay_port_min', '%d is above media_relay_port_max (%d): the media port '
                                 'range is empty' % (low, high), values.get('media_relay_port_min')))


def _cross_sip_endpoint(values, problems, warnings):
    listen = values.get('sip_endpoint_control_listen')
    parsed = split_host_port(listen) if _is_str(listen) else None
    if parsed is None or not is_ip_literal(parsed[0]) or is_loopback(parsed[0]):
        return
    if boolean(values.get('sip_endpoint_control_allow_remote', False)) is True:
        warnings.append('sip_endpoint_control_listen is %s, not a loopback address: baresip\'s control socket '
                        '(ctrl_tcp) has no authentication, so whoever reaches it can place and take calls as this '
                        'endpoint (allowed by sip_endpoint_control_allow_remote: true)' % describe.show(listen))
        return
    problems.append(_problem(
        'sip_endpoint_control_listen',
        '%s is not a loopback address (127.0.0.0/8 or [::1]): baresip\'s control socket (ctrl_tcp) has no '
        'authentication; keep it on loopback, or set sip_endpoint_control_allow_remote: true to expose it '
        'knowingly' % describe.show(listen), listen))


_CROSS = {
    'media_relay': _cross_media_relay,
    'sip_endpoint': _cross_sip_endpoint,
}


# ---------------------------------------------------------------------------------------------
# The interface
# ---------------------------------------------------------------------------------------------

def _problem(field, message, value):
    return {'field': field, 'message': message, 'value': describe.jsonable(value)}


def check(role, values):
    """Every problem and warning of a role's inputs: ``{'problems': [...], 'warnings': [...]}``.

    ``values`` maps the role's variable names to their (templated) values; only the names
    present are checked, so a caller may check one input alone. Names that are not inputs of
    the role are ignored here (see :func:`unknown_inputs`). Never raises."""
    problems, warnings = [], []
    try:
        if not _is_str(role) or role not in _RULES:
            problems.append(_problem('role', 'must be one of %s, found %s' % (', '.join(ROLES), describe.found(role)),
                                     role))
            return {'problems': problems, 'warnings': warnings}
        if not isinstance(values, Mapping):
            problems.append(_problem('values', 'must be a mapping of variable names to values, found %s'
                                     % describe.found(values), values))
            return {'problems': problems, 'warnings': warnings}
        rules = _RULES[role]
        for name in INPUTS[role]:
            if name not in values:
                continue
            try:
                found = rules[name](values[name])
            except Exception as error:  # a checker's own failure must still refuse, never pass or crash
                found = [('cannot be checked (%s): %s' % (type(error).__name__, describe.show(values[name])),
                          values[name])]
            for message, offending in found:
                problems.append(_problem(name, message, offending))
        try:
            if role in _CROSS:
                _CROSS[role](values, problems, warnings)
        except Exception as error:
            problems.append(_problem(role, 'the inputs cannot be checked together (%s)' % type(error).__name__, None))
    except Exception as error:  # pragma: no cover - the last wall: validate() never raises
        problems.append(_problem('values', 'cannot be checked (%s)' % type(error).__name__, None))
    return {'problems': problems, 'warnings': warnings}


def validate(role, values):
    """The problems of a role's inputs: a list of ``{'field', 'message', 'value'}``, empty when all
    are well formed. ``field`` is the role variable; ``message`` names the value as YAML shows it
    and the allowed form; ``value`` is the offending value (or its description when it is too big
    for JSON). Pure, never raises."""
    return check(role, values)['problems']


def refusal(role, problems):
    """The one-line message of a task that refuses a role's inputs."""
    return ('%s.%s refuses its inputs, before anything changed: %s'
            % (COLLECTION, role, '; '.join('%s: %s' % (p['field'], p['message']) for p in problems)))


def unknown_inputs(role, names, inputs=None):
    """For each variable in ``names`` that carries the role's prefix but is neither one of its
    ``inputs`` (default :data:`INPUTS`) nor one of its outputs, a warning naming the closest
    input: ``[{'name', 'suggestion', 'message'}]``, sorted by name."""
    found = []
    if role not in PREFIXES:
        return found
    prefix = PREFIXES[role]
    known = set(INPUTS[role] if inputs is None else inputs)
    outputs = set(ROLE_OUTPUTS[role])
    suffixes = sorted(name[len(prefix):] for name in known if name.startswith(prefix))
    for name in sorted(set(str(n) for n in names if _is_str(n) and n.startswith(prefix))):
        if name in known or name in outputs:
            continue
        close = difflib.get_close_matches(name[len(prefix):], suffixes, n=1, cutoff=0.6) if len(name) <= 128 else []
        suggestion = prefix + close[0] if close else None
        shown = name if _VARIABLE.match(name) else describe.show(name)
        message = '%s is not an input of %s.%s%s' % (
            shown, COLLECTION, role, ' (did you mean %s?)' % suggestion if suggestion else '')
        found.append({'name': name, 'suggestion': suggestion, 'message': message})
    return found
