/* The audit report's filter: optional. Without it every trunk is listed and nothing is hidden;
   with it the form appears and narrows the list by status, rule, host and text. No request. */
(function () {
  'use strict';
  var form = document.getElementById('filter');
  var shown = document.getElementById('shown');
  if (!form || !shown || !document.querySelectorAll) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll('details.trunk'));
  var texts = null;
  function textOf(row) { return (row.textContent || '').toLowerCase(); }
  function apply() {
    var status = form.elements.status.value;
    var rule = form.elements.rule.value;
    var host = form.elements.host.value.trim().toLowerCase();
    var text = form.elements.text.value.trim().toLowerCase();
    if (text && texts === null) { texts = rows.map(textOf); }
    var count = 0;
    rows.forEach(function (row, index) {
      var ok = true;
      var rowStatus = row.getAttribute('data-status');
      if (status === 'non-compliant') { ok = rowStatus !== 'compliant'; } else if (status) { ok = rowStatus === status; }
      if (ok && rule) {
        var rules = row.querySelector('summary > code');
        ok = (' ' + (rules ? rules.textContent : '') + ' ').indexOf(' ' + rule + ' ') !== -1;
      }
      if (ok && host) {
        var on = row.querySelector('summary > span');
        ok = (on ? on.textContent : '').toLowerCase().indexOf(host) !== -1;
      }
      if (ok && text) { ok = texts[index].indexOf(text) !== -1; }
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count === rows.length ? '(' + rows.length + ')' : '(' + count + ' of ' + rows.length + ' shown)';
  }
  form.hidden = false;
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  Array.prototype.forEach.call(document.querySelectorAll('[data-filter-status]'), function (tile) {
    tile.addEventListener('click', function () {
      form.elements.status.value = tile.getAttribute('data-filter-status');
      apply();
    });
  });
  // on paper every section is there, unfolded; afterwards the page is as it was
  var folded = [];
  window.addEventListener('beforeprint', function () {
    rows.forEach(function (row) { row.hidden = false; });
    folded = Array.prototype.filter.call(document.querySelectorAll('details:not([open])'), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener('afterprint', function () {
    folded.forEach(function (d) { d.open = false; });
    folded = [];
    apply();
  });
  apply();
}());
