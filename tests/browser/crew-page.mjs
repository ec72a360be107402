// crew-page.mjs: a crew member on a phone (390 px) opens the magic link
// from their invitation in the mail catcher, confirms, reloads and is still
// confirmed, then declines with a note; then follows the crew page's link to
// their open places and takes one, landing confirmed on that charter's page;
// no page scrolls sideways and every button is whole, on screen and
// thumb-sized (TAP)
import {
  ok, is, diag, runBrowserTest, phonePage, api, screenshot, noHorizontalScroll,
  iso, DAY, PUBLIC_URL, env,
} from './lib.mjs';

const t0 = Date.now();
const MAIL = env('CHARTER_MAIL_UI').replace(/\/$/, '');
const run = `${process.pid}.${Date.now()}`;
const emailOf = (name) => `${name.replace(/ /g, '.').toLowerCase()}.${run}@example.com`;
async function crew(name, rate) {
  const r = await api('POST', '/api/crew', {
    name, email: emailOf(name), roles: ['deckhand'], hourly_rate_cents: rate,
  });
  if (r.status !== 201) throw new Error(`crew ${name}: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data.id;
}
/* The crew link in the newest mail to addr, once it has arrived. */
async function linkFromMail(addr) {
  for (let i = 0; i < 150; i += 1) {
    const res = await fetch(`${MAIL}/email?to.address=${encodeURIComponent(addr)}`);
    const mails = res.ok ? await res.json() : [];
    const m = mails.length ? mails[mails.length - 1].text.match(/https?:\/\/\S+\/c\/[A-Za-z0-9_-]{43}/) : null;
    if (m) return m[0];
    await new Promise((r) => { setTimeout(r, 100); });
  }
  return null;
}
const myName = 'Jordan Alexandra Whitfield-Castellanos';
const me = await crew(myName, 3175);
const skipper = await crew('Sam Ortiz', 5200);
const b = await api('POST', '/api/bookings', {
  guest_name: `Crew Browser ${process.pid}`, starts_at: iso(9 * DAY), ends_at: iso(9 * DAY + 4.5 * 3600e3),
  vessel: 'Jada', meeting_point: 'Harbor Island West Marina, dock B, slip 42 (ask at the fuel dock)',
  crew_notes: 'Bring gloves and a warm layer.\nWe leave on time.',
  revenue_cents: 250000, port_fee_cents: 15000, captain_fee_cents: 40000,
  crew: [{ crew_id: me, role: 'deckhand' }, { crew_id: skipper, role: 'captain', captain: true }],
});
is(b.status, 201, 'a booking with two crew');
/* A charter with an open place of his role, to take from the open places. */
const other = await api('POST', '/api/bookings', {
  guest_name: `Crew Browser Open ${process.pid}`, starts_at: iso(12 * DAY), ends_at: iso(12 * DAY + 3.5 * 3600e3),
  vessel: 'Sea Otter', meeting_point: 'Shelter Island, guest dock',
  revenue_cents: 190000, port_fee_cents: 9000, captain_fee_cents: 30000,
  crew: [{ crew_id: skipper, role: 'captain', captain: true }],
  open_slots: [{ role: 'deckhand', count: 1, hourly_rate_cents: 2875, hours: 3.5 }],
});
is(other.status, 201, 'a second charter with an open deckhand place');
const slotId = (await api('GET', `/api/bookings/${other.data.id}`)).data.open_slots[0].slot_id;
const inv = await api('POST', `/api/bookings/${b.data.id}/invitations`);
is(inv.status, 200, 'invitations issued');
const link = await linkFromMail(emailOf(myName));
ok(link !== null, 'the invitation arrives in the mail catcher with a crew link');
is(link, inv.data.find((l) => l.crew_id === me).url, 'the link in the mail is the one the API answered');
ok(link && link.startsWith(`${PUBLIC_URL}/c/`), 'on the public URL');

/* Each button: rendered, not clipped by the 390 px viewport, 44 px tall. */
async function reachable(page, sel, label) {
  const btn = page.locator(sel);
  await btn.scrollIntoViewIfNeeded();
  const box = await btn.boundingBox();
  ok(box && box.x >= 0 && box.x + box.width <= 390 && box.height >= 44,
    `${label}: the button is whole on screen and at least 44 px tall (${box && `${Math.round(box.x)}+${Math.round(box.width)}x${Math.round(box.height)}`})`);
  ok(await btn.isVisible() && await btn.isEnabled(), `${label}: visible and enabled`);
}
async function status(page) {
  return page.locator('#crew-status').getAttribute('data-status');
}

await runBrowserTest(async (browser) => {
  const { page, seen } = await phonePage(browser);
  let res = await page.goto(link, { waitUntil: 'domcontentloaded' });
  is(res.status(), 200, 'the crew link opens');
  is(res.headers()['cache-control'], 'no-store', 'and is not stored');
  is(await status(page), 'pending', 'the page says the answer is pending');
  ok(/Jordan/.test(await page.locator('.hero-greeting').innerText()), 'it greets the crew member by first name');
  await noHorizontalScroll(page, 'pending page');
  await reachable(page, '#confirm', 'Confirm');
  await reachable(page, '#decline', 'Decline');
  await seen.check(page, 'pending page');
  await screenshot(page, 'crew-pending.png');

  await page.locator('#confirm').click();
  await page.waitForURL(link);
  await page.waitForLoadState('domcontentloaded');
  is(await status(page), 'confirmed', 'after Confirm the page says confirmed');
  res = await page.reload({ waitUntil: 'domcontentloaded' });
  is(res.status(), 200, 'a reload answers 200');
  is(await status(page), 'confirmed', 'and is still confirmed');
  is(await page.locator('#confirm').count(), 0, 'no second Confirm is offered');
  await noHorizontalScroll(page, 'confirmed page');
  await reachable(page, '#decline', 'Decline on the confirmed page');
  await seen.check(page, 'confirmed page');
  await screenshot(page, 'crew-confirmed.png');

  await page.locator('#note').fill('Sorry, my daughter is sick.');
  await page.locator('#decline').click();
  await page.waitForURL(link);
  await page.waitForLoadState('domcontentloaded');
  is(await status(page), 'declined', 'after Decline with a note the page says declined');
  ok(/my daughter is sick/.test(await page.locator('.crew-note').innerText()), 'and shows the note');
  await noHorizontalScroll(page, 'declined page');
  await reachable(page, '#confirm', 'Confirm after all');
  await seen.check(page, 'declined page');
  await screenshot(page, 'crew-declined.png');

  const staff = await api('GET', `/api/bookings/${b.data.id}`);
  const row = staff.data.crew.find((c) => c.crew_id === me);
  is(`${row.status}/${row.response_note}`, 'declined/Sorry, my daughter is sick.', 'staff see the decline and its note');

  /* Open places: from the crew page's link, take one. */
  await reachable(page, '#open-places', 'See open places');
  await page.locator('#open-places').click();
  await page.waitForURL(`${link}/open`);
  await page.waitForLoadState('domcontentloaded');
  ok(await page.locator(`#place-${slotId}`).count() === 1, 'the open places list the deckhand place');
  ok(/\$100\.63/.test(await page.locator(`#place-${slotId} .open-pay`).innerText()),
    'with the pay it brings (3.5 h at $28.75)');
  await noHorizontalScroll(page, 'open places');
  await reachable(page, `#take-${slotId}`, 'Take this place');
  await seen.check(page, 'open places');
  await screenshot(page, 'crew-open-places.png');
  await page.locator(`#take-${slotId}`).click();
  await page.waitForURL((u) => /\/c\/[A-Za-z0-9_-]{43}$/.test(u.pathname) && u.href !== link);
  await page.waitForLoadState('domcontentloaded');
  is(await status(page), 'confirmed', 'taking it lands on that charter\'s page, confirmed');
  ok(/Sea Otter/.test(await page.locator('main').innerText()), 'the page is the new charter\'s');
  await noHorizontalScroll(page, 'the place taken');
  await reachable(page, '#decline', 'Decline on the place taken');
  await seen.check(page, 'the place taken');
  await screenshot(page, 'crew-place-taken.png');
  const taken = await api('GET', `/api/bookings/${other.data.id}`);
  const mine = taken.data.crew.find((c) => c.crew_id === me);
  is(mine && `${mine.status}/${mine.slot_id}/${mine.hourly_rate_cents}`, `confirmed/${slotId}/2875`,
    'staff see him confirmed in the place, at its rate');
  ok(taken.data.crewing.fully_crewed === false && taken.data.crewing.open === 0,
    'the place is held (the skipper has not answered yet)');
});
diag(`runtime ${((Date.now() - t0) / 1000).toFixed(1)} s`);
