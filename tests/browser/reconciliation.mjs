// reconciliation.mjs: the owner's money page at 390 px and at 1280 px: the
// filter form works without script (pick a vessel and a quick range), the
// chart drawn for the screen's width is the one shown, a loss month's bar
// hangs below the zero line on screen, nothing scrolls sideways, no console
// error or CSP violation, no markup in a guest's name runs; axe-core finds
// no serious or critical violation (injected in a bypassCSP context); a
// staff login is refused the page and sees no amount.
import { createRequire } from 'node:module';
import {
  ok, is, diag, runBrowserTest, watch, api, env, PUBLIC_URL, PHONE, screenshot,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const OWNER = env('CHARTER_ADMIN_EMAIL');
const OWNER_PW = env('CHARTER_ADMIN_PASSWORD');
const STAFF = env('CHARTER_STAFF_EMAIL');
const STAFF_PW = env('CHARTER_STAFF_PASSWORD');
const DESKTOP = { viewport: { width: 1280, height: 900 }, locale: 'en-US' };
const run = `${process.pid}`;
const VESSEL = `Browser Heron ${run}`;

/* Three months of 2032 on one vessel: +$1,500, a loss of $300, +$900. */
async function seed() {
  const c = await api('POST', '/api/crew', {
    name: `Recon Browser ${run}`, email: `recon.browser.${run}@crew.test`, hourly_rate_cents: 5000,
  });
  if (c.status !== 201) throw new Error(`crew: ${c.status}`);
  const charters = [
    ['2032-04-10', 160000, 2, '<img src=x onerror=alert(1)> April'],
    ['2032-05-10', 0, 6, 'May "onmouseover=alert(2) x="'],
    ['2032-06-10', 100000, 2, 'June'],
  ];
  for (const [day, revenue, hours, guest] of charters) {
    const r = await api('POST', '/api/bookings', {
      guest_name: `${guest} ${run}`, vessel: VESSEL, checklist: [],
      starts_at: `${day}T10:00:00-07:00`, ends_at: `${day}T16:00:00-07:00`,
      revenue_cents: revenue, port_fee_cents: 0, captain_fee_cents: 0,
      crew: [{ crew_id: c.data.id, role: 'captain', hours }],
    });
    if (r.status !== 201) throw new Error(`booking ${day}: ${r.status} ${JSON.stringify(r.data)}`);
  }
}

/* Opens path and lets the page settle (its icon too: a request still
 * loading when the next page opens would be counted as failed). */
async function visit(page, path) {
  await page.goto(`${PUBLIC_URL}${path}`);
  await page.waitForLoadState('networkidle');
}

async function login(page, email, password) {
  await visit(page, '/admin/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/admin\/$/), page.click('button[type=submit]')]);
  await page.waitForLoadState('networkidle');
}

/* The bars of the chart on screen: [{cls, top, bottom}], and the zero line's y. */
async function bars(page) {
  return page.evaluate(() => {
    const svg = [...document.querySelectorAll('svg.chart')].find((s) => s.getBoundingClientRect().width > 0);
    if (!svg) return null;
    const zero = svg.querySelector('.chart-zero').getBoundingClientRect();
    return {
      id: svg.id || svg.getAttribute('aria-labelledby'),
      width: svg.getBoundingClientRect().width,
      zero: zero.top + zero.height / 2,
      bars: [...svg.querySelectorAll('rect')].map((r) => {
        const b = r.getBoundingClientRect();
        return { cls: r.getAttribute('class'), top: b.top, bottom: b.bottom };
      }),
      tick: parseFloat(getComputedStyle(svg.querySelector('.chart-tick')).fontSize) *
        (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width),
    };
  });
}

async function owner(browser, opts, label) {
  const context = await browser.newContext(opts);
  const seen = await watch(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs += 1; d.dismiss().catch(() => {}); });
  const width = opts.viewport.width;

  await login(page, OWNER, OWNER_PW);
  await visit(page, '/admin/reconciliation?from=2032-04-01&to=2032-06-30');
  /* No script needed: a plain GET form. */
  await page.selectOption('#vessel', VESSEL);
  await Promise.all([page.waitForURL(/vessel=/), page.click('.recon-filter button[type=submit]')]);
  await page.waitForLoadState('networkidle');
  ok(decodeURIComponent(page.url()).includes(`vessel=${VESSEL}`.replace(/ /g, '+')) ||
    decodeURIComponent(page.url()).includes(`vessel=${VESSEL}`), `${label}: the form filters by vessel`);
  is(await page.locator('.recon-stat-net strong').textContent(), '$2,100.00', `${label}: the quarter's net`);
  is(await page.locator('tbody tr').count(), 6, `${label}: three months and three charters listed`);

  const chart = await bars(page);
  ok(chart !== null, `${label}: a chart is shown`);
  if (chart) {
    ok(width < 640 ? /narrow/.test(chart.id) : /wide/.test(chart.id),
      `${label}: the drawing made for this width (${chart.id})`);
    ok(chart.width <= width, `${label}: it fits the screen (${Math.round(chart.width)} px)`);
    is(chart.bars.length, 3, `${label}: three bars`);
    const neg = chart.bars.filter((b) => /neg/.test(b.cls));
    const pos = chart.bars.filter((b) => /pos/.test(b.cls));
    ok(neg.length === 1 && Math.abs(neg[0].top - chart.zero) < 2 && neg[0].bottom > chart.zero + 5,
      `${label}: May's loss hangs below the zero line on screen`);
    ok(pos.length === 2 && pos.every((b) => Math.abs(b.bottom - chart.zero) < 2 && b.top < chart.zero - 5),
      `${label}: April and June stand on it`);
    ok(chart.tick >= 10.5, `${label}: its labels are readable (${chart.tick.toFixed(1)} px)`);
  }
  /* Every loss amount on the page sits on one line: its minus sign never ends a line
     with the dollars on the next (each line of an amount is a rectangle of its text). */
  const broken = await page.evaluate(() => {
    const out = [];
    let n = 0;
    const walk = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      for (const m of t.data.matchAll(/\u2212\u2060?\$[\d,]+\.\d\d/g)) {
        const r = document.createRange();
        r.setStart(t, m.index);
        r.setEnd(t, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top)));
        n++;
        if (lines.size > 1) out.push(`${m[0]} in ${t.parentElement.tagName}.${t.parentElement.className}`);
      }
    }
    return { n, out };
  });
  ok(broken.n > 0 && broken.out.length === 0,
    `${label}: each of the ${broken.n} losses shown sits on one line${broken.out.length ? ` (broken: ${broken.out.join(', ')})` : ''}`);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(sideways <= width, `${label}: no horizontal scroll at ${width} px (scrollWidth ${sideways})`);
  await screenshot(page, `reconciliation-${width}.png`);
  await seen.check(page, `${label} money page`);

  /* A quick range is a link. */
  await Promise.all([page.waitForURL(/from=/), page.click('.recon-presets a >> text=Last year')]);
  await page.waitForLoadState('networkidle');
  ok(/from=\d{4}-01-01&to=\d{4}-12-31/.test(page.url()), `${label}: "Last year" is a link with its dates`);
  ok((await page.locator('#vessel').inputValue()) === VESSEL, `${label}: and keeps the vessel`);

  await visit(page, `/admin/reconciliation?from=2032-04-01&to=2032-06-30&vessel=${encodeURIComponent(VESSEL)}`);
  await page.hover('tbody tr').catch(() => {});
  is(dialogs, 0, `${label}: markup in a guest's name never runs`);
  await seen.check(page, `${label} quick range and back`);
  await context.close();
}

async function axe(browser, opts, label) {
  const context = await browser.newContext({ ...opts, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await login(page, OWNER, OWNER_PW);
  for (const q of [`from=2032-04-01&to=2032-06-30&vessel=${encodeURIComponent(VESSEL)}`, 'from=2032-13-01']) {
    await visit(page, `/admin/reconciliation?${q}`);
    await page.addScriptTag({ path: AXE });
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    });
    is(found.length, 0, `${label} ?${q.slice(0, 24)}: axe-core finds no serious or critical violation`) ||
      diag(found.join('\n'));
  }
  await context.close();
}

async function staff(browser) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await login(page, STAFF, STAFF_PW);
  ok(await page.locator('a[href="/admin/reconciliation"]').count() === 0, 'staff: no money link in the menu');
  const r = await page.goto(`${PUBLIC_URL}/admin/reconciliation?from=2032-04-01&to=2032-06-30`);
  is(r.status(), 403, 'staff: the money page is refused');
  ok(!/\$\s*\d/.test(await page.textContent('body')), 'staff: and shows no amount');
  await context.close();
}

await seed();
await runBrowserTest(async (browser) => {
  await owner(browser, PHONE, '390px');
  await owner(browser, DESKTOP, '1280px');
  await axe(browser, PHONE, '390px');
  await axe(browser, DESKTOP, '1280px');
  await staff(browser);
}, 150000);
