// guest-closed.mjs: the guest page of a past charter says uploads are closed and
// offers no file input; a future charter's says when they open (TAP)
import {
  ok, is, diag, runBrowserTest, phonePage, createBooking, publicJson, screenshot,
  noHorizontalScroll, iso, DAY, PUBLIC_URL,
} from './lib.mjs';

const t0 = Date.now();
const past = await createBooking({ name: 'Past Guest', startsAt: iso(-10 * DAY), endsAt: iso(-10 * DAY + 4 * 3600e3) });
const future = await createBooking({ name: 'Future Guest', startsAt: iso(10 * DAY), endsAt: iso(10 * DAY + 4 * 3600e3) });
ok(past.slug && future.slug, 'past and future bookings created');
const fw = (await publicJson(`/g/${future.slug}/photos`)).data.window;
is(fw.state, 'not_yet_open', 'server says the future window is not yet open');
const pw = (await publicJson(`/g/${past.slug}/photos`)).data.window;
is(pw.state, 'closed', 'server says the past window is closed');

await runBrowserTest(async (browser) => {
  const { page, seen } = await phonePage(browser);

  // Past charter: closed.
  let res = await page.goto(`${PUBLIC_URL}/g/${past.slug}`, { waitUntil: 'domcontentloaded' });
  is(res.status(), 200, 'past charter page answers 200');
  const closed = page.locator('#upload-closed');
  await closed.waitFor({ state: 'visible' });
  const text = await closed.innerText();
  ok(/closed/i.test(text), `closed message says closed ("${text}")`);
  await page.waitForLoadState('networkidle');
  is(await page.locator('#photo-input').count(), 0, 'no #photo-input in the DOM');
  ok(await page.locator('#upload-window').isHidden(), 'no "uploads are open" line');
  ok(/No photos were shared/.test(await page.locator('#photo-gallery').innerText()), 'empty gallery says no photos were shared');
  await noHorizontalScroll(page, 'closed window');
  await seen.check(page, 'closed page');
  await screenshot(page, 'guest-closed.png');

  // Future charter: not yet open, says when.
  res = await page.goto(`${PUBLIC_URL}/g/${future.slug}`, { waitUntil: 'domcontentloaded' });
  is(res.status(), 200, 'future charter page answers 200');
  await closed.waitFor({ state: 'visible' });
  const soon = await closed.innerText();
  const opens = new Date(fw.opens_at);
  const day = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', month: 'short', day: 'numeric' }).format(opens);
  ok(/^Photo uploads open /.test(soon), `message says uploads open later ("${soon}")`);
  ok(soon.includes(day), `and names the day they open (${day})`);
  await page.waitForLoadState('networkidle');
  is(await page.locator('#photo-input').count(), 0, 'no #photo-input before the window opens');
  await noHorizontalScroll(page, 'not-yet-open window');
  await seen.check(page, 'not-yet-open page');
  await screenshot(page, 'guest-not-yet-open.png');
});
diag(`runtime ${((Date.now() - t0) / 1000).toFixed(1)} s`);
