// guest-upload.mjs: a guest on a phone uploads two JPEGs while the window is
// open; progress reaches 100, both read "Uploaded", the gallery shows them (TAP)
import {
  ok, is, diag, runBrowserTest, phonePage, createBooking, publicJson, screenshot,
  noHorizontalScroll, iso, HOUR, JPEGS, PUBLIC_URL,
} from './lib.mjs';

const t0 = Date.now();
const b = await createBooking({
  name: 'Upload Guest', startsAt: iso(HOUR), endsAt: iso(5 * HOUR),
  opensAt: iso(-HOUR), closesAt: iso(2 * HOUR),
});
ok(/^[a-z0-9-]+$/.test(b.slug), `booking created (${b.slug})`);

await runBrowserTest(async (browser) => {
  const { page, seen } = await phonePage(browser);
  const res = await page.goto(`${PUBLIC_URL}/g/${b.slug}`, { waitUntil: 'domcontentloaded' });
  is(res.status(), 200, 'guest page answers 200');

  const input = page.locator('#photo-upload #photo-input');
  await input.waitFor({ state: 'attached' });
  ok(await page.locator('#upload-closed').isHidden(), 'closed message is hidden while the window is open');
  ok(/Uploads are open until/.test(await page.locator('#upload-window').innerText()),
    'window line says until when uploads are open');
  is(await input.getAttribute('accept'), 'image/jpeg,image/png,image/webp,image/heic,.heic', 'input accepts the four photo types');

  await input.setInputFiles([
    { name: 'sunset-1.jpg', mimeType: 'image/jpeg', buffer: JPEGS[0] },
    { name: 'dolphins 2.jpg', mimeType: 'image/jpeg', buffer: JPEGS[1] },
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
    [JPEGS[0].length, JPEGS[1].length].sort().join(','), 'stored sizes are the file sizes');

  await noHorizontalScroll(page, 'open window');
  await seen.check(page, 'upload page');
  await screenshot(page, 'guest-upload.png');
});
diag(`runtime ${((Date.now() - t0) / 1000).toFixed(1)} s`);
