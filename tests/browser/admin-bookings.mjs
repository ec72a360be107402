// admin-bookings.mjs: the owner books a charter with two crew through the
// admin form at 390 px and at 1280 px: logs in, adds a crew row in place,
// sees rates filled from the roster, watches the margin line change while
// typing the revenue (admin.js), saves, finds the server's margin the same,
// tries the invitations; no page scrolls sideways, none logs an error or a
// CSP violation, markup in a name never runs; and axe-core finds no serious
// or critical violation on any admin page (injected in a bypassCSP context).
import { createRequire } from 'node:module';
import {
  ok, is, diag, runBrowserTest, watch, api, PUBLIC_URL, PHONE, screenshot, env,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const OWNER = env('CHARTER_ADMIN_EMAIL');
const OWNER_PW = env('CHARTER_ADMIN_PASSWORD');
const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'en-US' };
const run = `${process.pid}`;

async function crew(name, cents, roles) {
  const r = await api('POST', '/api/crew', {
    name, email: `${name.replace(/\W+/g, '.').toLowerCase()}.${run}@crew.test`, roles, hourly_rate_cents: cents,
  });
  if (r.status !== 201) throw new Error(`crew ${name}: ${r.status}`);
  return r.data.id;
}
const ana = await crew(`Ana Browser ${run}`, 4000, ['Deckhand']);
const bo = await crew(`Bo Browser ${run}`, 5000, ['Captain', 'Mate']);

/* YYYY-MM-DDTHH:MM, days ahead (local wall time: the form's zone is the boat's). */
function local(days, hhmm) {
  const d = new Date(Date.now() + days * 86400000);
  return `${d.toISOString().slice(0, 10)}T${hhmm}`;
}

/* Opens path and lets the page settle. */
async function visit(page, path) {
  await page.goto(`${PUBLIC_URL}${path}`);
  await page.waitForLoadState('networkidle');
}

async function login(page) {
  await visit(page, '/admin/login');
  await page.fill('#email', OWNER);
  await page.fill('#password', OWNER_PW);
  await Promise.all([page.waitForURL(/\/admin\/$/), page.click('button[type=submit]')]);
  await page.waitForLoadState('networkidle');
}

async function noSideScroll(page, width, label) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(w <= width, `${label}: no horizontal scroll at ${width} px (scrollWidth ${w})`);
}

/* The owner books a charter with two crew; returns its id. */
async function book(browser, opts, label) {
  const context = await browser.newContext(opts);
  const seen = await watch(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  /* Chromium asks for /favicon.ico when it leaves a page before reading its
   * <link rel="icon">: not a request of our pages, so not counted. */
  let favicon = 0;
  page.on('console', (m) => { if (m.type() === 'error' && /\/favicon\.ico$/.test(m.location().url || '')) favicon += 1; });
  const check = async (what) => {
    for (; favicon > 0; favicon -= 1) {
      const i = seen.console.findIndex((t) => /status of 404/.test(t));
      if (i >= 0) seen.console.splice(i, 1);
    }
    await seen.check(page, what);
  };
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs += 1; d.dismiss().catch(() => {}); });
  page.on('response', (r) => { if (r.status() >= 400) diag(`${label}: ${r.status()} ${r.request().method()} ${r.url()}`); });
  const width = opts.viewport.width;

  await login(page);
  await visit(page, '/admin/bookings/new');
  await check(`${label} new booking form`);
  await page.fill('#guest_name', `Browser ${label} ${run}`);
  await page.fill('#starts_at', local(5, '10:00'));
  await page.fill('#ends_at', local(5, '14:00'));
  await page.fill('#vessel', 'Jada');
  await page.fill('#party_size', '6');
  await page.fill('#checklist-0', 'Sunscreen');

  await page.selectOption('#crew-0-crew_id', String(ana));
  is(await page.inputValue('#crew-0-hourly_rate_cents'), '40.00', `${label}: choosing a crew member fills the roster rate`);
  is(await page.inputValue('#crew-0-role'), 'Deckhand', `${label}: and their role`);
  const before = await page.locator('.crew-row').count();
  await page.click('button.js-add[data-list="crew"]');
  is(await page.locator('.crew-row').count(), before + 1, `${label}: "Add a crew member" adds a row in place`);
  ok(page.url().endsWith('/admin/bookings/new'), `${label}: without leaving the page`);
  const row = page.locator('.crew-row').last();
  const sel = row.locator('select.js-crew');
  const selId = await sel.getAttribute('id');
  ok(/^crew-\d+-crew_id$/.test(selId) && selId !== 'crew-0-crew_id', `${label}: the new row has its own index (${selId})`);
  await sel.selectOption(String(bo));
  await row.locator('input[type=radio][name=captain]').check();

  await page.fill('#port_fee_cents', '100');
  await page.fill('#captain_fee_cents', '200');
  /* Crew: 40 + 50 an hour for 4 hours = 360. */
  const shown = [];
  await page.click('#revenue_cents');
  for (const ch of '1500') {
    await page.keyboard.type(ch);
    shown.push(await page.textContent('#margin-net'));
  }
  is(shown.join(' | '), '\u2212\u2060$659.00 | \u2212\u2060$645.00 | \u2212\u2060$510.00 | $840.00',
    `${label}: the margin line follows each keystroke of the revenue`);
  is(await page.textContent('#margin-pct'), '56.0%', `${label}: with its percentage`);
  is(await page.textContent('#margin-crew'), '$360.00', `${label}: crew cost from the rates and the charter's hours`);
  ok(await page.locator('#margin-warning').isHidden(), `${label}: no warning above the margin aimed for`);
  await page.fill('#revenue_cents', '600');
  ok(await page.locator('#margin-warning').isVisible(), `${label}: a warning below it`);
  await page.fill('#revenue_cents', '1500');
  await noSideScroll(page, width, `${label} form`);
  if (width < 500) await screenshot(page, `admin-form-${width}.png`);

  await Promise.all([page.waitForURL(/\/admin\/bookings\/\d+\?created=1$/),
    page.click('button[name=action][value=save]')]);
  await page.waitForLoadState('networkidle');
  const id = Number(page.url().match(/bookings\/(\d+)/)[1]);
  ok(id > 0, `${label}: saved, on the booking's page (${id})`);
  ok(/Booking created/.test(await page.textContent('main')), `${label}: which says so`);
  is(await page.textContent('#margin-net'), '$840.00', `${label}: the server's margin is the one the page showed`);
  await check(`${label} booking page`);
  await noSideScroll(page, width, `${label} booking page`);

  const b = await api('GET', `/api/bookings/${id}`);
  is(b.data.crew.length, 2, `${label}: two crew on the booking`);
  is(b.data.crew.find((c) => c.captain)?.crew_id, bo, `${label}: the captain chosen`);
  is(b.data.revenue_cents, 150000, `${label}: the revenue typed`);

  for (const path of ['/admin/', '/admin/bookings', '/admin/sync', `/admin/bookings/${id}/invitations`]) {
    await visit(page, path);
    await noSideScroll(page, width, `${label} ${path}`);
  }
  await check(`${label} other pages`);
  ok((await page.locator('td[data-label="Crew member"]').count()) === 2, `${label}: the invitations page lists both`);
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.click('form.form-actions button[type=submit]')]);
  await page.waitForLoadState();
  const said = await page.textContent('main');
  ok(/Invitations sent/.test(said), `${label}: sending the invitations says they are on their way`);
  ok((await page.locator('td[data-label="Invitation"]', { hasText: 'link valid until' }).count()) === 2,
    `${label}: both crew have a live link`);

  /* Markup in a name stays text: no dialog, on the list and the form. */
  const x = await api('POST', '/api/bookings', {
    guest_name: `<img src=x onerror=alert(1)><script>alert(2)</script> ${run}`,
    starts_at: `${local(6, '10:00')}:00-08:00`, ends_at: `${local(6, '12:00')}:00-08:00`,
    vessel: '"onmouseover=alert(3) x="', revenue_cents: 1, port_fee_cents: 0, captain_fee_cents: 0,
  });
  await page.goto(`${PUBLIC_URL}/admin/bookings?q=${run}`);
  await page.hover('main table, main .card').catch(() => {});
  await page.goto(`${PUBLIC_URL}/admin/bookings/${x.data.id}`);
  await page.hover('#vessel').catch(() => {});
  is(dialogs, 0, `${label}: markup in a guest's name or vessel never runs`);
  await context.close();
  return id;
}

/* axe-core on a page, in a context that lets the injected script run. */
async function axe(page, label) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  is(found.length, 0, `${label}: axe-core finds no serious or critical violation`) || diag(found.join('\n'));
}

async function audit(browser, opts, id, label, pages) {
  const context = await browser.newContext({ ...opts, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await login(page);
  for (const path of pages) {
    const t0 = Date.now();
    await page.goto(`${PUBLIC_URL}${path}`);
    await axe(page, `${label} ${path}`);
    diag(`${label} ${path}: ${Date.now() - t0} ms`);
  }
  /* The form answered with its errors. */
  await page.goto(`${PUBLIC_URL}/admin/bookings/new`);
  await page.fill('#party_size', 'six');
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
    page.click('button[name=action][value=save]')]);
  await page.waitForLoadState();
  ok(await page.locator('#error-summary').isVisible(), `${label}: a form with errors says so at the top`);
  await axe(page, `${label} the form with errors`);
  await context.close();
}

await runBrowserTest(async (browser) => {
  const phoneId = await book(browser, PHONE, '390px');
  const deskId = await book(browser, DESKTOP, '1280px');
  /* Every page at 390 px; at 1280 px those whose layout changes most. */
  await audit(browser, PHONE, phoneId, '390px', ['/admin/', '/admin/bookings',
    '/admin/bookings?from=&q=zzzz-none', '/admin/bookings/new', `/admin/bookings/${phoneId}`,
    `/admin/bookings/${phoneId}?cancel=1`, `/admin/bookings/${phoneId}/invitations`, '/admin/sync']);
  await audit(browser, DESKTOP, deskId, '1280px', ['/admin/bookings?from=&q=zzzz-none',
    `/admin/bookings/${deskId}`, `/admin/bookings/${deskId}/invitations`]);
}, 280000);
