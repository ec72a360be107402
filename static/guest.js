/* guest.js: guest page behaviour: checklist ticks kept in localStorage, a maps link
 * for the meeting point, and the photo uploader.
 *
 * The page is a published flat file, so it knows nothing about "now": the server
 * decides whether the upload window is open (GET /g/<slug>/photos) and this script
 * only reflects it. Upload: hash the file (SHA-256), POST /g/<slug>/photos for a
 * presigned URL that signs that hash (the store takes these bytes and no others),
 * PUT the bytes there (XMLHttpRequest, for progress), POST .../<photo_id>/complete.
 * Plain ES2017, loaded with defer; no inline code anywhere (CSP script-src 'self').
 */
(function () {
  'use strict';

  var root = document.documentElement;
  var slug = root.getAttribute('data-slug');
  var timeZone = root.getAttribute('data-time-zone') || undefined;
  if (!slug) return;

  var base = '/g/' + encodeURIComponent(slug);

  /* ---------- small helpers ---------- */

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'text') el.textContent = v;
        else if (k === 'className') el.className = v;
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) el.append(c);
    });
    return el;
  }

  function svgIcon(className, paths) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', className);
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    paths.forEach(function (d) {
      var p = document.createElementNS(ns, 'path');
      p.setAttribute('d', d);
      svg.appendChild(p);
    });
    return svg;
  }

  var DATE_OPTS = { weekday: 'short', month: 'short', day: 'numeric',
                    hour: 'numeric', minute: '2-digit', timeZoneName: 'short' };

  /* Formats an ISO timestamp in the boat's time zone, like the server's labels. */
  function formatTime(iso) {
    var d = new Date(iso);
    if (!iso || isNaN(d.getTime())) return '';
    try {
      return new Intl.DateTimeFormat('en-US', Object.assign({ timeZone: timeZone }, DATE_OPTS)).format(d);
    } catch (e) {
      return new Intl.DateTimeFormat('en-US', DATE_OPTS).format(d);
    }
  }

  function formatBytes(n) {
    if (!(n >= 0)) return '';
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return Math.round(n / 1024) + ' KB';
    var mb = n / (1024 * 1024);
    return (mb < 10 ? mb.toFixed(1) : Math.round(mb)) + ' MB';
  }

  /* Only http(s) URLs from the server end up in src/href. */
  function safeUrl(u) {
    try {
      var url = new URL(u, window.location.href);
      return (url.protocol === 'https:' || url.protocol === 'http:') ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /* ---------- checklist: ticks persisted per booking ---------- */

  function initChecklist() {
    var box = document.getElementById('checklist');
    if (!box) return;
    var inputs = Array.prototype.slice.call(box.querySelectorAll('input[type="checkbox"]'));
    if (!inputs.length) return;
    var key = 'charterd:checklist:' + slug;
    var saved = [];
    try { saved = JSON.parse(window.localStorage.getItem(key) || '[]') || []; } catch (e) { saved = []; }
    inputs.forEach(function (i) { i.checked = saved.indexOf(i.value) !== -1; });

    var counter = h('p', { className: 'fine checklist-progress', 'aria-live': 'polite' });
    box.after(counter);
    function update() {
      var ticked = inputs.filter(function (i) { return i.checked; });
      counter.textContent = ticked.length === inputs.length
        ? 'All packed. See you on the water!'
        : ticked.length + ' of ' + inputs.length + ' packed';
      try {
        window.localStorage.setItem(key, JSON.stringify(ticked.map(function (i) { return i.value; })));
      } catch (e) { /* private mode or full storage: ticks just aren't remembered */ }
    }
    box.addEventListener('change', update);
    update();
  }

  /* ---------- meeting point: maps link built here (templates cannot URL-encode) ---------- */

  function initMapLink() {
    var el = document.getElementById('meeting-point');
    var q = el && el.getAttribute('data-maps-query');
    if (!q) return;
    var a = h('a', {
      className: 'map-link',
      href: 'https://www.google.com/maps/search/?api=1&query=' + encodeURIComponent(q),
      target: '_blank',
      rel: 'noopener noreferrer'
    }, [
      svgIcon('map-icon', ['M12 21s-6-5.5-6-11a6 6 0 0 1 12 0c0 5.5-6 11-6 11z', 'M12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z']),
      'Open in Maps',
      h('span', { className: 'visually-hidden', text: ' (opens in a new tab)' })
    ]);
    el.after(a);
  }

  /* ---------- photo uploader ---------- */

  var section = document.getElementById('photo-upload');
  var windowLine = document.getElementById('upload-window');
  var closedMsg = document.getElementById('upload-closed');
  var area = document.getElementById('upload-area');
  var gallery = document.getElementById('photo-gallery');

  var TYPES = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP', 'image/heic': 'HEIC' };
  var BY_EXT = { jpg: 'image/jpeg', jpeg: 'image/jpeg', jpe: 'image/jpeg', png: 'image/png',
                 webp: 'image/webp', heic: 'image/heic' };
  var ACCEPT = 'image/jpeg,image/png,image/webp,image/heic,.heic';
  var CONCURRENCY = 3;
  var MSG_NETWORK = 'Network problem: check your connection and try again.';

  var state = {
    maxBytes: 25 * 1024 * 1024,
    quota: 0,
    used: 0,
    win: null,          /* last {open, opens_at, closes_at} from the server */
    stop: null,         /* null | 'closed' | 'quota' | 'gone' */
    stopMessage: '',
    queue: [],
    active: 0,
    pending: 0,         /* accepted locally, not yet uploaded or failed */
    photos: [],         /* last gallery list from the server */
    timer: null,
    refreshTimer: null
  };

  var control = null;   /* the drop zone, present only while the window is open */
  var list = null;      /* ul of .upload-item */
  var notice = null;    /* p for quota / cancelled / network problems */
  var summary = null;

  function api(method, path, body) {
    var opts = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(base + path, opts).then(function (res) {
      return res.text().then(function (t) {
        var data = {};
        try { data = t ? JSON.parse(t) : {}; } catch (e) { data = {}; }
        return { status: res.status, data: data || {} };
      });
    });
  }

  function showNotice(kind, text, retry) {
    if (!notice) {
      notice = h('div', { id: 'upload-notice', role: 'alert' });
      closedMsg.after(notice);
    }
    notice.className = 'alert alert-' + kind;
    notice.textContent = text;
    if (retry) {
      var b = h('button', { type: 'button', className: 'btn btn-small btn-secondary notice-retry', text: 'Try again' });
      b.addEventListener('click', retry);
      notice.append(' ', b);
    }
    notice.hidden = false;
  }

  function hideNotice() {
    if (notice) notice.hidden = true;
  }

  function closedText(win) {
    var opens = Date.parse(win && win.opens_at);
    if (!isNaN(opens) && Date.now() < opens) {
      return 'Photo uploads open ' + formatTime(win.opens_at) + '.';
    }
    var closes = formatTime(win && win.closes_at);
    return closes ? 'Photo uploads closed on ' + closes + '.' : 'Photo uploads are closed.';
  }

  /* Reflects the server's view of the upload window. */
  function setWindow(win) {
    state.win = win || { open: false };
    clearTimeout(state.timer);
    if (state.win.open) {
      if (state.stop === 'closed') state.stop = null;
      closedMsg.hidden = true;
      closedMsg.textContent = '';
      var until = formatTime(state.win.closes_at);
      windowLine.textContent = until ? 'Uploads are open until ' + until + '.' : 'Uploads are open.';
      windowLine.hidden = false;
      showControl();
      scheduleRecheck(state.win.closes_at);
    } else {
      removeControl();
      windowLine.hidden = true;
      closedMsg.textContent = closedText(state.win);
      closedMsg.hidden = false;
      var opens = Date.parse(state.win.opens_at);
      if (!isNaN(opens) && Date.now() < opens) scheduleRecheck(state.win.opens_at);
    }
    renderGallery(state.photos);
  }

  /* Asks the server again shortly after the window should flip (only if that is soon). */
  function scheduleRecheck(iso) {
    var t = Date.parse(iso);
    if (isNaN(t)) return;
    var delay = t - Date.now() + 2000;
    if (delay > 0 && delay < 24 * 3600 * 1000) {
      state.timer = setTimeout(loadPhotos, delay);
    }
  }

  function ensureList() {
    if (!list) {
      list = h('ul', { id: 'upload-list', className: 'upload-list', 'aria-label': 'Uploads' });
      area.append(list);
    }
    return list;
  }

  function showControl() {
    if (control || state.stop) return;
    var input = h('input', { type: 'file', id: 'photo-input', name: 'photos', multiple: true, accept: ACCEPT });
    var limit = formatBytes(state.maxBytes);
    summary = h('p', { id: 'upload-summary', className: 'upload-summary' });
    control = h('div', { className: 'upload-control' }, [
      h('label', { className: 'dropzone', id: 'photo-dropzone', for: 'photo-input' }, [
        svgIcon('dropzone-icon', ['M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2', 'M12 4v11', 'M7.5 8.5 12 4l4.5 4.5']),
        h('span', { className: 'dropzone-title' }, ['Add photos', h('span', { className: 'dropzone-drag', text: ' or drop them here' })]),
        h('span', { className: 'hint', text: 'JPEG, PNG, WebP or HEIC, up to ' + limit + ' each. Pick as many as you like.' }),
        input
      ]),
      summary
    ]);
    area.prepend(control);
    ensureList();
    updateSummary();

    input.addEventListener('change', function () {
      addFiles(input.files);
      input.value = '';
    });
    var zone = control.querySelector('.dropzone');
    ['dragenter', 'dragover'].forEach(function (ev) {
      zone.addEventListener(ev, function (e) {
        e.preventDefault();
        zone.classList.add('is-dragover');
      });
    });
    ['dragleave', 'dragend', 'drop'].forEach(function (ev) {
      zone.addEventListener(ev, function () { zone.classList.remove('is-dragover'); });
    });
    zone.addEventListener('drop', function (e) {
      e.preventDefault();
      if (e.dataTransfer) addFiles(e.dataTransfer.files);
    });
  }

  function removeControl() {
    if (control) control.remove();
    control = null;
    summary = null;
  }

  function updateSummary() {
    if (!summary) return;
    /* Shared = in the gallery; the quota also counts uploads still under way. */
    var shared = state.photos.length;
    summary.textContent = (shared === 1 ? '1 photo' : shared + ' photos') + ' shared so far' +
      (state.quota ? ' (up to ' + state.quota + ').' : '.');
  }

  /* ---------- one upload item ---------- */

  function contentTypeOf(file) {
    var t = (file.type || '').toLowerCase();
    if (t === 'image/jpg') t = 'image/jpeg';
    if (TYPES[t]) return t;
    var m = /\.([a-z0-9]+)$/i.exec(file.name || '');
    return m && BY_EXT[m[1].toLowerCase()] ? BY_EXT[m[1].toLowerCase()] : null;
  }

  function makeItem(file) {
    var progress = h('progress', { max: '100', value: '0', 'aria-label': 'Upload progress for ' + file.name }, ['0%']);
    var pct = h('span', { className: 'upload-pct', 'aria-hidden': 'true', text: '0%' });
    var status = h('p', { className: 'upload-status', 'aria-live': 'polite', text: 'Waiting…' });
    var actions = h('div', { className: 'upload-actions' });
    var li = h('li', { className: 'upload-item is-queued' }, [
      h('span', { className: 'upload-name', title: file.name, text: file.name }),
      h('span', { className: 'upload-size', text: formatBytes(file.size) }),
      h('div', { className: 'upload-bar' }, [progress, pct]),
      status,
      actions
    ]);
    ensureList().append(li);
    return { file: file, type: contentTypeOf(file), li: li, progress: progress, pct: pct,
             status: status, actions: actions, xhr: null, counted: false };
  }

  function setPhase(item, phase, text) {
    item.li.className = 'upload-item is-' + phase;
    if (item.status.textContent !== text) item.status.textContent = text;
    item.actions.textContent = '';
  }

  function setProgress(item, fraction) {
    var p = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    item.progress.value = p;
    item.progress.textContent = p + '%';
    item.pct.textContent = p + '%';
  }

  function uncount(item) {
    if (item.counted) state.pending -= 1;
    item.counted = false;
  }

  function fail(item, message, retryable) {
    setPhase(item, 'error', message);
    uncount(item);
    if (retryable) {
      var b = h('button', { type: 'button', className: 'btn btn-small btn-secondary upload-retry' },
                ['Retry', h('span', { className: 'visually-hidden', text: ' ' + item.file.name })]);
      b.addEventListener('click', function () { enqueue(item); pump(); });
      item.actions.append(b);
    }
  }

  /* Refused before any request: no progress bar, no retry. */
  function reject(item, message) {
    fail(item, message, false);
    item.li.classList.add('is-rejected');
  }

  function done(item) {
    setProgress(item, 1);
    setPhase(item, 'done', 'Uploaded');
    uncount(item);
    state.used += 1;
    updateSummary();
    refreshSoon();
  }

  function enqueue(item) {
    if (!item.counted) state.pending += 1;
    item.counted = true;
    setProgress(item, 0);
    setPhase(item, 'queued', 'Waiting…');
    state.queue.push(item);
  }

  function addFiles(fileList) {
    var files = Array.prototype.slice.call(fileList || []);
    if (!files.length) return;
    hideNotice();
    files.forEach(function (file) {
      var item = makeItem(file);
      if (!item.type) {
        reject(item, 'Not a supported photo type. Please choose JPEG, PNG, WebP or HEIC.');
        return;
      }
      if (file.size === 0) {
        reject(item, 'This file is empty.');
        return;
      }
      if (file.size > state.maxBytes) {
        reject(item, 'Too large (' + formatBytes(file.size) + '). Photos can be up to ' + formatBytes(state.maxBytes) + '.');
        return;
      }
      if (state.quota && state.used + state.pending >= state.quota) {
        reject(item, 'This charter has reached its limit of ' + state.quota + ' photos.');
        return;
      }
      enqueue(item);
    });
    pump();
  }

  function pump() {
    while (state.active < CONCURRENCY && state.queue.length) {
      var item = state.queue.shift();
      if (state.stop) {
        fail(item, state.stopMessage, false);
        continue;
      }
      state.active += 1;
      upload(item).catch(function () { /* upload() reports its own failures */ }).then(function () {
        state.active -= 1;
        pump();
      });
    }
  }

  /* Stops all further uploads (window closed, quota reached, booking gone). */
  function stopAll(reason, message) {
    state.stop = reason;
    state.stopMessage = message;
    var q = state.queue.splice(0);
    q.forEach(function (it) { fail(it, message, false); });
  }

  function refusal(item, r) {
    var d = r.data || {};
    var msg = d.message || '';
    if (r.status === 403 && d.error === 'upload_window_closed') {
      var win = { open: false, opens_at: d.opens_at || (state.win && state.win.opens_at),
                  closes_at: d.closes_at || (state.win && state.win.closes_at) };
      var text = closedText(win);
      stopAll('closed', text);
      setWindow(win);
      fail(item, text, false);
    } else if (r.status === 429) {
      msg = msg || 'This charter has reached its photo limit.';
      stopAll('quota', msg);
      removeControl();
      showNotice('warning', msg);
      fail(item, msg, false);
    } else if (r.status === 410 || r.status === 404) {
      msg = msg || (r.status === 410 ? 'This charter was cancelled, so photo uploads are off.'
                                     : 'This charter could not be found.');
      stopAll('gone', msg);
      removeControl();
      windowLine.hidden = true;
      showNotice('warning', msg);
      fail(item, msg, false);
    } else if (r.status === 400 || r.status === 413 || r.status === 415) {
      fail(item, msg || 'The server did not accept this file.', false);
    } else {
      fail(item, msg || 'Something went wrong on our side (HTTP ' + r.status + '). Please try again.', true);
    }
  }

  /* The base64 SHA-256 of a file, as S3's x-amz-checksum-sha256 wants it. */
  async function sha256Base64(file) {
    var digest = new Uint8Array(await window.crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
    var s = '';
    for (var i = 0; i < digest.length; i++) s += String.fromCharCode(digest[i]);
    return window.btoa(s);
  }

  async function upload(item) {
    setPhase(item, 'active', 'Preparing…');
    /* crypto.subtle exists only on https pages (and on localhost). */
    if (!(window.crypto && window.crypto.subtle)) {
      return fail(item, 'Photo uploads need a secure (https) connection to this page.', false);
    }
    var sum;
    try {
      sum = await sha256Base64(item.file);
    } catch (e) {
      return fail(item, 'This file could not be read. Please choose it again.', true);
    }
    var r;
    try {
      r = await api('POST', '/photos', { filename: item.file.name, content_type: item.type,
                                         size: item.file.size, sha256: sum });
    } catch (e) {
      return fail(item, MSG_NETWORK, true);
    }
    if (r.status !== 201 && r.status !== 200) return refusal(item, r);

    var up = r.data.upload || {};
    var url = safeUrl(up.url);
    if (!url || !r.data.photo_id) return fail(item, 'The server sent an unusable upload address. Please try again.', true);

    setPhase(item, 'active', 'Uploading…');
    var put;
    try {
      put = await sendBytes(item, up.method || 'PUT', url, up.headers || {});
    } catch (e) {
      return fail(item, MSG_NETWORK, true);
    }
    if (put < 200 || put > 299) {
      return fail(item, 'The photo store refused the upload (HTTP ' + put + '). Please try again.', true);
    }

    setPhase(item, 'active', 'Finishing…');
    var c;
    try {
      c = await api('POST', '/photos/' + encodeURIComponent(r.data.photo_id) + '/complete', {});
    } catch (e) {
      return fail(item, MSG_NETWORK, true);
    }
    if (c.status === 200) return done(item);
    if (c.status === 409) {
      return fail(item, (c.data && c.data.message) || 'We could not find the uploaded photo. Please try again.', true);
    }
    return refusal(item, c);
  }

  function sendBytes(item, method, url, headers) {
    return new Promise(function (settle, broke) {
      var xhr = new XMLHttpRequest();
      item.xhr = xhr;
      xhr.open(method, url, true);
      Object.keys(headers).forEach(function (k) { xhr.setRequestHeader(k, String(headers[k])); });
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable && e.total > 0) setProgress(item, e.loaded / e.total);
      });
      xhr.addEventListener('load', function () { item.xhr = null; settle(xhr.status); });
      xhr.addEventListener('error', function () { item.xhr = null; broke(new Error('network')); });
      xhr.addEventListener('abort', function () { item.xhr = null; broke(new Error('abort')); });
      xhr.addEventListener('timeout', function () { item.xhr = null; broke(new Error('timeout')); });
      xhr.send(item.file);
    });
  }

  /* ---------- gallery ---------- */

  function renderGallery(photos) {
    gallery.textContent = '';
    photos = Array.isArray(photos) ? photos : [];
    var before = state.win && !state.win.open && Date.now() < Date.parse(state.win.opens_at);
    if (!photos.length) {
      if (before) return;
      gallery.append(h('p', { className: 'gallery-empty',
        text: state.win && state.win.open ? 'No photos yet. Be the first to share one!' : 'No photos were shared.' }));
      return;
    }
    var title = h('h3', { className: 'gallery-title' }, [
      'Photos from your charter ', h('span', { className: 'badge', text: String(photos.length) })
    ]);
    var grid = h('ul', { className: 'gallery-grid' });
    photos.forEach(function (p, i) {
      var url = safeUrl(p.url);
      if (!url) return;
      var when = formatTime(p.uploaded_at);
      var alt = 'Photo ' + (i + 1) + (when ? ', shared ' + when : '');
      var img = h('img', { src: url, alt: alt, loading: 'lazy', decoding: 'async', width: '300', height: '300' });
      var link = h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, [img]);
      img.addEventListener('error', function () {
        /* e.g. HEIC outside Safari, or an expired link: keep a tile that still opens it */
        img.hidden = true;
        link.append(h('span', { className: 'gallery-fallback',
          text: (p.content_type === 'image/heic' ? 'HEIC photo' : 'Photo') + ' ' + (i + 1) }));
      }, { once: true });
      grid.append(h('li', null, [link]));
    });
    gallery.append(title, grid);
  }

  function refreshSoon() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(loadPhotos, 400);
  }

  /* ---------- load ---------- */

  var loading = false;
  async function loadPhotos() {
    if (loading) { refreshSoon(); return; }
    loading = true;
    try {
      var r;
      try {
        r = await api('GET', '/photos');
      } catch (e) {
        showNotice('danger', 'We could not check the photo uploads just now. ' + MSG_NETWORK, loadPhotos);
        return;
      }
      if (r.status === 200) {
        var d = r.data;
        if (d.max_bytes > 0) state.maxBytes = d.max_bytes;
        if (d.quota >= 0) state.quota = d.quota;
        if (d.used >= 0) state.used = d.used;
        if (state.stop === 'quota' && state.quota && state.used < state.quota) state.stop = null;
        if (!state.stop) hideNotice();
        state.photos = Array.isArray(d.photos) ? d.photos : [];
        setWindow(d.window);
        updateSummary();
        /* Gallery links are signed for 15 minutes: fetch fresh ones before then. */
        clearTimeout(state.galleryTimer);
        state.galleryTimer = setTimeout(loadPhotos, 14 * 60 * 1000);
      } else if (r.status === 404 || r.status === 410) {
        var msg = (r.data && r.data.message) ||
          (r.status === 410 ? 'This charter was cancelled, so photo uploads are off.' : 'This charter could not be found.');
        stopAll('gone', msg);
        removeControl();
        windowLine.hidden = true;
        showNotice('warning', msg);
      } else {
        showNotice('danger', (r.data && r.data.message) || 'We could not check the photo uploads just now.', loadPhotos);
      }
    } finally {
      loading = false;
    }
  }

  function initUploader() {
    if (!section || !windowLine || !closedMsg || !area || !gallery) return;
    /* a file dropped beside the drop zone should not navigate away from the page */
    ['dragover', 'drop'].forEach(function (ev) {
      window.addEventListener(ev, function (e) {
        if (e.dataTransfer && !(e.target.closest && e.target.closest('.dropzone'))) e.preventDefault();
      });
    });
    window.addEventListener('beforeunload', function (e) {
      if (state.active || state.queue.length) {
        e.preventDefault();
        e.returnValue = '';
      }
    });
    loadPhotos();
  }

  initChecklist();
  initMapLink();
  initUploader();
})();
