// guest-upload.mjs: a guest on a phone uploads two JPEGs while the window is
// open over a slow uplink; each progress bar moves through values between 0
// and 100 as the bytes go out, then reads 100, both read "Uploaded", the
// gallery shows them (TAP)
import {
  ok, is, diag, runBrowserTest, phonePage, createBooking, publicJson, screenshot,
  noHorizontalScroll, iso, HOUR, JPEGS, PUBLIC_URL,
} from './lib.mjs';

const t0 = Date.now();
/* The two JPEGs with bytes after their end-of-image marker (which decoders
   ignore), so each upload takes a while on the throttled uplink below. */
const PAD = 256 * 1024;
const FILES = JPEGS.map((j, i) => Buffer.concat([j, Buffer.alloc(PAD, i + 1)]));
const UPLINK = 256 * 1024;      /* bytes per second */
const b = await createBooking({
  name: 'Upload Guest', startsAt: iso(HOUR), endsAt: iso(5 * HOUR),
  opensAt: iso(-HOUR), closesAt: iso(2 * HOUR),
});
ok(/^[a-z0-9-]+$/.test(b.slug), `booking created (${b.slug})`);

await runBrowserTest(async (browser) => {
  const { context, page, seen } = await phonePage(browser);
  /* A phone's uplink: the bytes leave at UPLINK, so XHR reports progress. */
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: UPLINK,
  });
  const res = await page.goto(`${PUBLIC_URL}/g/${b.slug}`, { waitUntil: 'domcontentloaded' });
  is(res.status(), 200, 'guest page answers 200');

  const input = page.locator('#photo-upload #photo-input');
  await input.waitFor({ state: 'attached' });
  ok(await page.locator('#upload-closed').isHidden(), 'closed message is hidden while the window is open');
  ok(/Uploads are open until/.test(await page.locator('#upload-window').innerText()),
    'window line says until when uploads are open');
  is(await input.getAttribute('accept'), 'image/jpeg,image/png,image/webp,image/heic,.heic', 'input accepts the four photo types');

  /* Every value each progress bar takes, as the page sets it. */
  await page.evaluate(() => {
    window.__progress = [];
    new MutationObserver((records) => records.forEach((r) => {
      if (r.target.tagName !== 'PROGRESS') return;
      const name = r.target.closest('.upload-item').querySelector('.upload-name').textContent;
      window.__progress.push({ name, value: r.target.value, t: performance.now() });
    })).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['value'] });
  });
  await input.setInputFiles([
    { name: 'sunset-1.jpg', mimeType: 'image/jpeg', buffer: FILES[0] },
    { name: 'dolphins 2.jpg', mimeType: 'image/jpeg', buffer: FILES[1] },
  ]);
  const items = page.locator('#upload-list .upload-item');
  await page.waitForFunction(() => {
    const st = [...document.querySelectorAll('.upload-item .upload-status')];
    return st.length === 2 && st.every((s) => s.textContent === 'Uploaded' || /error/.test(s.closest('.upload-item').className));
  }, null, { timeout: 20000 });
  is(await items.count(), 2, 'two upload items');
  const rows = await items.evaluateAll((lis) => lis.map((li) => ({
    name: li.querySelector('.upload-name').textContent,
    status: li.querySelector('.upload-status').textContent,
    value: li.querySelector('progress').value,
    max: li.querySelector('progress').max,
    cls: li.className,
  })));
  rows.forEach((r, i) => {
    is(r.status, 'Uploaded', `item ${i + 1} (${r.name}) reads exactly "Uploaded"`);
    ok(r.value === 100 && r.max === 100, `item ${i + 1} progress reached 100 of 100 (${r.value}/${r.max})`);
    ok(/\bis-done\b/.test(r.cls), `item ${i + 1} is marked done`);
  });
  is(rows.map((r) => r.name).sort().join('|'), 'dolphins 2.jpg|sunset-1.jpg', 'items show the file names');
  const seenValues = await page.evaluate(() => window.__progress);
  for (const name of ['sunset-1.jpg', 'dolphins 2.jpg']) {
    const values = seenValues.filter((p) => p.name === name).map((p) => p.value);
    const between = values.filter((v) => v > 0 && v < 100);
    ok(between.length >= 2, `${name}: the bar showed ${between.length} values between 0 and 100 while uploading`) ||
      diag(JSON.stringify(values));
    ok(values.every((v, i) => i === 0 || v >= values[i - 1] || v === 0),
      `${name}: the bar only moved forward (${values.join(' ')})`);
  }

  const imgs = page.locator('#photo-gallery img');
  await page.waitForFunction(() => document.querySelectorAll('#photo-gallery img').length === 2, null, { timeout: 10000 });
  is(await imgs.count(), 2, 'gallery shows two photos');
  /* The gallery is re-rendered after each upload and its images are
     loading=lazy: scroll each into view until all have decoded (or failed). */
  const settled = await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll('#photo-gallery img')];
    imgs.forEach((i) => { if (!i.complete || !i.naturalWidth) i.scrollIntoView({ block: 'center' }); });
    return imgs.length === 2 && imgs.every((i) => i.complete && (i.naturalWidth > 0 || i.hidden));
  }, null, { timeout: 10000, polling: 200 }).then(() => true, () => false);
  ok(settled, 'gallery images settled');
  const loaded = await imgs.evaluateAll((els) => els.map((i) => ({
    w: i.naturalWidth, h: i.naturalHeight, src: i.currentSrc || i.src, hidden: i.hidden, complete: i.complete,
  })));
  loaded.forEach((l, i) => {
    ok(l.w === 16 && l.h === 12 && !l.hidden, `gallery image ${i + 1} loaded and decoded (${l.w}x${l.h})`) ||
      diag(JSON.stringify({ ...l, src: l.src.split('?')[0] }));
  });
  ok(loaded.every((l) => l.src.startsWith(process.env.CHARTER_S3_ENDPOINT + '/')),
    'gallery images come from the photo store');
  is(await page.locator('#upload-summary').innerText(), '2 photos shared so far (up to 500).', 'summary counts the two photos');

  const srv = await publicJson(`/g/${b.slug}/photos`);
  is(srv.status, 200, 'server photo list answers 200');
  is(srv.data && srv.data.photos.length, 2, 'server lists two uploaded photos');
  ok(srv.data && srv.data.photos.every((p) => p.content_type === 'image/jpeg'), 'both stored as image/jpeg');
  is(srv.data && srv.data.photos.map((p) => p.size).sort().join(','),
    [FILES[0].length, FILES[1].length].sort().join(','), 'stored sizes are the file sizes');

  await noHorizontalScroll(page, 'open window');
  await seen.check(page, 'upload page');
  await screenshot(page, 'guest-upload.png');
});
diag(`runtime ${((Date.now() - t0) / 1000).toFixed(1)} s`);
