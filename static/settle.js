/* settle.js: the settlement form's receipt photo, sent straight to the photo store.
 *
 * Progressive: without this script the form saves everything but the photo
 * (the page says so). With it, choosing a photo asks the page's presign
 * address (data-presign, a POST with the form's token) for a PUT URL bound
 * to the photo's type, size and SHA-256, PUTs the bytes there
 * (XMLHttpRequest, for progress) and puts the upload's id in the form's
 * receipt_id, which the server checks against the store when the form is
 * saved. Saving waits while a photo is on its way.
 */
(function () {
  'use strict';

  var TYPES = { 'image/jpeg': 1, 'image/png': 1, 'image/webp': 1, 'image/heic': 1 };
  var BY_EXT = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp',
    heic: 'image/heic', heif: 'image/heic' };

  var box = document.querySelector('[data-receipt]');
  if (!box || !window.fetch || !window.XMLHttpRequest || !window.crypto || !window.crypto.subtle) return;
  var form = box.closest('form');
  var pick = box.querySelector('.settle-receipt-pick');
  var input = box.querySelector('input[type="file"]');
  var hidden = form && form.elements.namedItem('receipt_id');
  var token = form && form.elements.namedItem(box.getAttribute('data-token-field'));
  var bar = box.querySelector('progress');
  var status = box.querySelector('.settle-receipt-status');
  var presign = box.getAttribute('data-presign');
  var maxBytes = Number(box.getAttribute('data-max-mb')) * 1024 * 1024;
  if (!form || !pick || !input || !hidden || !token || !presign) return;
  pick.hidden = false;

  var busy = false;

  function say(text, bad) {
    status.textContent = text;
    status.classList.toggle('field-error', !!bad);
  }

  function contentTypeOf(file) {
    var t = (file.type || '').toLowerCase();
    if (t === 'image/jpg') t = 'image/jpeg';
    if (TYPES[t]) return t;
    var m = /\.([a-z0-9]+)$/i.exec(file.name || '');
    return m && BY_EXT[m[1].toLowerCase()] ? BY_EXT[m[1].toLowerCase()] : null;
  }

  /* The base64 SHA-256 of a file, as S3's x-amz-checksum-sha256 wants it. */
  async function sha256Base64(file) {
    var digest = new Uint8Array(await window.crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
    var s = '';
    for (var i = 0; i < digest.length; i++) s += String.fromCharCode(digest[i]);
    return window.btoa(s);
  }

  function put(upload, file, type) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(upload.method || 'PUT', upload.url);
      Object.keys(upload.headers || {}).forEach(function (k) {
        xhr.setRequestHeader(k, upload.headers[k]);
      });
      if (!upload.headers || !upload.headers['Content-Type']) xhr.setRequestHeader('Content-Type', type);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else reject(new Error('The photo store refused the photo (' + xhr.status + ').'));
      };
      xhr.onerror = function () { reject(new Error('The photo could not be sent: check the connection.')); };
      xhr.send(file);
    });
  }

  async function send(file) {
    var type = contentTypeOf(file);
    if (!type) throw new Error('Choose a photo: JPEG, PNG, WebP or HEIC.');
    if (file.size < 1 || file.size > maxBytes) {
      throw new Error('The photo may be at most ' + box.getAttribute('data-max-mb') + ' MB.');
    }
    say('Preparing the photo…');
    var body = new URLSearchParams();
    body.set(token.name, token.value);
    body.set('content_type', type);
    body.set('size', String(file.size));
    body.set('sha256', await sha256Base64(file));
    var res = await fetch(presign, {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    var answer = await res.json().catch(function () { return null; });
    if (res.status !== 201 || !answer || !answer.upload) {
      throw new Error(answer && answer.message ? answer.message : 'The upload could not start (' + res.status + ').');
    }
    bar.hidden = false;
    bar.value = 0;
    say('Sending the photo…');
    await put(answer.upload, file, type);
    return answer.receipt_id;
  }

  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    busy = true;
    hidden.value = '';
    send(file).then(function (id) {
      hidden.value = id;
      bar.value = 100;
      say('Receipt photo added. Save the settlement to keep it.');
    }, function (e) {
      bar.hidden = true;
      say(e.message, true);
    }).then(function () { busy = false; });
  });

  form.addEventListener('submit', function (e) {
    if (!busy) return;
    e.preventDefault();
    say('The photo is still on its way: save again once it is added.', true);
  });
}());
