# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Algorithm names -> security strength, and IKE/ESP/OpenVPN proposal parsing.

Every row of the strength table of TRUNK_POLICY.md, in several common spellings.
"""

from __future__ import annotations

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils import strength

ENC, KEX, INT = strength.ENCRYPTION, strength.KEY_EXCHANGE, strength.INTEGRITY


def bits(kind, name):
    algorithm = strength.lookup(kind, name)
    assert algorithm is not None, '%s %r was not recognised' % (kind, name)
    assert algorithm.kind == kind
    return algorithm.bits


# --------------------------------------------------------------------------- thresholds

def test_thresholds_are_the_contracts():
    assert strength.MIN_ENCRYPTION_BITS == 128
    assert strength.MIN_KEY_EXCHANGE_BITS == 112
    assert strength.WARN_BELOW_BITS == 128


# --------------------------------------------------------------------------- canonical

@pytest.mark.parametrize('spelling, key', [
    ('AES_256-GCM', 'aes256gcm'),
    ('  AES-256-GCM  ', 'aes256gcm'),
    ('esp-aes 256', 'espaes256'),
    ('HMAC/SHA2.256 (128)', 'hmacsha2256128'),
    ('DHGroup14', 'dhgroup14'),
])
def test_canonical_folds_case_and_separators(spelling, key):
    assert strength.canonical(spelling) == key


# --------------------------------------------------------------------------- ciphers

AES = [
    # AES-128, any mode
    ('aes128', 128), ('AES-128', 128), ('AES-128-CBC', 128), ('aes-128-ctr', 128), ('AES_128_GCM', 128),
    ('aes128gcm16', 128), ('aes128ccm8', 128), ('GCMAES128', 128), ('esp-aes 128', 128), ('esp-aes', 128),
    ('aes', 128),
    # AES-192
    ('aes192', 192), ('AES-192-GCM', 192), ('aes192ctr', 192), ('AES_192_CBC', 192), ('GCMAES192', 192),
    ('esp-aes 192', 192), ('aes192ccm16', 192),
    # AES-256
    ('aes256', 256), ('AES-256-GCM', 256), ('aes256gcm16', 256), ('AES_256_CBC', 256), ('GCMAES256', 256),
    ('esp-aes 256', 256), ('esp-gcm 256', 256), ('aes-256-ctr', 256), ('aes256ccm12', 256), ('AES256GCM', 256),
]


@pytest.mark.parametrize('name, expected', AES)
def test_aes_any_mode_strength_is_key_size(name, expected):
    assert bits(ENC, name) == expected


@pytest.mark.parametrize('name', ['AES-256-GCM', 'aes256gcm16', 'GCMAES256', 'aes128ccm8', 'esp-gcm 256'])
def test_aes_gcm_and_ccm_are_aead(name):
    assert strength.lookup(ENC, name).aead is True


@pytest.mark.parametrize('name', ['AES_256_CBC', 'aes-128-ctr', 'aes192'])
def test_aes_cbc_ctr_are_not_aead(name):
    assert strength.lookup(ENC, name).aead is False


@pytest.mark.parametrize('name', ['ChaCha20-Poly1305', 'chacha20poly1305', 'CHACHA20-POLY1305', 'chacha20_poly1305',
                                  'esp-chacha20-poly1305'])
def test_chacha20_poly1305_is_256(name):
    algorithm = strength.lookup(ENC, name)
    assert algorithm.bits == 256
    assert algorithm.name == 'chacha20-poly1305'
    assert algorithm.aead is True


@pytest.mark.parametrize('name, expected', [
    ('camellia128', 128), ('CAMELLIA-128-CBC', 128), ('camellia', 128), ('camellia_128_ctr', 128),
    ('camellia192', 192), ('CAMELLIA-192-CBC', 192), ('camellia192ccm16', 192),
    ('camellia256', 256), ('CAMELLIA-256-CBC', 256), ('Camellia_256_CTR', 256),
])
def test_camellia(name, expected):
    algorithm = strength.lookup(ENC, name)
    assert algorithm.bits == expected
    assert algorithm.name.startswith('camellia-')


@pytest.mark.parametrize('name', ['3des', '3DES', '3DES-CBC', 'des-ede3', 'DES-EDE3-CBC', 'des_ede3_cbc', 'des3',
                                  'DES3-CBC', 'TripleDES', 'TDEA', 'tdes', 'esp-3des'])
def test_three_key_3des_is_112_and_below_encryption_floor(name):
    algorithm = strength.lookup(ENC, name)
    assert algorithm.name == '3des'
    assert algorithm.bits == 112
    assert algorithm.bits < strength.MIN_ENCRYPTION_BITS


@pytest.mark.parametrize('name, canonical_name', [
    # DES
    ('des', 'des'), ('DES', 'des'), ('DES-CBC', 'des'), ('esp-des', 'des'), ('des56', 'des'),
    # 2-key triple DES
    ('DES-EDE', '3des-2key'), ('des-ede-cbc', '3des-2key'), ('DES_EDE_CBC', '3des-2key'),
    # RC4
    ('rc4', 'rc4'), ('RC4', 'rc4'), ('arcfour', 'rc4'), ('RC4-128', 'rc4'),
    # Blowfish (64-bit block)
    ('bf', 'blowfish'), ('BF-CBC', 'blowfish'), ('bf_cbc', 'blowfish'), ('Blowfish', 'blowfish'),
    # other 64-bit block ciphers
    ('CAST5-CBC', 'cast128'), ('idea', 'idea'),
    # NULL
    ('null', 'null'), ('NULL', 'null'), ('esp-null', 'null'), ('none', 'null'), ('eNULL', 'null'),
])
def test_weak_ciphers_are_below_112(name, canonical_name):
    algorithm = strength.lookup(ENC, name)
    assert algorithm is not None
    assert algorithm.name == canonical_name
    assert algorithm.bits < strength.MIN_KEY_EXCHANGE_BITS


@pytest.mark.parametrize('name', ['blowfish128', 'blowfish256', 'blowfish-cbc'])
def test_blowfish_strongswan_spellings_are_blowfish(name):
    algorithm = strength.lookup(ENC, name)
    assert algorithm is not None and algorithm.name == 'blowfish' and algorithm.bits == 64


@pytest.mark.parametrize('name', ['aes-512', 'aes-64', 'aesfoo', 'gcm-rot13', 'camellia-weak'])
def test_non_existent_aes_variants_are_not_recognised(name):
    assert strength.lookup(ENC, name) is None


# --------------------------------------------------------------------------- key exchange

@pytest.mark.parametrize('name, expected_name, expected', [
    # MODP by name
    ('modp768', 'modp768', 64), ('MODP-1024', 'modp1024', 80), ('modp_1536', 'modp1536', 96),
    ('modp2048', 'modp2048', 112), ('MODP3072', 'modp3072', 128), ('modp4096', 'modp4096', 152),
    ('modp6144', 'modp6144', 176), ('modp8192', 'modp8192', 192),
    # by IKE group number
    ('1', 'modp768', 64), ('2', 'modp1024', 80), ('5', 'modp1536', 96), ('14', 'modp2048', 112),
    ('15', 'modp3072', 128), ('16', 'modp4096', 152), ('17', 'modp6144', 176), ('18', 'modp8192', 192),
    # group / DHGroup / dh spellings
    ('group1', 'modp768', 64), ('group2', 'modp1024', 80), ('Group 5', 'modp1536', 96), ('group14', 'modp2048', 112),
    ('DHGroup14', 'modp2048', 112), ('dh14', 'modp2048', 112), ('DH Group 14', 'modp2048', 112),
    ('dhgroup2', 'modp1024', 80), ('DHGroup24', 'modp2048s256', 112), ('group15', 'modp3072', 128),
    ('DHGroup2048', 'modp2048', 112), ('PFS2048', 'modp2048', 112), ('group18', 'modp8192', 192),
    # modulus size alone, ffdhe
    ('2048', 'modp2048', 112), ('1024', 'modp1024', 80), ('ffdhe2048', 'modp2048', 112), ('ffdhe3072', 'modp3072', 128),
])
def test_modp_groups(name, expected_name, expected):
    algorithm = strength.lookup(KEX, name)
    assert algorithm is not None
    assert (algorithm.name, algorithm.bits) == (expected_name, expected)


@pytest.mark.parametrize('name, expected_name, expected', [
    ('ecp256', 'ecp256', 128), ('ECP-256', 'ecp256', 128), ('19', 'ecp256', 128), ('group19', 'ecp256', 128),
    ('secp256r1', 'ecp256', 128), ('P-256', 'ecp256', 128), ('nistp256', 'ecp256', 128), ('ECP256', 'ecp256', 128),
    ('ecp384', 'ecp384', 192), ('ECP_384', 'ecp384', 192), ('20', 'ecp384', 192), ('DHGroup20', 'ecp384', 192),
    ('secp384r1', 'ecp384', 192), ('P-384', 'ecp384', 192),
    ('ecp521', 'ecp521', 256), ('21', 'ecp521', 256), ('group21', 'ecp521', 256), ('secp521r1', 'ecp521', 256),
    ('P-521', 'ecp521', 256),
    ('curve25519', 'curve25519', 128), ('x25519', 'curve25519', 128), ('X25519', 'curve25519', 128),
    ('Curve25519', 'curve25519', 128), ('31', 'curve25519', 128), ('group31', 'curve25519', 128),
    ('curve448', 'curve448', 224), ('x448', 'curve448', 224), ('32', 'curve448', 224), ('group32', 'curve448', 224),
])
def test_elliptic_curve_groups(name, expected_name, expected):
    algorithm = strength.lookup(KEX, name)
    assert algorithm is not None
    assert (algorithm.name, algorithm.bits) == (expected_name, expected)


def test_openssl_prime256v1_is_ecp256():
    algorithm = strength.lookup(KEX, 'prime256v1')
    assert algorithm is not None and algorithm.bits == 128


@pytest.mark.parametrize('name', ['modp1023', 'group99', 'ecp255', 'dh', 'curve', 'ecdsa', ''])
def test_unknown_key_exchange(name):
    assert strength.lookup(KEX, name) is None


# --------------------------------------------------------------------------- integrity / PRF

@pytest.mark.parametrize('name, expected_name, expected', [
    ('md5', 'md5', 64), ('HMAC-MD5', 'md5', 64), ('hmac_md5', 'md5', 64), ('hmac-md5-96', 'md5', 64),
    ('MD5', 'md5', 64), ('prfmd5', 'md5', 64),
    ('sha1', 'sha1', 128), ('SHA-1', 'sha1', 128), ('HMAC-SHA1', 'sha1', 128), ('hmac-sha1-96', 'sha1', 128),
    ('sha', 'sha1', 128), ('prfsha1', 'sha1', 128), ('SHA1_96', 'sha1', 128),
    ('sha256', 'sha256', 256), ('SHA-256', 'sha256', 256), ('HMAC-SHA-256', 'sha256', 256),
    ('hmac-sha2-256', 'sha256', 256), ('sha2_256', 'sha256', 256), ('sha2_256_128', 'sha256', 256),
    ('HMAC-SHA256-128', 'sha256', 256), ('prfsha256', 'sha256', 256), ('PRF_HMAC_SHA2_256', 'sha256', 256),
    ('sha384', 'sha384', 384), ('SHA-384', 'sha384', 384), ('HMAC-SHA2-384-192', 'sha384', 384),
    ('prfsha384', 'sha384', 384), ('sha2_384', 'sha384', 384),
    ('sha512', 'sha512', 512), ('SHA-512', 'sha512', 512), ('hmac_sha2_512_256', 'sha512', 512),
    ('prfsha512', 'sha512', 512), ('HMAC-SHA512', 'sha512', 512),
])
def test_integrity_and_prf(name, expected_name, expected):
    algorithm = strength.lookup(INT, name)
    assert algorithm is not None
    assert (algorithm.name, algorithm.bits) == (expected_name, expected)


def test_hmac_md5_fails_and_sha1_passes_the_112_floor():
    assert bits(INT, 'HMAC-MD5') < strength.MIN_KEY_EXCHANGE_BITS
    assert bits(INT, 'HMAC-SHA1') >= strength.WARN_BELOW_BITS


@pytest.mark.parametrize('name', ['sha2', 'sha3', 'crc32', 'hmac', 'whirlpool'])
def test_unknown_integrity(name):
    assert strength.lookup(INT, name) is None


# --------------------------------------------------------------------------- kinds stay apart

@pytest.mark.parametrize('kind, name', [
    (ENC, 'sha256'), (ENC, 'modp2048'), (ENC, 'ecp384'), (ENC, 'aes128gmac'), (ENC, 'aes-xcbc'),
    (KEX, 'aes256'), (KEX, 'sha256'), (INT, 'aes256'), (INT, 'modp2048'), (INT, 'ecp384'),
])
def test_a_name_of_another_kind_is_not_recognised(kind, name):
    assert strength.lookup(kind, name) is None


@pytest.mark.parametrize('kind', [ENC, KEX, INT])
@pytest.mark.parametrize('name', ['', '   ', 'foo', 'rot13', 'quantum-magic'])
def test_unknown_names_are_none(kind, name):
    assert strength.lookup(kind, name) is None


def test_lookup_is_stable_across_calls():
    first = strength.lookup(ENC, 'AES-256-GCM')
    second = strength.lookup(ENC, 'AES-256-GCM')
    assert (first.name, first.bits) == (second.name, second.bits) == ('aes-256-gcm', 256)


# --------------------------------------------------------------------------- proposals

def summary(text):
    proposal = strength.parse_proposal(text)
    return ([(a.name, a.bits) for a in proposal.encryption],
            [(a.name, a.bits) for a in proposal.key_exchange],
            [(a.name, a.bits) for a in proposal.integrity],
            list(proposal.unrecognised))


@pytest.mark.parametrize('text, expected', [
    ('aes256gcm16-prfsha384-ecp384', ([('aes-256-gcm', 256)], [('ecp384', 192)], [('sha384', 384)], [])),
    ('3des-sha1-modp1024', ([('3des', 112)], [('modp1024', 80)], [('sha1', 128)], [])),
    ('aes128-sha256-modp2048', ([('aes-128', 128)], [('modp2048', 112)], [('sha256', 256)], [])),
    ('aes256-sha256-modp2048-esn', ([('aes-256', 256)], [('modp2048', 112)], [('sha256', 256)], [])),
    ('aes256gcm16-ecp384!', ([('aes-256-gcm', 256)], [('ecp384', 192)], [], [])),
    ('chacha20poly1305-prfsha256-x25519', ([('chacha20-poly1305', 256)], [('curve25519', 128)], [('sha256', 256)], [])),
    ('aes256-sha1-md5-modp1536', ([('aes-256', 256)], [('modp1536', 96)], [('sha1', 128), ('md5', 64)], [])),
    ('camellia256-sha512-curve448', ([('camellia-256', 256)], [('curve448', 224)], [('sha512', 512)], [])),
])
def test_ike_esp_proposals(text, expected):
    assert summary(text) == expected


@pytest.mark.parametrize('text', ['wireguard', 'WireGuard', 'WIREGUARD', ' wireguard '])
def test_wireguard_is_chacha20_with_curve25519(text):
    encryption, key_exchange, integrity, unrecognised = summary(text)
    assert encryption == [('chacha20-poly1305', 256)]
    assert key_exchange == [('curve25519', 128)]
    assert unrecognised == []
    assert min(b for _name, b in encryption) >= strength.MIN_ENCRYPTION_BITS


@pytest.mark.parametrize('text, name, expected', [
    ('AES-256-GCM', 'aes-256-gcm', 256), ('AES-128-GCM', 'aes-128-gcm', 128), ('AES-256-CBC', 'aes-256', 256),
    ('AES-192-CBC', 'aes-192', 192), ('BF-CBC', 'blowfish', 64), ('CHACHA20-POLY1305', 'chacha20-poly1305', 256),
    ('DES-EDE3-CBC', '3des', 112), ('DES-EDE-CBC', '3des-2key', 80), ('DES-CBC', 'des', 56),
    ('CAMELLIA-256-CBC', 'camellia-256', 256), ('CAST5-CBC', 'cast128', 64),
])
def test_openvpn_cipher_names(text, name, expected):
    proposal = strength.parse_proposal(text)
    assert [(a.name, a.bits) for a in proposal.encryption] == [(name, expected)]
    assert proposal.unrecognised == []
    assert proposal.key_exchange == []


def test_comma_separated_proposals_keep_every_algorithm():
    encryption, key_exchange, integrity, unrecognised = summary('aes256-sha256-modp2048, 3des-sha1-modp1024')
    assert encryption == [('aes-256', 256), ('3des', 112)]
    assert key_exchange == [('modp2048', 112), ('modp1024', 80)]
    assert integrity == [('sha256', 256), ('sha1', 128)]
    assert unrecognised == []
    # every algorithm listed may be negotiated: the weakest decides
    assert min(b for _name, b in encryption) == 112
    assert min(b for _name, b in key_exchange) == 80


def test_several_ciphers_in_one_proposal():
    encryption = summary('aes256-aes128-3des-sha256-modp3072')[0]
    assert sorted(b for _name, b in encryption) == [112, 128, 256]


def test_wireguard_among_comma_separated_proposals():
    encryption, key_exchange, _integrity, unrecognised = summary('wireguard,des-md5-modp768')
    assert ('chacha20-poly1305', 256) in encryption and ('des', 56) in encryption
    assert ('modp768', 64) in key_exchange
    assert unrecognised == []


@pytest.mark.parametrize('text, unknown', [
    ('foo', ['foo']),
    ('foo-bar', ['foo', 'bar']),
    ('rot13-sha256-modp2048', ['rot13']),
    ('aes256,quantum-sha256', ['quantum']),
])
def test_unrecognised_tokens_are_listed(text, unknown):
    assert strength.parse_proposal(text).unrecognised == unknown


@pytest.mark.parametrize('text', ['', ',', 'esp', 'ike-esn', 'sha256-modp2048', 'aes256gmac-ecp256'])
def test_proposals_without_a_cipher(text):
    proposal = strength.parse_proposal(text)
    assert proposal.encryption == []
    assert proposal.unrecognised == []


@pytest.mark.parametrize('text, unknown', [
    ('aes256-sha256-mopd1024', 'mopd1024'),
    ('aes256-sha1-modp768-foo', 'foo'),
    ('chacha20poly1305-sha256-ecp385', 'ecp385'),
])
def test_unknown_token_next_to_known_ones_is_reported(text, unknown):
    proposal = strength.parse_proposal(text)
    assert unknown in proposal.unrecognised


def test_parse_proposal_is_stable_across_calls():
    assert summary('aes256gcm16-prfsha384-ecp384') == summary('aes256gcm16-prfsha384-ecp384')


@pytest.mark.parametrize('name', ['\u00b9', 'group\u00b2', '\u2460', 'dh\u00b9\u2074'])
def test_unicode_non_decimal_digits_are_unrecognised_not_a_crash(name):
    assert strength.lookup(KEX, name) is None


def test_proposal_with_unicode_superscript_token_lists_it_as_unrecognised():
    assert strength.parse_proposal('aes256-sha256-\u00b2').unrecognised == ['\u00b2']
