# Copyright (c) voip.trunk_security contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each trunk's section of the gateway's configurations (plugins/module_utils/config_sections.py): the
markers, the owner of each line, and diffs of real renderings (tests/unit/template_inputs.py) attributed to
the trunk whose settings changed, or host-wide."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.voip.trunk_security.plugins.module_utils.platforms import kamailio
from ansible_collections.voip.trunk_security.plugins.module_utils import config_sections as cs

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import template_inputs as inputs  # noqa: E402  (tests/unit/template_inputs.py: the role's variables)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILES = ('kamailio.cfg', 'tls.cfg')


# --------------------------------------------------------------------------- the markers and owners

def test_owners_of_the_lines_and_of_the_markers_themselves():
    text = '\n'.join([
        'debug=2',                  # host-wide
        '#@trunk a',                # opens a: a's
        'listen=tls:127.0.0.1:5067',
        '    #@end',                # closes a: a's
        'children=2',               # host-wide again
        '\t#@trunk b.2-x_y',
        '    route(X);',
        '#@trunk c',                # a new section closes the one before
        '}',
        '#@end',
        '#@end',                    # nothing open: host-wide
        '',
    ])
    assert cs.owners(text) == [None, 'a', 'a', 'a', None, 'b.2-x_y', 'b.2-x_y', 'c', 'c', 'c', None]
    assert cs.BEGIN == '#@trunk ' and cs.END == '#@end'


@pytest.mark.parametrize('line', ['#@trunk', '#@trunk ', '#@trunk a b', '#@trunk a,b', '#@trunk ' + 'x' * 65,
                                  '#@endx', '#@end of a', '# @trunk a', '#@TRUNK a', 'listen=x #@trunk a'])
def test_what_is_no_marker_is_a_plain_line(line):
    assert cs.owners('#@trunk a\n%s\n#@end\nx\n' % line) == ['a', 'a', 'a', None]
    assert cs.owners('%s\nx\n' % line) == [None, None]


def test_a_marker_may_stand_behind_an_sbc_languages_comment_leader():
    # an AudioCodes ini file or CLI script comments with ';', an IOS configuration with '!'
    ini = '\n'.join(['EnableMediaSecurity = 1', '; #@trunk lon', 'TLSContexts 1 = "lon", 4;', ';#@end',
                     '[ \\TLSContexts ]', ''])
    assert cs.owners(ini) == [None, 'lon', 'lon', 'lon', None]
    ios = '\n'.join(['sip-ua', '! #@trunk par-1', 'dial-peer voice 101 voip', ' srtp', '  !  #@end', '!', ''])
    assert cs.owners(ios) == [None, 'par-1', 'par-1', 'par-1', 'par-1', None]


@pytest.mark.parametrize('line', ['; # @trunk a', ';; #@trunk b', '!! #@end', '; @trunk b', 'x ; #@trunk b', '#; #@trunk b'])
def test_only_one_comment_leader_stands_before_a_marker(line):
    assert cs.owners('#@trunk a\n%s\n#@end\nx\n' % line) == ['a', 'a', 'a', None]


def test_owners_of_nothing():
    assert cs.owners('') == [] and cs.owners(None) == []


# --------------------------------------------------------------------------- unified: as difflib, annotated

def _plain(before, after, fromfile='a', tofile='b', n=3):
    return ''.join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), fromfile, tofile, n=n))


def _without_annotation(diff):
    return '\n'.join(line.split(' @@ ', 1)[0] + ' @@' if line.startswith('@@ ') else line
                     for line in diff.split('\n'))


def _headers(diff):
    return [line for line in diff.splitlines() if line.startswith('@@ ')]


def test_unified_is_difflib_with_the_owners_after_the_second_at_signs():
    before = 'debug=2\n#@trunk a\nlisten=tls:127.0.0.1:5067\n#@end\n#@trunk b\nlisten=tcp:127.0.0.2:5068\n#@end\n'
    after = before.replace('5067', '5069')
    diff = cs.unified(before, after, 'kamailio.cfg', 'kamailio.cfg (would be)')
    assert diff.startswith('--- kamailio.cfg\n+++ kamailio.cfg (would be)\n@@ -1,6 +1,6 @@ trunk a\n')
    assert _without_annotation(diff) == _plain(before, after, 'kamailio.cfg', 'kamailio.cfg (would be)')
    assert _headers(cs.unified(before, after.replace('debug=2', 'debug=3'), 'x', 'y')) == [
        '@@ -1,6 +1,6 @@ host-wide, trunk a']
    both = after.replace('debug=2', 'debug=3').replace('5068', '5070')
    assert _headers(cs.unified(before, both, 'x', 'y', n=0)) == [
        '@@ -1 +1 @@ host-wide', '@@ -3 +3 @@ trunk a', '@@ -6 +6 @@ trunk b']
    assert _headers(cs.unified(before, both, 'x', 'y')) == ['@@ -1,7 +1,7 @@ host-wide, trunk a, trunk b']


def test_a_removed_line_is_its_owners_in_before_an_added_one_in_after():
    before = '#@trunk a\nx=1\n#@end\n'
    after = 'x=1\n'
    assert _headers(cs.unified(before, after, 'a', 'b')) == ['@@ -1,3 +1 @@ trunk a']
    assert _headers(cs.unified(after, before, 'a', 'b')) == ['@@ -1 +1,3 @@ trunk a']
    # a marker moved past a line: the marker is the changed line, and names its own trunk
    assert _headers(cs.unified('#@trunk a\nx=1\n#@trunk b\n#@end\n', '#@trunk a\n#@trunk b\nx=1\n#@end\n', 'a',
                               'b')) == ['@@ -1,4 +1,4 @@ trunk b']


def test_the_same_texts_make_no_diff():
    assert cs.unified('a\n', 'a\n', 'x', 'y') == '' and cs.unified('', '', 'x', 'y') == ''


def test_a_run_that_could_stand_elsewhere_is_given_to_the_fewest_owners():
    """difflib places an added section where it likes among identical lines: here one line early, the end of
    the section before and the new section but its end; the owners are read where it is one whole section."""
    section = '#@trunk %s\nroute(%s);\n}\n#@end\n'
    tail = ''.join('x=%d\n' % index for index in range(8))
    before = section % ('a', 'a') + tail
    after = section % ('a', 'a') + section % ('b', 'b') + tail
    diff = cs.unified(before, after, 'a', 'b')
    assert _without_annotation(diff) == _plain(before, after)
    (header,) = _headers(diff)
    assert header.endswith(' @@ trunk b')
    # the lines difflib itself marks added are not b's section alone
    ((tag, _i1, _i2, j1, j2),) = [code for code in difflib.SequenceMatcher(
        None, before.splitlines(True), after.splitlines(True)).get_opcodes() if code[0] != 'equal']
    assert tag == 'insert' and set(cs.owners(after)[j1:j2]) == {'a', 'b'}


# --------------------------------------------------------------------------- hunks: read back

def test_hunks_read_the_annotation_and_count_the_lines():
    before = 'debug=2\n#@trunk a\nlisten=tls:127.0.0.1:5067\n#@end\n' + 'pad\n' * 10 + '#@trunk b\ny=1\n#@end\n'
    after = before.replace('debug=2', 'debug=3').replace('5067', '5069').replace('y=1', 'y=2\ny=3')
    diff = cs.unified(before, after, 'k.cfg', 'k.cfg (would be)') + cs.unified('a\n', 'b\n', 'tls.cfg', 'tls.cfg')
    found = cs.hunks(diff)
    assert [(h['file'], h['header'], h['trunks'], h['host_wide'], h['annotated'], h['added'], h['removed'])
            for h in found] == [
        ('k.cfg (would be)', '@@ -1,6 +1,6 @@', ['a'], True, True, 2, 2),
        ('k.cfg (would be)', '@@ -13,5 +13,6 @@', ['b'], False, True, 2, 1),
        ('tls.cfg', '@@ -1 +1 @@', [], True, True, 1, 1)]
    lines = diff.splitlines()
    assert all(lines[h['first_line']].startswith(h['header'] + ' ') for h in found)
    assert cs.trunks_of(diff) == {'trunks': ['a', 'b'], 'host_wide': True}


def test_hunks_without_annotation_follow_the_markers_inside_them():
    diff = '\n'.join([
        '--- a', '+++ b',
        '@@ -1,4 +1,4 @@',          # a change before any marker: host-wide
        '-debug=2', '+debug=3', ' #@trunk a', ' x=1',
        '@@ -10,5 +10,5 @@ route[TO_TRUNK_1] {',  # git's function context is no annotation
        ' #@trunk a', '-x=1', '+x=2', ' #@end', ' y',
        '@@ -20,4 +20,4 @@',          # removed lines in a's section, added ones in b's
        '-#@trunk a', '+#@trunk b', ' z=1', '-w=1', '+w=2',
        '@@ -30,3 +30,3 @@',          # after an #@end: host-wide
        ' #@end', '-v=1', '+v=2', ' u',
    ])
    found = cs.hunks(diff)
    assert [(h['trunks'], h['host_wide'], h['annotated']) for h in found] == [
        ([], True, False), (['a'], False, False), (['a', 'b'], False, False), ([], True, False)]
    assert found[1]['header'] == '@@ -10,5 +10,5 @@' and found[1]['first_line'] == 7
    assert [(h['added'], h['removed']) for h in found] == [(1, 1), (1, 1), (2, 2), (1, 1)]


def test_a_line_that_looks_like_a_file_header_inside_a_hunk_is_a_line_of_it():
    before, after = '-- x\n++ y\n', '++ y\n-- x\n'
    diff = cs.unified(before, after, 'a', 'b')
    assert '\n--- x\n' in diff or '\n+++ y\n' in diff
    (hunk,) = cs.hunks(diff)
    assert (hunk['file'], hunk['added'], hunk['removed']) == ('b', 1, 1)


@pytest.mark.parametrize('text', ['', 'no diff here\n', '@@ nonsense @@\n', '@@ -1,3 +1,3 @@', '@@ -x +y @@\n',
                                  '+++ only a header\n', '@@ -1,99999999999999999999 +1 @@\n-a\n',
                                  '@@ -0,0 +0,0 @@ trunk a\n', None, 42, b'@@ -1 +1 @@\n-a\n+b\n'])
def test_hunks_of_anything_never_raise(text):
    found = cs.hunks(text)
    assert isinstance(found, list)
    assert cs.trunks_of(text)['trunks'] == sorted(set(name for h in found for name in h['trunks']))


def test_hunks_of_what_is_no_diff_are_none():
    assert cs.hunks('debug=2\nchildren=4\n') == [] and cs.trunks_of('x') == {'trunks': [], 'host_wide': False}


# --------------------------------------------------------------------------- real renderings

def three():
    """Three trunks, one per branch: TLS to an IP next hop, TLS to a named next hop, TCP with SRTP optional."""
    return [inputs.trunk('public', server_name='sbc.example.net'),
            inputs.trunk('named', address='sbc.provider.test', gateway_address='127.0.0.13'),
            inputs.trunk('migrating', 'private', tls=False, opportunistic=False, address='192.0.2.20',
                         gateway_address='127.0.0.11', srtp_mode='optional')]


def extra(**kwargs):
    return inputs.trunk('extra', address='192.0.2.40', gateway_address='127.0.0.14', **kwargs)


def rendered(trunks, **given):
    return inputs.render_gateway(inputs.gateway_variables(dict(inputs.GATEWAY_INPUTS, **given), trunks))


@pytest.fixture(scope='module')
def base():
    return rendered(three())


def attributed(before, after):
    """{file: (trunks, host_wide)} of the diffs of each file that changed, and every diff's hunks annotated."""
    found = {}
    for name in FILES:
        diff = cs.unified(before[name], after[name], name, name + ' (would be)')
        if not diff:
            continue
        assert _without_annotation(diff) == _plain(before[name], after[name], name, name + ' (would be)')
        hunks = cs.hunks(diff)
        assert hunks and all(h['annotated'] and (h['trunks'] or h['host_wide']) for h in hunks), diff
        summary = cs.trunks_of(diff)
        found[name] = (summary['trunks'], summary['host_wide'])
    return found


def test_the_markers_change_no_statement_and_each_trunk_has_its_sections(base):
    for name in FILES:
        text = base[name]
        unmarked = '\n'.join(line for line in text.splitlines() if not line.strip().startswith(('#@trunk ', '#@end')))
        assert kamailio.statements(unmarked) == kamailio.statements(text)
    assert set(cs.owners(base['kamailio.cfg'])) == {None, 'public', 'named', 'migrating'}
    assert set(cs.owners(base['tls.cfg'])) == {None, 'public', 'named'}   # migrating has no TLS profile
    lines = base['kamailio.cfg'].splitlines()
    owner = dict(zip(lines, cs.owners(base['kamailio.cfg'])))
    assert owner['listen=tls:127.0.0.10:5067'] == 'public' and owner['listen=tcp:127.0.0.1:5070'] is None
    assert owner['route[OFFER_FROM_TRUNK_3] {'] == 'migrating' and owner['onreply_route[MEDIA] {'] is None
    assert owner['children=2'] is None and owner['    if ($si == "192.0.2.10" && $sp == 5061) {'] == 'public'
    # indented like the code around them
    assert '        #@trunk named' in lines and '    #@trunk public' in lines


def test_a_listener_two_trunks_share_is_host_wide():
    text = rendered(three() + [inputs.trunk('plain', 'private', tls=False, srtp=False, opportunistic=False,
                                            address='192.0.2.30', gateway_address='127.0.0.11')])['kamailio.cfg']
    owner = dict(zip(text.splitlines(), cs.owners(text)))
    assert owner['listen=tcp:127.0.0.11:5068'] is None
    assert owner['    if ($Ri == "127.0.0.11" && $Rp == 5068 && $si == "192.0.2.20") {'] is None
    assert owner['route[FROM_TRUNK_4] {'] == 'plain'


def test_a_trunk_setting_is_that_trunks_drift(base):
    trunks = three()
    trunks[2]['gateway']['srtp_mode'] = 'required'
    assert attributed(base, rendered(trunks)) == {'kamailio.cfg': (['migrating'], False)}
    trunks = three()
    trunks[0]['provider']['port'] = 5062
    assert attributed(base, rendered(trunks)) == {'kamailio.cfg': (['public'], False)}
    trunks = three()
    trunks[0]['provider']['server_name'] = 'sbc2.example.net'
    assert attributed(base, rendered(trunks)) == {'kamailio.cfg': (['public'], False), 'tls.cfg': (['public'], False)}
    trunks = three()
    trunks[1]['gateway']['mutual_tls'] = False
    assert attributed(base, rendered(trunks)) == {'tls.cfg': (['named'], False)}


def test_a_host_setting_is_host_wide_drift(base):
    assert attributed(base, rendered(three(), mediation_gateway_children=4)) == {'kamailio.cfg': ([], True)}
    # a host setting every trunk's TLS profiles repeat: the host's default profiles, and each of those
    assert attributed(base, rendered(three(), mediation_gateway_tls_verify_depth=3)) == {
        'tls.cfg': (['named', 'public'], True)}


def test_an_added_trunk_is_its_own_drift(base):
    assert attributed(base, rendered(three() + [extra()])) == {'kamailio.cfg': (['extra'], False),
                                                               'tls.cfg': (['extra'], False)}
    tcp = extra(connection='private', tls=False, opportunistic=False, srtp_mode='optional')
    assert attributed(base, rendered(three() + [tcp])) == {'kamailio.cfg': (['extra'], False)}
    # a trunk joining another's listener changes what they share (host-wide) and that trunk's own line
    shared = extra(connection='private', tls=False, opportunistic=False, srtp_mode='optional')
    shared['gateway']['address'] = '127.0.0.11'
    assert attributed(base, rendered(three() + [shared])) == {'kamailio.cfg': (['extra', 'migrating'], True)}


def test_a_removed_trunk_is_its_own_drift(base):
    assert attributed(base, rendered(three()[:2])) == {'kamailio.cfg': (['migrating'], False)}
    # one removed from the middle: the trunks after it are renumbered (their routes change too)
    trunks = three()
    del trunks[1]
    assert attributed(base, rendered(trunks)) == {'kamailio.cfg': (['migrating', 'named'], False),
                                                  'tls.cfg': (['named'], False)}


def test_a_fresh_file_is_host_wide_and_every_trunk(base):
    for name, trunks in (('kamailio.cfg', ['public', 'named', 'migrating']), ('tls.cfg', ['public', 'named'])):
        diff = cs.unified('', base[name], name, name + ' (would be)')
        (hunk,) = cs.hunks(diff)
        assert (hunk['host_wide'], hunk['trunks'], hunk['removed']) == (True, trunks, 0)
        assert hunk['added'] == len(base[name].splitlines())
        assert _headers(diff) == ['@@ -0,0 +1,%d @@ host-wide, %s' % (
            hunk['added'], ', '.join('trunk ' + t for t in trunks))]
        (gone,) = cs.hunks(cs.unified(base[name], '', name, name))
        assert (gone['host_wide'], gone['trunks'], gone['added']) == (True, trunks, 0)


def test_an_unannotated_diff_is_attributed_by_the_markers_in_its_context(base):
    """difflib's own output, from elsewhere: a hunk whose context holds a trunk's marker before its changes is
    that trunk's; one with no marker before its changes is host-wide (it counts against every trunk)."""
    trunks = three()
    trunks[2]['gateway']['srtp_mode'] = 'required'
    after = rendered(trunks)['kamailio.cfg']
    found = cs.hunks(_plain(base['kamailio.cfg'], after))
    assert found and not any(h['annotated'] for h in found)
    placed = unplaced = 0
    plain = _plain(base['kamailio.cfg'], after).splitlines()
    for hunk in found:
        body = plain[hunk['first_line'] + 1:hunk['first_line'] + 1 + hunk['added'] + hunk['removed'] + 20]
        before_change = []
        for line in body:
            if line[:1] in '+-':
                break
            before_change.append(line[1:].strip())
        if '#@trunk migrating' in before_change:
            placed += 1
            assert (hunk['trunks'], hunk['host_wide']) == (['migrating'], False)
        elif not any(line.startswith(('#@trunk ', '#@end')) for line in before_change):
            unplaced += 1
            assert hunk['host_wide'] and hunk['trunks'] in ([], ['migrating'])
    assert placed and unplaced, found
    # where the annotation is there it is the truth
    expected = {'trunks': ['migrating'], 'host_wide': False}
    assert cs.trunks_of(cs.unified(base['kamailio.cfg'], after, 'a', 'b')) == expected


# --------------------------------------------------------------------------- properties

MARKERS = ['#@trunk a', '#@trunk b', '    #@trunk c.1', '#@end', '    #@end', '#@trunk', '#@endx', '}', '', 'x=1',
           'x=2', 'route(A);', '@@ -1 +1 @@', '--- a', '+++ b', '-x', '+y', ' z', '\\ No newline at end of file']
LINES = st.lists(st.one_of(st.sampled_from(MARKERS), st.text(st.characters(exclude_categories=('Cs',)), max_size=8)),
                 max_size=30)


def _text_of(lines):
    # every line ends with a line break, as the rendered files do (difflib joins a last line without one to the
    # next diff line)
    return ''.join(line.replace('\r', '').replace('\n', '') + '\n' for line in lines)


def _counts(before, after, context):
    """The lines difflib marks added and removed (after its two file header lines)."""
    lines = list(difflib.unified_diff(before.splitlines(True), after.splitlines(True), 'a', 'b', n=context))[2:]
    return sum(line.startswith('+') for line in lines), sum(line.startswith('-') for line in lines)


def _split_safe(lines):
    # splitlines() breaks a line at more than \n: the property keeps to lines that are one line to it
    return [line for line in lines if len((line + '\n').splitlines()) == 1]


@FAST
@given(LINES, LINES, st.integers(min_value=0, max_value=4))
def test_every_changed_line_is_counted_once_and_owned(before_lines, after_lines, context):
    before, after = _text_of(_split_safe(before_lines)), _text_of(_split_safe(after_lines))
    diff = cs.unified(before, after, 'a', 'b', n=context)
    assert _without_annotation(diff) == _plain(before, after, n=context)
    found = cs.hunks(diff)
    assert all(h['annotated'] and (h['trunks'] or h['host_wide']) for h in found)
    assert (sum(h['added'] for h in found), sum(h['removed'] for h in found)) == _counts(before, after, context)
    owners = set(cs.owners(before)) | set(cs.owners(after))
    assert set(name for h in found for name in h['trunks']) <= owners - {None}
    # the same hunks without the annotation: the same lines, owned by what the markers inside say
    bare = cs.hunks(_plain(before, after, n=context))
    assert [(h['header'], h['added'], h['removed'], h['first_line']) for h in bare] == [
        (h['header'], h['added'], h['removed'], h['first_line']) for h in found]


@FAST
@given(st.text(st.characters(exclude_categories=('Cs',))), st.text(st.characters(exclude_categories=('Cs',))))
def test_any_texts_diff_and_read_back_without_raising(before, after):
    diff = cs.unified(before, after, 'a', 'b')
    assert isinstance(cs.hunks(diff), list) and isinstance(cs.trunks_of(diff), dict)
    assert len(cs.owners(before)) == len(before.splitlines())


HEADERS = ['@@ -1,3 +1,2 @@ trunk a', '@@ -5 +5,0 @@', '@@ -1 +1 @@ host-wide', '@@ -2,2 +2,2 @@ host-wide, trunk x, no']


@FAST
@given(st.lists(st.one_of(st.sampled_from(MARKERS + HEADERS), st.text(max_size=10)), max_size=40).map('\n'.join))
def test_hunks_of_arbitrary_text_never_raise(text):
    for hunk in cs.hunks(text):
        assert hunk['added'] >= 0 and hunk['removed'] >= 0 and isinstance(hunk['trunks'], list)
        assert text.splitlines()[hunk['first_line']].startswith(hunk['header'])
