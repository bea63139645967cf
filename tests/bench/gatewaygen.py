# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Deterministic inventory of Kamailio gateway hosts for the controller-cost benchmark.

Every host runs over ``ansible_connection: local`` with its own gateway instance, media
relay instance and directories under one base directory (which does not exist yet: a
check-mode run from a fresh state), its own listen addresses on 127.x.y.z, and a few
trunks from :mod:`trunkgen`, rewired to those addresses. Only trunks whose policy has no
blockers are used, so ``playbooks/enforce.yml`` configures every host without
``trunk_security_allow_blockers``; every trunk gets a distinct provider address, so no
two trunks of a host share a next hop.

    python tests/bench/gatewaygen.py HOSTS BASE_DIR > inventory.json

needs ``ansible_collections.voip.trunk_security`` importable (run_bench.py sees to it).
"""

from __future__ import annotations

import json
import sys

import trunkgen

TRUNKS_PER_HOST = 3
#: hosts per second octet: 127.<1 + host // 250>.<host % 250>.<trunk or relay side>
HOSTS_PER_BLOCK = 250


def _no_blockers(candidates: list) -> list:
    from ansible_collections.voip.trunk_security.plugins.module_utils import trunk_policy

    return [t for t, r in zip(candidates, trunk_policy.evaluate_all(candidates)) if not r['blockers']]


def host_address(host: int, last: int) -> str:
    return '127.%d.%d.%d' % (1 + host // HOSTS_PER_BLOCK, host % HOSTS_PER_BLOCK, last)


def gateway_trunks(hosts: int, per_host: int = TRUNKS_PER_HOST, seed: int = 11) -> list:
    """``per_host`` wired trunks for each of ``hosts`` hosts, as one list per host."""
    wanted = hosts * per_host
    pool: list = []
    start = 0
    while len(pool) < wanted:
        pool.extend(_no_blockers(trunkgen.trunks(wanted * 2, seed=seed, start=start)))
        start += wanted * 2
    out = []
    for host in range(hosts):
        mine = []
        for position, trunk in enumerate(pool[host * per_host:(host + 1) * per_host]):
            provider = dict(trunk.get('provider') or {})
            provider['address'] = 'sbc-%04d-%d.%s.example' % (
                host, position, (provider.get('name') or 'carrier').split()[0].lower())
            gateway = {'address': host_address(host, 10 + position)}
            mine.append(dict(trunk, provider=provider, gateway=gateway))
        out.append(mine)
    return out


def inventory(hosts: int, base: str, python: str = sys.executable, per_host: int = TRUNKS_PER_HOST) -> dict:
    """The inventory: host gw-NNNN keeps all its files under BASE/gw-NNNN/; modules run with ``python``
    (no interpreter discovery on every host)."""
    trunks = gateway_trunks(hosts, per_host)
    out = {}
    for host in range(hosts):
        name = 'gw-%04d' % host
        root = '%s/%s' % (base.rstrip('/'), name)
        out[name] = {
            'sip_trunks': trunks[host],
            'mediation_gateway_instance': name,
            'mediation_gateway_config_dir': root + '/etc/kamailio',
            'mediation_gateway_run_dir': root + '/run/kamailio',
            'mediation_gateway_lab_ca_dir': root + '/etc/lab-ca',
            'mediation_gateway_certificate_source': 'lab',
            'mediation_gateway_certificate_names': [name + '.bench.test'],
            'mediation_gateway_install_packages': False,
            'mediation_gateway_internal_listen': {'address': host_address(host, 2), 'port': 5070, 'transport': 'tcp'},
            'mediation_gateway_internal_next_hop': {'address': host_address(host, 3), 'port': 5062,
                                                    'transport': 'tcp'},
            'media_relay_instance': name + '-media',
            'media_relay_config_dir': root + '/etc/rtpengine',
            'media_relay_run_dir': root + '/run/rtpengine',
            'media_relay_install_packages': False,
            'media_relay_interfaces': [{'name': 'internal', 'address': host_address(host, 4)},
                                       {'name': 'trunk', 'address': host_address(host, 5)}],
            'media_relay_listen_ng': host_address(host, 1) + ':2223',
            'mediation_gateway_rtpengine_ng': host_address(host, 1) + ':2223',
            'service_instance_supervisor_dir': root + '/etc/supervisor/conf.d',
        }
    return {'all': {'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': python},
                    'hosts': out}}


if __name__ == '__main__':
    print(json.dumps(inventory(int(sys.argv[1]), sys.argv[2]), indent=1))
