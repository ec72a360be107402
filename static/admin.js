/* admin.js: progressive touches for the staff admin's booking form (every
 * page works without it): rows added and removed in place, a crew member's
 * rate and role filled from the roster, the upload window's times shown
 * only when custom, and the owner's margin line kept up to date while
 * typing (the server computes the same on every submit). */
(function () {
  'use strict';

  var form = document.getElementById('booking-form');
  if (!form) return;

  /* ---------- amounts ---------- */

  /* "1,850.00", "$1850.5" -> cents; null when it does not read (as money.c). */
  function cents(text) {
    var m = /^\s*\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$/.exec(text || '');
    if (!m) return null;
    var frac = m[2] ? (m[2].length === 1 ? m[2] + '0' : m[2]) : '00';
    return parseInt(m[1].replace(/,/g, ''), 10) * 100 + parseInt(frac, 10);
  }

  /* "4", "4.5" -> hundredths; null when it does not read. */
  function hours(text) {
    var m = /^\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text || '');
    if (!m) return null;
    var frac = m[2] ? (m[2].length === 1 ? m[2] + '0' : m[2]) : '00';
    return parseInt(m[1], 10) * 100 + parseInt(frac, 10);
  }

  var dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
  function label(c) {
    /* U+2060 keeps the minus sign on the line of its dollars, as money_label does. */
    return (c < 0 ? '\u2212\u2060' : '') + dollars.format(Math.abs(c) / 100);
  }

  /* The charter's length in hundredths of an hour, from its two times. */
  function charterHours() {
    var s = form.querySelector('.js-starts');
    var e = form.querySelector('.js-ends');
    var a = s && Date.parse(s.value + 'Z');
    var b = e && Date.parse(e.value + 'Z');
    if (!a || !b || b <= a) return 0;
    return Math.floor(((b - a) / 1000 * 100 + 1800) / 3600);
  }

  function cost(rate, h100) {
    return Math.floor((rate * h100 + 50) / 100);
  }

  /* ---------- the margin line (owner only) ---------- */

  var margin = document.getElementById('margin');
  var warnPct = parseInt(form.getAttribute('data-warn-pct') || '0', 10);

  function money(id) {
    var el = document.getElementById(id);
    var c = el ? cents(el.value === '' ? '0' : el.value) : 0;
    return c === null ? 0 : c;
  }

  function crewCost() {
    var total = 0;
    var whole = charterHours();
    form.querySelectorAll('.crew-row').forEach(function (row) {
      var status = row.getAttribute('data-status');
      var who = row.querySelector('.js-crew');
      if (status === 'declined' || !who || !who.value) return;
      var rateEl = row.querySelector('.js-rate');
      var opt = who.options[who.selectedIndex];
      var rate = rateEl.value !== '' ? cents(rateEl.value) : cents(opt.getAttribute('data-rate'));
      var h = row.querySelector('.js-hours').value !== '' ? hours(row.querySelector('.js-hours').value) : whole;
      if (rate !== null && h !== null) total += cost(rate, h);
    });
    form.querySelectorAll('.slot-row').forEach(function (row) {
      var count = parseInt(row.querySelector('.js-count').value, 10);
      var rate = cents(row.querySelector('.js-rate').value);
      var hEl = row.querySelector('.js-hours');
      var h = hEl.value !== '' ? hours(hEl.value) : whole;
      var open = (isNaN(count) ? 0 : count) - parseInt(row.getAttribute('data-filled') || '0', 10);
      if (open > 0 && rate !== null && h !== null) total += open * cost(rate, h);
    });
    return total;
  }

  function updateMargin() {
    if (!margin) return;
    var revenue = money('revenue_cents');
    var port = money('port_fee_cents');
    var captain = money('captain_fee_cents');
    var crew = crewCost();
    var net = revenue - crew - port - captain;
    var pct = 'no revenue yet';
    if (revenue > 0) {
      /* Tenths, rounded half away from zero, as booking_form.c does. */
      var half = Math.floor(revenue / 2);
      var x10 = Math.trunc((net * 1000 + (net < 0 ? -half : half)) / revenue);
      pct = (x10 < 0 ? '\u2212' : '') + (Math.abs(x10) / 10).toFixed(1) + '%';
    }
    var warn = revenue <= 0 || net * 100 < warnPct * revenue;
    document.getElementById('margin-net').textContent = label(net);
    document.getElementById('margin-pct').textContent = pct;
    document.getElementById('margin-revenue').textContent = label(revenue);
    document.getElementById('margin-crew').textContent = label(crew);
    document.getElementById('margin-port').textContent = label(port);
    document.getElementById('margin-captain').textContent = label(captain);
    document.getElementById('margin-warning').hidden = !warn;
    margin.classList.toggle('is-warn', warn);
  }

  /* ---------- rows ---------- */

  function removeButton(row, what) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn btn-secondary btn-small row-remove';
    b.textContent = 'Remove ' + what;
    b.addEventListener('click', function () {
      var list = row.parentNode;
      row.remove();
      updateMargin();
      var next = list && list.querySelector('input, select');
      if (next) next.focus();
    });
    row.appendChild(b);
  }

  function addRemoveButtons(root) {
    root.querySelectorAll('.item-row').forEach(function (r) {
      if (!r.querySelector('.row-remove')) removeButton(r, 'item');
    });
    root.querySelectorAll('.crew-row').forEach(function (r) {
      if (!r.querySelector('.row-remove')) removeButton(r, 'crew member');
    });
    root.querySelectorAll('.slot-row').forEach(function (r) {
      if (!r.querySelector('.row-remove')) removeButton(r, 'open place');
    });
  }

  /* A new row from the list's template, its "__i__" made the next index. */
  function addRow(list) {
    var box = form.querySelector('[data-list="' + list + '"]:not(button)');
    var tpl = document.getElementById('tpl-' + list);
    if (!box || !tpl) return false;
    var i = parseInt(box.getAttribute('data-next') || '0', 10);
    box.setAttribute('data-next', String(i + 1));
    var frag = tpl.content.cloneNode(true);
    frag.querySelectorAll('[id], [for], [name], [value], [aria-describedby]').forEach(function (el) {
      ['id', 'for', 'name', 'aria-describedby'].forEach(function (a) {
        var v = el.getAttribute(a);
        if (v) el.setAttribute(a, v.split('__i__').join(String(i)));
      });
      if (el.type === 'radio' && el.value === '__i__') el.value = String(i);
    });
    var row = frag.firstElementChild;
    box.appendChild(frag);
    addRemoveButtons(box);
    var first = row && row.querySelector('input:not([type=hidden]), select');
    if (first) first.focus();
    return true;
  }

  form.querySelectorAll('button.js-add').forEach(function (b) {
    b.addEventListener('click', function (ev) {
      if (addRow(b.getAttribute('data-list'))) ev.preventDefault();
    });
  });
  addRemoveButtons(form);

  /* Choosing a crew member fills their roster rate and first role, unless
   * someone typed those. */
  form.addEventListener('change', function (ev) {
    var t = ev.target;
    if (t.classList && t.classList.contains('js-crew')) {
      var row = t.closest('.crew-row');
      var opt = t.options[t.selectedIndex];
      var rate = row.querySelector('.js-rate');
      var role = row.querySelector('.js-role');
      if (rate.value === '' || rate.getAttribute('data-auto') === '1') {
        rate.value = opt.getAttribute('data-rate') || '';
        rate.setAttribute('data-auto', '1');
      }
      if (role.value === '' || role.getAttribute('data-auto') === '1') {
        role.value = opt.getAttribute('data-role') || '';
        role.setAttribute('data-auto', '1');
      }
    }
    if (t.name === 'upload_window') uploadTimes();
    updateMargin();
  });
  form.addEventListener('input', function (ev) {
    if (ev.target.getAttribute('data-auto') === '1') ev.target.removeAttribute('data-auto');
    updateMargin();
  });

  /* ---------- the upload window ---------- */

  function uploadTimes() {
    var custom = form.querySelector('input[name="upload_window"][value="custom"]');
    var box = form.querySelector('.upload-times');
    if (custom && box) box.hidden = !custom.checked;
  }
  uploadTimes();
  updateMargin();
})();
