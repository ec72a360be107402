// crew-settle.mjs: the captain, on a phone (390 px), settles the trip after
// the charter: from their crew page to the settlement form, the return time
// and one crew member's hours changed, the port fee with a receipt photo
// sent straight to the photo store, fuel and a note, saved; the page never
// scrolls sideways, its controls are thumb-sized, nothing breaks the
// Content-Security-Policy, no revenue or captain fee shows, and axe-core
// (when installed) finds no serious or critical violation. Without
// JavaScript the same form saves everything but the photo, and says so.
// Then staff, at 390 px and without JavaScript, see planned against actual
// hours with no booking money, and use the crew roster.
import { createRequire } from 'node:module';
import {
  ok, is, diag, runBrowserTest, phonePage, api, screenshot, noHorizontalScroll,
  iso, HOUR, PUBLIC_URL, PHONE, JPEGS, env,
} from './lib.mjs';

const require = createRequire(import.meta.url);
let AXE = null;
try { AXE = require.resolve('axe-core/axe.min.js'); } catch { AXE = null; }

const run = `${process.pid}.${Date.now()}`;
const emailOf = (name) => `${name.replace(/[^A-Za-z]+/g, '.').toLowerCase()}.${run}@example.com`;
async function crew(name, rate) {
  const r = await api('POST', '/api/crew', {
    name, email: emailOf(name), roles: ['deckhand'], hourly_rate_cents: rate,
  });
  if (r.status !== 201) throw new Error(`crew ${name}: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data.id;
}
/* A charter that ended an hour ago, and its captain's crew link. */
async function endedCharter(captain, others, label) {
  const b = await api('POST', '/api/bookings', {
    guest_name: `Settle ${label} ${process.pid}`, starts_at: iso(-5 * HOUR), ends_at: iso(-1 * HOUR),
    vessel: 'Jada', revenue_cents: 9876543, port_fee_cents: 45678, captain_fee_cents: 76543,
    crew: [{ crew_id: captain, role: 'captain', captain: true },
      ...others.map((id) => ({ crew_id: id, role: 'deckhand' }))],
  });
  if (b.status !== 201) throw new Error(`booking: ${b.status} ${JSON.stringify(b.data)}`);
  const inv = await api('POST', `/api/bookings/${b.data.id}/invitations`);
  return { id: b.data.id, link: inv.data.find((l) => l.crew_id === captain).url };
}
const BOOKING_MONEY = /98,765\.43|98765\.43|456\.78|765\.43/;

const skipper = await crew('Alexandra Montgomery-Castellanos', 5200);
const deck = await crew('Maria Lopez', 3125);
const mate = await crew('Lee Park', 2890);
const one = await endedCharter(skipper, [deck, mate], 'phone');
const two = await endedCharter(skipper, [deck], 'no-script');
ok(one.link.startsWith(`${PUBLIC_URL}/c/`) && two.link.startsWith(`${PUBLIC_URL}/c/`), 'two ended charters with a captain\'s link');

async function reachable(page, sel, label) {
  const el = page.locator(sel);
  await el.scrollIntoViewIfNeeded();
  const box = await el.boundingBox();
  ok(box && box.x >= 0 && box.x + box.width <= 390 && box.height >= 44,
    `${label}: whole on screen and at least 44 px tall (${box && `${Math.round(box.x)}+${Math.round(box.width)}x${Math.round(box.height)}`})`);
}

async function axe(browser, url, label) {
  if (!AXE) {
    ok(process.env.CI !== 'true', `${label}: axe-core # SKIP not installed (npm install axe-core)`);
    return;
  }
  /* The injected script needs CSP off: a context of its own. */
  const context = await browser.newContext({ ...PHONE, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  is(found.length, 0, `${label}: axe-core finds no serious or critical violation`) || diag(found.join('\n'));
  await context.close();
}

/* A local datetime-local value some minutes before now, in the boat's zone. */
function localMinutesAgo(min) {
  const d = new Date(Date.now() - min * 60e3);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

await runBrowserTest(async (browser) => {
  const { page, seen } = await phonePage(browser);
  await page.goto(one.link, { waitUntil: 'domcontentloaded' });
  ok(await page.locator('#settle-link').isVisible(), 'the captain\'s crew page offers "Settle the trip"');
  await reachable(page, '#settle-link', 'Settle the trip');
  await Promise.all([page.waitForURL(`${one.link}/settle`), page.locator('#settle-link').click()]);
  await page.waitForLoadState('load');
  is(await page.locator('h1').innerText(), 'Settle the trip', 'the settlement form opens');
  await noHorizontalScroll(page, 'settlement form');
  ok(await page.locator('.settle-receipt-pick').isVisible(), 'with script the receipt picker shows');
  ok(!BOOKING_MONEY.test(await page.content()), 'no revenue, planned port fee or captain fee on the form');
  await seen.check(page, 'settlement form');
  await screenshot(page, 'crew-settle-form.png');

  const returned = localMinutesAgo(40);
  await page.fill('#returned_at', returned);
  const mateField = page.locator('.settle-hour', { hasText: 'Lee Park' }).locator('input');
  is(await mateField.inputValue(), '4', 'hours start at the planned ones');
  await mateField.fill('4.5');
  await page.fill('#port_fee', '125.50');
  await page.fill('#fuel', '42');
  await page.fill('#note', 'Fuel dock was slow. <b>not bold</b>');
  await page.locator('#receipt-file').setInputFiles({ name: 'receipt.jpg', mimeType: 'image/jpeg', buffer: JPEGS[0] });
  await page.locator('.settle-receipt-status', { hasText: 'Receipt photo added' }).waitFor();
  ok(/^[0-9a-f]{32}$/.test(await page.locator('input[name=receipt_id]').inputValue()),
    'the photo went to the store and the form carries its upload id');
  await reachable(page, '#settle-save', 'Save the settlement');
  await Promise.all([page.waitForURL(`${one.link}/settle?saved=1`), page.locator('#settle-save').click()]);
  await page.waitForLoadState('load');
  ok(await page.locator('#notice').isVisible(), 'saved: the page says so');
  is(await page.locator('#saved-port-fee').innerText().then((t) => t.split(' ·')[0]), '$125.50', 'the port fee as entered');
  is(await page.locator('#saved-note').innerText(), 'Fuel dock was slow. <b>not bold</b>', 'the note as text');
  const view = await page.locator('#saved-port-fee a').getAttribute('href');
  const got = await fetch(view);
  is(got.status, 200, 'the receipt photo can be seen');
  is(Buffer.compare(Buffer.from(await got.arrayBuffer()), JPEGS[0]), 0, 'and is the very photo');
  ok(!BOOKING_MONEY.test(await page.content()), 'no revenue, planned port fee or captain fee once saved');
  await noHorizontalScroll(page, 'saved settlement');
  await seen.check(page, 'saved settlement');
  await screenshot(page, 'crew-settle-saved.png');

  await axe(browser, one.link, 'crew page');
  await axe(browser, `${one.link}/settle`, 'settlement');

  /* Without script: everything but the photo, and the page says why. */
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  const bare = await context.newPage();
  await bare.goto(`${two.link}/settle`, { waitUntil: 'load' });
  ok(!(await bare.locator('.settle-receipt-pick').isVisible()), 'without script the picker stays hidden');
  ok(/needs JavaScript/.test(await bare.locator('#receipt').innerText()), 'and the page says the photo needs it');
  await bare.fill('#returned_at', localMinutesAgo(30));
  await bare.fill('#port_fee', '80');
  await Promise.all([bare.waitForURL(`${two.link}/settle?saved=1`), bare.locator('#settle-save').click()]);
  is(await bare.locator('#saved-port-fee').innerText().then((t) => t.split(' ·')[0]), '$80.00', 'the form saves without script');
  await noHorizontalScroll(bare, 'saved without script');
  await context.close();

  /* Staff at 390 px, no script: the settlement and the roster. */
  const office = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  const desk = await office.newPage();
  await desk.goto(`${PUBLIC_URL}/admin/login`);
  await desk.fill('#email', env('CHARTER_STAFF_EMAIL'));
  await desk.fill('#password', env('CHARTER_STAFF_PASSWORD'));
  await Promise.all([desk.waitForURL(/\/admin\/$/), desk.click('button[type=submit]')]);
  await desk.goto(`${PUBLIC_URL}/admin/bookings/${one.id}/settlement`);
  const lee = desk.locator('.settle-table tbody tr', { hasText: 'Lee Park' });
  is((await lee.innerText()).replace(/\s+/g, ' ').trim(), 'Lee Park · deckhand 4 h 4.5 h changed',
    'staff see planned against actual hours');
  ok(!BOOKING_MONEY.test(await desk.content()) && !(await desk.locator('.settle-money').count()),
    'and no revenue, planned port fee, captain fee or money panel');
  await noHorizontalScroll(desk, 'staff settlement page');
  await screenshot(desk, 'admin-settlement.png');
  await desk.goto(`${PUBLIC_URL}/admin/crew?q=Lee+Park`);
  await noHorizontalScroll(desk, 'roster');
  await Promise.all([desk.waitForURL(/\/admin\/crew\/\d+$/), desk.locator('.roster-name a', { hasText: 'Lee Park' }).first().click()]);
  await desk.fill('#rate', 'thirty');
  await Promise.all([desk.waitForLoadState('load'), desk.locator('#crew-form button[type=submit]').click()]);
  ok(/dollars and cents/.test(await desk.locator('#rate-error').innerText()), 'the roster form says what is wrong, next to the field');
  is(await desk.locator('#rate').inputValue(), 'thirty', 'and keeps the input');
  await noHorizontalScroll(desk, 'roster form with an error');
  await desk.fill('#rate', '29.90');
  await Promise.all([desk.waitForURL(/saved=1$/), desk.locator('#crew-form button[type=submit]').click()]);
  is(await desk.locator('#rate').inputValue(), '29.90', 'saved without script');
  await screenshot(desk, 'admin-crew-form.png');
  await office.close();
  if (AXE) {
    const audit = await browser.newContext({ ...PHONE, bypassCSP: true });
    const p = await audit.newPage();
    await p.goto(`${PUBLIC_URL}/admin/login`);
    await p.fill('#email', env('CHARTER_STAFF_EMAIL'));
    await p.fill('#password', env('CHARTER_STAFF_PASSWORD'));
    await Promise.all([p.waitForURL(/\/admin\/$/), p.click('button[type=submit]')]);
    for (const path of ['/admin/crew', `/admin/crew/${mate}`, '/admin/crew/new', `/admin/bookings/${one.id}/settlement`]) {
      await p.goto(`${PUBLIC_URL}${path}`, { waitUntil: 'load' });
      await p.addScriptTag({ path: AXE });
      const found = await p.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      });
      is(found.length, 0, `${path}: axe-core finds no serious or critical violation`) || diag(found.join('\n'));
    }
    await audit.close();
  }
}, 110000);
