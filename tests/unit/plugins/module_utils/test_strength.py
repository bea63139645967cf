# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Algorithm names -> security strength, and IKE/ESP/OpenVPN proposal parsing.

Every row of the strength table of docs/policy.md, in several common spellings.
"""

from __future__ import annotations

import itertools
import time

import pytest

from ansible_collections.voip.trunk_security.plugins.module_utils import strength
from ansible_collections.voip.trunk_security.plugins.module_utils.trunk_policy import TrunkInputError, evaluate
from result_invariants import check_result

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


# --------------------------------------------------------------------------- fail-safe readings

@pytest.mark.parametrize('name', [
    # ECB, and every mode the contract does not list
    'aes-256-ecb', 'AES_128_ECB', 'aes256ecb', 'aesecb', 'esp-aes-ecb', 'camellia-256-ecb', 'aes-128-cfb', 'aes-128-cfb8',
    'aes-256-cfb1', 'AES-256-OFB', 'aes-256-xts', 'aes256ocb', 'aes-128-siv',
    # two modes at once
    'aescbc256gcm16', 'aesgcm256cbc',
])
def test_aes_and_camellia_count_only_in_the_listed_modes(name):
    assert strength.lookup(ENC, name) is None


@pytest.mark.parametrize('name', ['gcm', 'GCM', 'ccm', 'cbc', 'CTR', 'ecb', 'gcm16', 'ccm8', 'esp-gcm', 'gcm-16', 'xts'])
def test_a_mode_alone_is_not_a_cipher(name):
    assert strength.lookup(ENC, name) is None


@pytest.mark.parametrize('name, expected_name, expected, aead', [
    # the listed modes keep working in every spelling
    ('AES-256-CBC', 'aes-256', 256, False), ('aes-128-ctr', 'aes-128', 128, False), ('aes256gcm16', 'aes-256-gcm', 256, True),
    ('aes128ccm8', 'aes-128-ccm', 128, True), ('AES-256-GCM', 'aes-256-gcm', 256, True), ('GCMAES256', 'aes-256-gcm', 256, True),
    ('esp-gcm 256', 'aes-256-gcm', 256, True), ('esp-gcm 128', 'aes-128-gcm', 128, True), ('GCM-AES-192', 'aes-192-gcm', 192, True),
    ('aesgcm', 'aes-128-gcm', 128, True), ('camellia256ctr', 'camellia-256', 256, False),
    ('camellia128ccm16', 'camellia-128-ccm', 128, True), ('aes256gcm128', 'aes-256-gcm', 256, True),
])
def test_listed_modes_keep_every_spelling(name, expected_name, expected, aead):
    algorithm = strength.lookup(ENC, name)
    assert (algorithm.name, algorithm.bits, algorithm.aead) == (expected_name, expected, aead)


@pytest.mark.parametrize('name, expected_name', [('chacha20', 'chacha20'), ('ChaCha20', 'chacha20'),
                                                 ('xchacha20', 'xchacha20'),
                                                 ('XChaCha20', 'xchacha20'), ('esp-chacha20', 'chacha20')])
def test_plain_chacha20_is_not_aead(name, expected_name):
    algorithm = strength.lookup(ENC, name)
    assert (algorithm.name, algorithm.bits, algorithm.aead) == (expected_name, 256, False)


@pytest.mark.parametrize('name, expected_name', [('xchacha20-poly1305', 'xchacha20-poly1305'),
                                                 ('XChaCha20Poly1305', 'xchacha20-poly1305'),
                                                 ('chacha20poly1305', 'chacha20-poly1305')])
def test_chacha20_with_poly1305_is_aead(name, expected_name):
    algorithm = strength.lookup(ENC, name)
    assert (algorithm.name, algorithm.bits, algorithm.aead) == (expected_name, 256, True)


@pytest.mark.parametrize('name', ['none', 'NONE', 'null', 'Null'])
def test_integrity_none_is_the_no_integrity_algorithm(name):
    algorithm = strength.lookup(INT, name)
    assert (algorithm.name, algorithm.bits) == (strength.NO_INTEGRITY, 0)


def test_lookup_keeps_the_spelling_as_written():
    assert strength.lookup(ENC, 'DES-EDE3-CBC').written == 'DES-EDE3-CBC'
    assert strength.lookup(KEX, 'DH Group 14').written == 'DH Group 14'


@pytest.mark.parametrize('name, text', [
    ('aes-256-ecb', 'AES and Camellia count only in CBC, CTR, GCM or CCM mode; ECB shows patterns of the plaintext'),
    ('AES-128-CFB8', 'AES and Camellia count only in CBC, CTR, GCM or CCM mode'),
    ('GCM', 'a mode alone is not a cipher: name the cipher with it, such as aes-256-gcm'),
    ('ccm16', 'a mode alone is not a cipher: name the cipher with it, such as aes-256-gcm'),
    ('rot13', ''), ('aes-512', ''),
])
def test_hint_says_why_a_cipher_is_not_recognised(name, text):
    assert strength.hint(name) == text


# --------------------------------------------------------------------------- digit runs, long text, the caches

DIGIT_RUNS = ['modp' + '1' * 5000, 'aes' + '9' * 5000, 'group' + '1' * 5000, '1' * 5000, 'dh' + '2' * 4301,
              'ecp' + '3' * 5000, 'ecp' + '2' * 5000 + 'bp', 'brainpoolp' + '5' * 5000 + 'r1', 'brainpool' + '2' * 5000,
              'sha' + '2' * 5000, 'sha256' + '1' * 5000, 'bf' + '6' * 5000, 'DHGroup' + '0' * 5000 + '14', '0' * 4999 + '14',
              'modp\u0662\u0660\u0664\u0668', 'ecp\u0663\u0668\u0664', '\u0661\u0664']


@pytest.mark.parametrize('kind', [ENC, KEX, INT])
@pytest.mark.parametrize('name', DIGIT_RUNS, ids=lambda name: '%s...%d' % (name[:8], len(name)))
def test_digit_runs_of_any_length_are_unrecognised_not_a_crash(kind, name):
    assert strength.lookup(kind, name) is None


@pytest.mark.parametrize('name', DIGIT_RUNS, ids=lambda name: '%s...%d' % (name[:8], len(name)))
def test_digit_runs_in_a_proposal_are_unrecognised(name):
    proposal = strength.parse_proposal('aes256-sha256-' + name)
    assert proposal.unrecognised == [name]
    assert proposal.key_exchange == []


@pytest.mark.parametrize('text', [
    'a' * 100000, 'a-' * 50000, '1-' * 50000, ',' * 100000, 'aes' + 'gcm' * 33000, 'modp' + '1' * 100000,
    'aes256-' * 14000, 'x' + 'chacha20' * 12000 + 'poly1305', '(' * 100000, ' ' * 100000 + 'x',
])
def test_long_text_stays_fast(text):
    start = time.perf_counter()
    strength.parse_proposal(text)
    for kind in (ENC, KEX, INT):
        strength.lookup(kind, text)
    strength.hint(text)
    assert time.perf_counter() - start < 2.0


def test_the_cache_is_bounded_and_keeps_no_long_text():
    for number in range(6000):
        strength.lookup(KEX, 'rot%d' % number)
    assert len(strength._CACHE) <= 4096
    long_name = 'aes-' * 1000
    strength.parse_proposal(long_name)
    strength.lookup(ENC, long_name)
    assert ('proposal', long_name) not in strength._CACHE and (ENC, long_name) not in strength._CACHE
    # and it still answers
    assert strength.lookup(ENC, 'AES-256-GCM').bits == 256


# --------------------------------------------------------------------------- proposals: read whole, or token by token

@pytest.mark.parametrize('text, expected', [
    # '2' is DH group 2 and '1' group 1, '25' group 25 (ecp192): never read as digits of AES-256 / AES-128
    ('aes-2-56', ([('aes-128', 128)], [('modp1024', 80)], [], ['56'])),
    ('aes-2-56-modp1024', ([('aes-128', 128)], [('modp1024', 80), ('modp1024', 80)], [], ['56'])),
    ('aes-1-28', ([('aes-128', 128)], [('modp768', 64), ('ecp256bp', 128)], [], [])),   # 28: group 28
    ('aes-25-6', ([('aes-128', 128)], [('ecp192', 96)], [], ['6'])),
    ('AES-2-56-GCM', ([('aes-128', 128)], [('modp1024', 80)], [], ['56', 'GCM'])),
    ('camellia-1-28-cbc', ([('camellia-128', 128)], [('modp768', 64), ('ecp256bp', 128)], [], ['cbc'])),
    ('aes256-ecp192-x', ([('aes-256', 256)], [('ecp192', 96)], [], ['x'])),
    ('aes-256-cbc-modp1024', ([('aes-128', 128)], [('modp1024', 80)], [], ['256', 'cbc'])),
    ('aes-256-gcm-md5', ([('aes-128', 128)], [], [('md5', 64)], ['256', 'gcm'])),
    # a mode alone inside a proposal is an unrecognised token
    ('gcm-sha256-ecp384', ([], [('ecp384', 192)], [('sha256', 256)], ['gcm'])),
    ('aes256-gcm16-ecp384', ([('aes-256', 256)], [('ecp384', 192)], [], ['gcm16'])),
    ('aes256ecb-sha256-ecp384', ([], [('ecp384', 192)], [('sha256', 256)], ['aes256ecb'])),
])
def test_a_part_that_does_not_parse_whole_keeps_every_token(text, expected):
    assert summary(text) == expected


@pytest.mark.parametrize('text, name, bits, aead', [
    ('AES-256-GCM', 'aes-256-gcm', 256, True), ('DES-EDE3-CBC', '3des', 112, False),
    ('CHACHA20-POLY1305', 'chacha20-poly1305', 256, True), ('XCHACHA20-POLY1305', 'xchacha20-poly1305', 256, True),
    ('esp-aes 256', 'aes-256', 256, False), ('GCM-AES-256', 'aes-256-gcm', 256, True), ('AES-128-CCM-8', 'aes-128-ccm', 128, True),
    ('RC4-128', 'rc4', 0, False), ('des-3', '3des', 112, False),
])
def test_a_whole_cipher_name_is_read_as_that_cipher(text, name, bits, aead):
    proposal = strength.parse_proposal(text)
    assert [(a.name, a.bits, a.aead) for a in proposal.encryption] == [(name, bits, aead)]
    assert proposal.encryption[0].written == text
    assert (proposal.key_exchange, proposal.integrity, proposal.unrecognised, proposal.missing_integrity) == ([], [], [], [])


@pytest.mark.parametrize('text, missing', [
    ('aes256-ecp384', ['aes256-ecp384']),
    ('aes256-prfsha256-ecp384', ['aes256-prfsha256-ecp384']),    # a PRF is not integrity
    ('aes256-esn', ['aes256-esn']),
    ('3des-modp1024', ['3des-modp1024']),
    ('chacha20-x25519', ['chacha20-x25519']),                      # plain ChaCha20 is not AEAD
    ('aes256gcm16-ecp384, aes256-ecp384!', ['aes256-ecp384']),
    ('aes256gcm16-prfsha384-ecp384', []), ('chacha20poly1305-prfsha256-x25519', []), ('aes256-sha256-ecp384', []),
    ('chacha20-sha256-x25519', []), ('aes128ccm16-ecp256', []), ('wireguard', []),
    # a cipher name alone states no integrity, like encryption: alone
    ('aes256', []), ('AES-256-CBC', []), ('chacha20', []), ('DES-EDE3-CBC', []),
    # a part with an unrecognised token is weak already: its integrity cannot be judged
    ('aes256-sha3-ecp384', []),
])
def test_ike_esp_proposals_without_integrity(text, missing):
    assert strength.parse_proposal(text).missing_integrity == missing


@pytest.mark.parametrize('kind, name', [
    (ENC, 'aes-2-56'), (ENC, 'aes 2 56'), (ENC, 'AES_2_56'), (ENC, 'aes-1-28'), (ENC, 'aes-25-6'), (ENC, 'AES-256-GCM-16'),
    (ENC, 'aes_128_gcm_16'), (ENC, 'aes-256-cbc-sha1'), (ENC, 'chacha20-sha256'), (ENC, 'aes-256-gcm-md5'),
    (KEX, 'group-1-9'), (KEX, 'dh-2-048'), (KEX, 'modp-1-024'), (KEX, 'ecp-2-56'), (KEX, 'group 2 0'), (KEX, 'aes-group14'),
])
def test_separators_never_fold_away_a_weak_piece(kind, name):
    assert strength.lookup(kind, name) is None


@pytest.mark.parametrize('kind, name, expected_name', [
    (ENC, 'RC4-128', 'rc4'), (ENC, 'esp-aes 256', 'aes-256'), (ENC, 'DES-EDE3-CBC', '3des'), (ENC, 'des_ede3_cbc', '3des'),
    (ENC, 'CHACHA20-POLY1305', 'chacha20-poly1305'), (ENC, 'aes 256 gcm', 'aes-256-gcm'), (ENC, 'AES256-GCM16', 'aes-256-gcm'),
    (KEX, 'Group-14', 'modp2048'), (KEX, 'DH Group 14', 'modp2048'), (KEX, 'MODP_2048', 'modp2048'),
    (KEX, 'brainpool-P256r1', 'ecp256bp'), (KEX, 'ECP-384', 'ecp384'), (KEX, 'P-521', 'ecp521'),
])
def test_separators_between_the_parts_of_a_name_are_fine(kind, name, expected_name):
    assert strength.lookup(kind, name).name == expected_name


def test_proposal_tokens_keep_their_spelling():
    proposal = strength.parse_proposal('AES256-HMAC_SHA1-DHGroup2')
    assert [a.written for a in proposal.encryption + proposal.integrity + proposal.key_exchange] == [
        'AES256', 'HMAC_SHA1', 'DHGroup2']


# --------------------------------------------------------------------------- the verdict, through the engine

def vpn_trunk(vpn):
    return {
        'name': 'fabrikam-vpn',
        'connection': 'vpn',
        'provider': {'name': 'Fabrikam Carrier', 'tls': True, 'srtp': True},
        'mediation_subnet': {'cidr': '10.40.0.0/28', 'audience': 'authorized_it'},
        'vpn': vpn,
    }


def reasons(result, rule):
    return [item for item in result['reasons'] if item['rule'] == rule]


WEAK_SPELLINGS = [
    # plain ChaCha20 is not ChaCha20-Poly1305: with no integrity stated nothing authenticates the tunnel
    ({'encryption': 'chacha20'}, 'vpn-weak-key-exchange', 'chacha20'),
    ({'encryption': 'XChaCha20', 'key_exchange': 'x25519'}, 'vpn-weak-key-exchange', 'XChaCha20'),
    ({'proposal': 'chacha20'}, 'vpn-weak-key-exchange', 'chacha20'),
    # ECB and unknown modes, as encryption and inside a proposal
    ({'encryption': 'aes-256-ecb'}, 'vpn-weak-encryption', 'aes-256-ecb'),
    ({'encryption': 'AES_128_ECB', 'integrity': 'sha256', 'key_exchange': 'ecp384'}, 'vpn-weak-encryption', 'AES_128_ECB'),
    ({'encryption': 'camellia-256-ecb'}, 'vpn-weak-encryption', 'camellia-256-ecb'),
    ({'encryption': 'aes-256-cfb'}, 'vpn-weak-encryption', 'aes-256-cfb'),
    ({'encryption': 'aes-256-ofb'}, 'vpn-weak-encryption', 'aes-256-ofb'),
    ({'encryption': 'aes-256-xts'}, 'vpn-weak-encryption', 'aes-256-xts'),
    ({'proposal': 'aes256ecb-sha256-ecp384'}, 'vpn-weak-encryption', 'aes256ecb'),
    ({'proposal': 'AES-256-ECB'}, 'vpn-weak-encryption', 'ECB'),
    ({'proposal': 'aes256gcm16-prfsha384-ecp384,aes128ecb-sha256-ecp256'}, 'vpn-weak-encryption', 'aes128ecb'),
    # plain ChaCha20 / XChaCha20 with no integrity
    ({'encryption': 'chacha20', 'integrity': 'none'}, 'vpn-weak-key-exchange', 'none'),
    ({'encryption': 'XChaCha20', 'integrity': 'none', 'key_exchange': 'x25519'}, 'vpn-weak-key-exchange', 'none'),
    ({'encryption': 'chacha20', 'integrity': 'NULL'}, 'vpn-weak-key-exchange', 'NULL'),
    ({'proposal': 'chacha20-x25519'}, 'vpn-weak-key-exchange', 'chacha20-x25519'),
    ({'proposal': 'xchacha20-prfsha256-x25519'}, 'vpn-weak-key-exchange', 'xchacha20-prfsha256-x25519'),
    # any other cipher without integrity of its own, with integrity: none or none in the proposal
    ({'encryption': 'aes256', 'integrity': 'none'}, 'vpn-weak-key-exchange', 'none'),
    ({'encryption': 'AES-256-CBC', 'integrity': 'none', 'key_exchange': 'ecp384'}, 'vpn-weak-key-exchange', 'none'),
    ({'encryption': 'camellia256', 'integrity': 'null'}, 'vpn-weak-key-exchange', 'null'),
    ({'proposal': 'aes256-ecp384'}, 'vpn-weak-key-exchange', 'aes256-ecp384'),
    ({'proposal': 'aes256-prfsha384-ecp384'}, 'vpn-weak-key-exchange', 'aes256-prfsha384-ecp384'),
    ({'proposal': 'aes256-esn'}, 'vpn-weak-key-exchange', 'aes256-esn'),
    ({'proposal': 'aes256gcm16-prfsha384-ecp384,aes256-ecp384'}, 'vpn-weak-key-exchange', 'aes256-ecp384'),
    # a mode alone
    ({'encryption': 'gcm'}, 'vpn-weak-encryption', 'gcm'),
    ({'encryption': 'GCM', 'integrity': 'sha256', 'key_exchange': 'ecp384'}, 'vpn-weak-encryption', 'GCM'),
    ({'encryption': 'ccm16'}, 'vpn-weak-encryption', 'ccm16'),
    ({'encryption': 'cbc'}, 'vpn-weak-encryption', 'cbc'),
    ({'proposal': 'gcm-prfsha384-ecp384'}, 'vpn-weak-encryption', 'gcm'),
    ({'proposal': 'gcm16'}, 'vpn-weak-encryption', 'gcm16'),
    # parts that do not parse whole keep their weak tokens
    ({'proposal': 'aes-2-56'}, 'vpn-weak-key-exchange', '2'),
    ({'proposal': 'aes-2-56'}, 'vpn-weak-encryption', '56'),
    ({'proposal': 'aes-2-56-modp1024'}, 'vpn-weak-key-exchange', '2'),
    ({'proposal': 'aes-1-28'}, 'vpn-weak-key-exchange', '1'),
    ({'proposal': 'aes-1-28'}, 'vpn-weak-key-exchange', 'aes-1-28'),   # and no integrity
    ({'proposal': 'aes-25-6'}, 'vpn-weak-key-exchange', '25'),
    ({'proposal': 'aes256-ecp192-x'}, 'vpn-weak-key-exchange', 'ecp192'),
    ({'proposal': 'aes256-ecp192-x'}, 'vpn-weak-encryption', 'x'),
    ({'proposal': 'aes-256-gcm-md5'}, 'vpn-weak-key-exchange', 'md5'),
    # separators that would fold a weak piece away
    ({'encryption': 'aes-2-56'}, 'vpn-weak-encryption', 'aes-2-56'),
    ({'encryption': 'aes 1 28', 'integrity': 'sha256'}, 'vpn-weak-encryption', 'aes 1 28'),
    ({'encryption': 'aes256', 'key_exchange': 'group-1-9'}, 'vpn-weak-key-exchange', 'group-1-9'),
    # digit runs of any length
    ({'proposal': 'modp' + '1' * 5000}, 'vpn-weak-encryption', 'modp' + '1' * 5000),
    ({'proposal': 'aes' + '9' * 5000}, 'vpn-weak-encryption', 'aes' + '9' * 5000),
    ({'proposal': 'aes256-sha256-modp' + '1' * 4301}, 'vpn-weak-encryption', 'modp' + '1' * 4301),
    ({'encryption': 'aes256', 'key_exchange': 'group' + '1' * 5000}, 'vpn-weak-key-exchange', 'group' + '1' * 5000),
    ({'encryption': 'aes256', 'key_exchange': 'modp' + '1' * 5000}, 'vpn-weak-key-exchange', 'modp' + '1' * 5000),
    ({'encryption': 'aes256', 'key_exchange': '1' * 5000}, 'vpn-weak-key-exchange', '1' * 5000),
    ({'encryption': 'aes' + '2' * 5000}, 'vpn-weak-encryption', 'aes' + '2' * 5000),
    ({'encryption': 'aes256', 'integrity': 'sha' + '2' * 5000}, 'vpn-weak-key-exchange', 'sha' + '2' * 5000),
]


@pytest.mark.parametrize('vpn, rule, written', WEAK_SPELLINGS,
                         ids=lambda value: str(value)[:60] if not isinstance(value, str) else value[:30])
def test_weak_spellings_require_tls_and_srtp(vpn, rule, written):
    result = evaluate(vpn_trunk(vpn))
    assert result['decision'] == 'required'
    assert result['tls']['required'] is True and result['srtp']['required'] is True
    assert 'vpn-transit' in result['exposed']
    assert 'vpn-connection' not in [item['rule'] for item in result['reasons']]
    found = reasons(result, rule)
    assert found, result['reasons']
    # the message names the value as it was written (a long one by its beginning)
    shown = repr(written) if len(written) < 60 else repr(written)[:40]
    assert any(shown in item['message'] for item in found), [item['message'] for item in found]
    assert all(item['point'] == 'vpn-transit' for item in found)
    check_result(result)


def test_ecb_message():
    result = evaluate(vpn_trunk({'encryption': 'AES-256-ECB'}))
    assert [(item['rule'], item['message'], item['found']) for item in result['reasons']] == [(
        'vpn-weak-encryption',
        "trunk 'fabrikam-vpn': the VPN encryption 'AES-256-ECB' is not a recognised algorithm (AES and Camellia count "
        'only in CBC, CTR, GCM or CCM mode; ECB shows patterns of the plaintext), so its strength cannot be proven; it '
        'counts as weak and TLS and SRTP are required (use a known name such as aes-256-gcm)', 'AES-256-ECB')]


def test_mode_alone_message():
    result = evaluate(vpn_trunk({'proposal': 'gcm-prfsha384-ecp384'}))
    assert [(item['rule'], item['message']) for item in result['reasons']] == [(
        'vpn-weak-encryption',
        "trunk 'fabrikam-vpn': the VPN proposal 'gcm-prfsha384-ecp384' contains 'gcm', which names no known algorithm "
        '(a mode alone is not a cipher: name the cipher with it, such as aes-256-gcm), so the tunnel\'s strength cannot '
        'be proven; it counts as weak and TLS and SRTP are required unless the proposal is corrected')]


def test_plain_chacha20_with_integrity_none_message():
    result = evaluate(vpn_trunk({'encryption': 'ChaCha20', 'integrity': 'none', 'key_exchange': 'x25519'}))
    assert [(item['rule'], item['message'], item['found'], item['expected']) for item in result['reasons']] == [(
        'vpn-weak-key-exchange',
        "trunk 'fabrikam-vpn': the VPN integrity is 'none', and its cipher 'ChaCha20' carries no integrity of its own "
        '(plain ChaCha20 is not ChaCha20-Poly1305), so nothing would detect tampering with the tunnel; this counts as '
        'weak integrity and TLS and SRTP are required unless the tunnel adds an integrity algorithm (sha256, say) or '
        'moves to an AEAD cipher (aes-256-gcm, chacha20-poly1305)',
        'none', 'an integrity algorithm of at least 112 bits, or an AEAD cipher')]


def test_aes_cbc_with_integrity_none_message():
    result = evaluate(vpn_trunk({'encryption': 'AES-256-CBC', 'integrity': 'NONE'}))
    assert [(item['rule'], item['message']) for item in result['reasons']] == [(
        'vpn-weak-key-exchange',
        "trunk 'fabrikam-vpn': the VPN integrity is 'NONE', and its cipher 'AES-256-CBC' carries no integrity of its "
        'own (it is not GCM, CCM or ChaCha20-Poly1305), so nothing would detect tampering with the tunnel; this counts '
        'as weak integrity and TLS and SRTP are required unless the tunnel adds an integrity algorithm (sha256, say) or '
        'moves to an AEAD cipher (aes-256-gcm, chacha20-poly1305)')]


def test_missing_integrity_in_a_proposal_message():
    result = evaluate(vpn_trunk({'proposal': 'aes256gcm16-prfsha384-ecp384,aes256-prfsha256-ecp384'}))
    assert [(item['rule'], item['message'], item['found']) for item in result['reasons']] == [(
        'vpn-weak-key-exchange',
        "trunk 'fabrikam-vpn': the VPN proposal 'aes256gcm16-prfsha384-ecp384,aes256-prfsha256-ecp384' names no "
        "integrity algorithm in 'aes256-prfsha256-ecp384' (a PRF is not one), and its cipher carries no integrity of "
        'its own (it is not GCM, CCM or ChaCha20-Poly1305), so nothing would detect tampering with the tunnel; this '
        'counts as weak integrity and TLS and SRTP are required unless the proposal adds one (sha256, say) or moves to '
        'an AEAD cipher (aes256gcm16)', 'aes256-prfsha256-ecp384')]


def test_a_part_that_does_not_parse_whole_reports_each_weakness():
    result = evaluate(vpn_trunk({'proposal': 'aes-2-56'}))
    assert [(item['rule'], item['message'], item['found']) for item in result['reasons']] == [
        ('vpn-weak-encryption',
         "trunk 'fabrikam-vpn': the VPN proposal 'aes-2-56' contains '56', which names no known algorithm, so the "
         "tunnel's strength cannot be proven; it counts as weak and TLS and SRTP are required unless the proposal is "
         'corrected', 'aes-2-56'),
        ('vpn-weak-key-exchange',
         "trunk 'fabrikam-vpn': the VPN key exchange '2' (modp1024, 80-bit strength) is below the 112-bit minimum, so "
         'the tunnel cannot be trusted to hide the trunk; TLS and SRTP are required unless it moves to a stronger key '
         'exchange (ecp384, say)', 'modp1024'),
    ]


def test_weak_algorithms_are_named_as_written():
    result = evaluate(vpn_trunk({'encryption': 'DES-EDE3-CBC', 'integrity': 'HMAC-MD5', 'key_exchange': 'DHGroup2'}))
    assert [(item['rule'], item['message'], item['found']) for item in result['reasons']] == [
        ('vpn-weak-encryption',
         "trunk 'fabrikam-vpn': the VPN encrypts with 'DES-EDE3-CBC' (3des, 112-bit strength), below the AES-128 level "
         'the guidance asks of a VPN; TLS and SRTP are required unless the tunnel moves to AES-128 or better '
         '(aes-256-gcm, say)', '3des'),
        ('vpn-weak-key-exchange',
         "trunk 'fabrikam-vpn': the VPN integrity 'HMAC-MD5' (md5, 64-bit strength) is below the 112-bit minimum, so "
         'the tunnel cannot be trusted to hide the trunk; TLS and SRTP are required unless it moves to a stronger '
         'integrity (sha256, say)', 'md5'),
        ('vpn-weak-key-exchange',
         "trunk 'fabrikam-vpn': the VPN key exchange 'DHGroup2' (modp1024, 80-bit strength) is below the 112-bit "
         'minimum, so the tunnel cannot be trusted to hide the trunk; TLS and SRTP are required unless it moves to a '
         'stronger key exchange (ecp384, say)', 'modp1024'),
    ]


def test_the_below_128_warning_names_the_value_as_written():
    result = evaluate(vpn_trunk({'encryption': 'aes256', 'key_exchange': 'DH Group 14'}))
    assert result['decision'] == 'optional'
    assert [(item['rule'], item['message']) for item in result['warnings']] == [(
        'vpn-key-exchange-below-128',
        "trunk 'fabrikam-vpn': the VPN key exchange 'DH Group 14' (modp2048, 112-bit strength) passes, but is below "
        '128 bits; plan a move to a stronger one (modp3072, ecp256 or better)')]


PASSING = [
    {'encryption': 'aes-256-gcm', 'integrity': 'none'}, {'encryption': 'ChaCha20-Poly1305', 'integrity': 'none'},
    {'encryption': 'XChaCha20-Poly1305', 'integrity': 'null'}, {'encryption': 'aes128ccm8', 'integrity': 'none'},
    {'encryption': 'chacha20', 'integrity': 'sha256'}, {'encryption': 'chacha20', 'integrity': 'poly1305'},
    {'encryption': 'aes256'}, {'encryption': 'AES-256-CBC', 'integrity': 'sha256'},
    {'encryption': 'esp-gcm 256'}, {'encryption': 'GCMAES256'}, {'encryption': 'aes256gcm16'},
    {'proposal': 'aes256gcm16-prfsha384-ecp384'}, {'proposal': 'aes256-sha256-ecp384'}, {'proposal': 'AES-256-GCM'},
    {'proposal': 'AES-256-CBC'}, {'proposal': 'CHACHA20-POLY1305'}, {'proposal': 'XCHACHA20-POLY1305'},
    {'proposal': 'chacha20-sha256-x25519'}, {'proposal': 'aes128ccm16-prfsha256-ecp256'}, {'proposal': 'wireguard'},
    {'proposal': 'esp-aes 256'}, {'proposal': 'aes256-sha256-ecp384-esn!'},
]


@pytest.mark.parametrize('vpn', PASSING, ids=str)
def test_tunnels_with_integrity_pass(vpn):
    result = evaluate(vpn_trunk(vpn))
    assert result['decision'] == 'optional', result['reasons']
    assert [item['rule'] for item in result['reasons']] == ['vpn-connection']
    assert result['warnings'] == []


def test_a_5000_digit_integer_key_exchange_is_an_input_error_not_a_crash():
    with pytest.raises(TrunkInputError) as info:
        evaluate(vpn_trunk({'encryption': 'aes256', 'key_exchange': (10 ** 5000 - 1) // 9}))
    assert [item.field for item in info.value.problems] == ['vpn.key_exchange']


# --------------------------------------------------------------------------- monotonicity

RANK = {'optional': 0, 'required': 1}
# each list from strongest to weakest; a cipher without integrity of its own ranks below an AEAD one of its size
CIPHER_LADDER = ['aes-256-gcm', 'aes256', 'chacha20', 'aes-128-gcm', 'aes-128-cbc', 'camellia128', '3des', 'BF-CBC',
                 'des', 'null', 'aes-256-ecb', 'gcm']
INTEGRITY_LADDER = ['sha512', 'sha256', 'sha1', 'md5', 'crc32']
KEX_LADDER = ['ecp521', 'ecp384', 'modp3072', 'modp2048', 'modp1024', 'modp768', 'modp' + '1' * 5000]


def _cipher_rank(name, integrity):
    algorithm = strength.lookup(ENC, name)
    if algorithm is None or (algorithm.name in ('chacha20', 'xchacha20') and integrity is None):
        # unrecognised, or plain ChaCha20 with no integrity stated: both weak
        return (-1, False)
    return (algorithm.bits, algorithm.aead)


def _stronger_or_equal(first, second, first_integrity, second_integrity):
    one, two = _cipher_rank(first, first_integrity), _cipher_rank(second, second_integrity)
    return one[0] >= two[0] and (one[1] or not two[1])


def _weaker_or_equal(strong, weak, ladder):
    """Both unset, or ``weak`` at or below ``strong`` on the ladder (strongest first)."""
    if strong is None or weak is None:
        return strong is None and weak is None
    return ladder.index(strong) <= ladder.index(weak)


def _decision(encryption, integrity, key_exchange, transport):
    vpn = {'encryption': encryption, 'transport': transport}
    if integrity is not None:
        vpn['integrity'] = integrity
    if key_exchange is not None:
        vpn['key_exchange'] = key_exchange
    return RANK[evaluate(vpn_trunk(vpn))['decision']]


def test_weakening_any_vpn_setting_never_lowers_the_decision():
    decisions = {}
    for combo in itertools.product(CIPHER_LADDER, INTEGRITY_LADDER + [None], KEX_LADDER + [None], ('udp', 'tcp')):
        decisions[combo] = _decision(*combo)
    checked = 0
    for strong, weak in itertools.product(decisions, decisions):
        if not _stronger_or_equal(strong[0], weak[0], strong[1], weak[1]):
            continue
        if not _weaker_or_equal(strong[1], weak[1], INTEGRITY_LADDER):
            continue
        if not _weaker_or_equal(strong[2], weak[2], KEX_LADDER):
            continue
        if strong[3] == 'tcp' and weak[3] == 'udp':
            continue
        checked += 1
        assert decisions[weak] >= decisions[strong], (strong, weak)
    assert checked > 10000


@pytest.mark.parametrize('cipher', ['aes256', 'AES-256-CBC', 'chacha20', 'camellia256', 'aes-256-gcm', 'chacha20poly1305'])
def test_integrity_none_is_never_stronger_than_an_integrity_algorithm_without_aead(cipher):
    with_sha = _decision(cipher, 'sha256', None, 'udp')
    with_none = _decision(cipher, 'none', None, 'udp')
    assert with_none >= with_sha
    assert with_none == (0 if strength.lookup(ENC, cipher).aead else 1)


PROPOSAL_LADDER = ['aes256gcm16-prfsha384-ecp384', 'aes256-sha256-ecp384', 'AES-256-GCM', 'wireguard', 'aes256-ecp384',
                   'chacha20-x25519', 'aes-2-56', 'DES-EDE3-CBC', 'gcm-ecp384', 'aes256ecb-sha256-ecp384', 'aes-1-28',
                   '3des-sha1-modp1024', 'modp' + '1' * 5000]


@pytest.mark.parametrize('first', PROPOSAL_LADDER, ids=lambda text: text[:30])
def test_adding_an_alternative_proposal_never_lowers_the_decision(first):
    alone = RANK[evaluate(vpn_trunk({'proposal': first}))['decision']]
    for second in PROPOSAL_LADDER:
        for text in ('%s,%s' % (first, second), '%s, %s' % (second, first)):
            assert RANK[evaluate(vpn_trunk({'proposal': text}))['decision']] >= alone, text
