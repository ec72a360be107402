// lib.mjs: shared helpers for the browser tests: TAP output, the internal API,
// a headless Chromium (never downloaded) in a phone-sized context, and page watchers
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/* ---------- TAP ---------- */

let n = 0;
let failed = 0;

export function diag(msg) {
  for (const line of String(msg).split('\n')) process.stdout.write(`# ${line}\n`);
}

export function ok(cond, desc) {
  n += 1;
  if (cond) {
    process.stdout.write(`ok ${n} - ${desc}\n`);
  } else {
    failed += 1;
    process.stdout.write(`not ok ${n} - ${desc}\n`);
  }
  return !!cond;
}

export function is(got, want, desc) {
  const pass = Object.is(got, want);
  ok(pass, desc);
  if (!pass) diag(`  got:  ${JSON.stringify(got)}\n  want: ${JSON.stringify(want)}`);
  return pass;
}

/* An exception outside runBrowserTest (e.g. the API refused a booking) still ends in TAP. */
process.on('uncaughtException', (e) => {
  ok(false, `no exception: ${e && e.message ? e.message.split('\n')[0] : e}`);
  diag(e && e.stack ? e.stack : String(e));
  done();
});

/* Prints the plan and exits (1 if anything failed). */
export function done() {
  process.stdout.write(`1..${n}\n`);
  if (failed) diag(`failed ${failed} of ${n}`);
  process.exit(failed || n === 0 ? 1 : 0);
}

/*
 * Skips the whole test for want of something (prints the plan and exits). Under
 * CI=true nothing may be missing, so there it bails out: a failure, not a skip.
 */
export function skipAll(reason) {
  if (process.env.CI === 'true') {
    process.stdout.write(`Bail out! CI=true, yet this test would skip: ${reason}\n`);
    process.exit(255);
  }
  process.stdout.write(`1..0 # SKIP ${reason}\n`);
  process.exit(0);
}

/* ---------- environment and the internal API ---------- */

export function env(name) {
  const v = process.env[name];
  if (!v) {
    process.stdout.write(`Bail out! ${name} is not set; run me through tests/stack run\n`);
    process.exit(255);
  }
  return v;
}

/* Checked as the test loads, before it prints any result. */
const CHROMIUM = process.env.CHARTER_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) skipAll(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);

export const PUBLIC_URL = env('CHARTER_PUBLIC_URL');
const API_URL = env('CHARTER_API_URL');
const SERVICE_KEY = env('CHARTER_SERVICE_KEY');

/* ISO 8601 UTC for now + ms (seconds precision). */
export function iso(ms) {
  return new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
export const HOUR = 3600 * 1000;
export const DAY = 24 * HOUR;

/* Internal API call: {status, data}. */
export async function api(method, path, body) {
  const res = await fetch(API_URL + path, {
    method,
    headers: { 'X-Service-Key': SERVICE_KEY, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch { data = text; }
  return { status: res.status, data };
}

/* Creates a booking; opensAt/closesAt optional (server default window). */
export async function createBooking({ name, startsAt, endsAt, opensAt, closesAt }) {
  const body = {
    guest_name: `${name} ${process.pid}`, starts_at: startsAt, ends_at: endsAt,
    vessel: 'Jada', meeting_point: 'Harbor Island West Marina, dock B',
    checklist: ['Sunscreen', 'Soft-soled shoes'],
    revenue_cents: 100000, port_fee_cents: 0, captain_fee_cents: 0,
  };
  if (opensAt) body.upload_opens_at = opensAt;
  if (closesAt) body.upload_closes_at = closesAt;
  const r = await api('POST', '/api/bookings', body);
  if (r.status !== 201) throw new Error(`booking ${name}: ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
}

/* Public JSON GET, e.g. /g/<slug>/photos. */
export async function publicJson(path) {
  const res = await fetch(PUBLIC_URL + path, { headers: { Accept: 'application/json' } });
  return { status: res.status, data: await res.json().catch(() => null) };
}

/* ---------- browser ---------- */

export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'en-US',
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 ' +
    '(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
};

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 20000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync'],
  });
}

/*
 * Runs fn(browser) with a fresh browser that is closed in all cases, under a
 * watchdog (ms) that fails the test and closes the browser if it hangs.
 * Always ends the process through done().
 */
export async function runBrowserTest(fn, ms = 55000) {
  let browser = null;
  const dog = setTimeout(async () => {
    ok(false, `test finished within ${ms / 1000} s`);
    try { if (browser) await browser.close(); } catch { /* already gone */ }
    done();
  }, ms);
  try {
    browser = await launch();
    await fn(browser);
  } catch (e) {
    ok(false, `no exception: ${e && e.message ? e.message.split('\n')[0] : e}`);
    diag(e && e.stack ? e.stack : String(e));
  } finally {
    clearTimeout(dog);
    if (browser) await browser.close().catch(() => {});
  }
  done();
}

/*
 * Records console errors, page errors, failed requests and CSP violations of
 * a page (and pages opened later in its context), and the headers of the
 * document each page loaded last: "no CSP violations" means something only
 * when a policy was sent.
 */
export async function watch(context) {
  const seen = { console: [], page: [], csp: [], failed: [] };
  const docs = new WeakMap();   /* page -> its last main-frame document response */
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const hook = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') seen.console.push(m.text());
      if (/Content Security Policy/i.test(m.text())) seen.csp.push(m.text());
    });
    page.on('pageerror', (e) => seen.page.push(String(e && e.message || e)));
    page.on('requestfailed', (r) => seen.failed.push(`${r.method()} ${r.url().split('?')[0]}: ${r.failure() && r.failure().errorText}`));
    page.on('response', (r) => {
      if (r.request().isNavigationRequest() && r.request().frame() === page.mainFrame()) docs.set(page, r);
    });
  };
  context.on('page', hook);
  seen.check = async (page, label) => {
    const inPage = await page.evaluate(() => window.__csp || []).catch(() => []);
    const csp = seen.csp.concat(inPage);
    const doc = docs.get(page);
    const policy = doc ? (await doc.allHeaders())['content-security-policy'] || '' : '';
    ok(/(^|;)\s*script-src 'self'\s*(;|$)/.test(policy),
      `${label}: the page came with a Content-Security-Policy of script-src 'self'`) ||
      diag(`Content-Security-Policy: ${policy || '(none)'}${doc ? '' : ' (no document response seen)'}`);
    is(seen.console.length, 0, `${label}: no console errors`) || diag(seen.console.join('\n'));
    is(seen.page.length, 0, `${label}: no page errors`) || diag(seen.page.join('\n'));
    is(csp.length, 0, `${label}: no CSP violations`) || diag(csp.join('\n'));
    is(seen.failed.length, 0, `${label}: no failed requests`) || diag(seen.failed.join('\n'));
    seen.console.length = seen.page.length = seen.csp.length = seen.failed.length = 0;
  };
  return seen;
}

export async function phonePage(browser) {
  const context = await browser.newContext(PHONE);
  const seen = await watch(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  return { context, page, seen };
}

export async function noHorizontalScroll(page, label) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(w <= 390, `${label}: no horizontal scroll at 390 px (scrollWidth ${w})`);
}

export async function screenshot(page, name) {
  const dir = join(process.env.STACK_DIR || '.', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  await page.screenshot({ path: file, fullPage: true });
  diag(`screenshot: ${file}`);
  return file;
}

/* ---------- two small real JPEGs (16x12, made by Chromium's canvas) ---------- */

export const JPEGS = [
  Buffer.from(
    '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABh' +
    'Y3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' +
    'AAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAAB' +
    'UAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAA' +
    'AAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9Y' +
    'WVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAM' +
    'ZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQ' +
    'FxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgo' +
    'KCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAMABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAMG' +
    '/8QAIBAAAQMEAwEBAAAAAAAAAAAABAEREgIGExQAAzEhUf/EABQBAQAAAAAAAAAAAAAAAAAAAAb/xAAhEQAABAUFAAAAAAAAAAAA' +
    'AAAAERMUBBUhI1IFgYKxsv/aAAwDAQACEQMRAD8AtYVth3DvbvYRRgxxxVIjyk7ui/icX7bYdvaOl2EV58kstSK0YszIn6vM2GeY' +
    'DPSLIHm0sXYtEm8dl++rwYeYdDdLIIg8cvYtcX9Z1+eJxbL9RmrpexhxL1UGXMMzRTuZbn1Qf//Z', 'base64'),
  Buffer.from(
    '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABh' +
    'Y3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' +
    'AAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAAB' +
    'UAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAA' +
    'AAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9Y' +
    'WVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAM' +
    'ZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQ' +
    'FxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgo' +
    'KCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAMABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAAED' +
    '/8QAHRAAAgEEAwAAAAAAAAAAAAAAAQIAAwQREjEycf/EABQBAQAAAAAAAAAAAAAAAAAAAAb/xAAiEQAABAQHAAAAAAAAAAAAAAAA' +
    'ERMUBBUhUgUiI4GCsbL/2gAMAwEAAhEDEQA/ALbUlq7bEjGOIuaS0tdSTnPMyVmXqxHhhmZuzE+mHHEO1STz3bn1QM5diU2duNCz' +
    'iXqo/9k=', 'base64'),
];
