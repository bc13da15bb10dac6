import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { jarSession, openLab, registerAndLogin, waitForText, type LabPage } from './support/lab-page.ts';
import { labSuite } from './support/lab-suite.ts';
import { shoot } from './support/screenshots.ts';

/** The rows of panel 2's anatomy table, as [part, bytes, value]. */
async function anatomyRows(page: Page): Promise<string[][]> {
  return page
    .locator('#anatomy tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.children].slice(0, 3).map((cell) => cell.textContent ?? '')),
    );
}

for (const store of ['cookie', 'memory'] as const) {
  const inCookie = store === 'cookie';

  describe(`the lesson panels in Chromium (SESSION_STORE=${store})`, function () {
    const lab = labSuite({ SESSION_STORE: store });
    let tab: LabPage;
    beforeEach(async () => (tab = await openLab(lab.browser, lab.server.url)));
    afterEach(async () => tab?.close());

    it(
      inCookie
        ? 'shows the cookie’s five parts with their bytes, createdAt and duration in full, times as times'
        : 'shows the signed id’s parts, the store’s key and the record as the store holds it',
      async () => {
        const { page, context, errors } = tab;
        await registerAndLogin(page, { username: 'ana', password: 'anas password' });
        const value = (await jarSession(context))!.value;
        await waitForText(page.locator('#anatomy-lead'), /bytes of value/);
        const rows = await anatomyRows(page);
        expect(await page.locator('#cookie').textContent()).not.to.include(value);
        if (inCookie) {
          const [iv, ciphertext, createdAt, duration, hmac] = value.split('.');
          expect(rows.map((row) => row[0])).to.deep.equal([
            'iv',
            'ciphertext',
            'createdAt',
            'duration',
            'hmac',
          ]);
          expect(rows[0]).to.deep.equal(['iv', '22 (16 raw)', `${iv!.slice(0, 8)}…`]);
          expect(rows[1]![1]).to.equal(
            `${ciphertext!.length.toLocaleString('en')} (${Math.floor((ciphertext!.length * 3) / 4).toLocaleString('en')} raw)`,
          );
          expect(rows[2]).to.deep.equal(['createdAt', '13', createdAt]);
          expect(rows[3]).to.deep.equal(['duration', String(duration!.length), duration]);
          expect(rows[4]).to.deep.equal(['hmac', '43 (32 raw)', `${hmac!.slice(0, 8)}…`]);
          const meaning = await page.locator('#anatomy tbody tr').nth(2).locator('td').last().textContent();
          expect(meaning).to.match(
            /in ms since 1970: \d\d:\d\d:\d\d\. Plain text: anyone holding the cookie reads it/,
          );
          expect(await page.locator('#payload-title').textContent()).to.equal(
            'The payload the server decrypted from it',
          );
          expect(await page.locator('#payload-note').textContent()).to.match(
            /^issuedAt \d+ is \d\d:\d\d:\d\d: the login time.* version 0 is the account’s session version/,
          );
        } else {
          const sid = decodeURIComponent(value).slice(2).split('.')[0]!;
          expect(rows.map((row) => row[0])).to.deep.equal(['prefix', 'id', 'signature']);
          expect(rows[1]).to.deep.equal(['id', String(sid.length), `${sid.slice(0, 8)}…`]);
          expect(await page.locator('#store-key').textContent()).to.equal(
            `The store, this server process’s memory, keeps your record under ${sid.slice(0, 8)}….`,
          );
          expect(await page.locator('#payload-title').textContent()).to.equal(
            'The record the store holds under that key',
          );
          const record = JSON.parse((await page.locator('#payload').textContent()) ?? '{}');
          expect(record).to.include({ username: 'ana' });
          expect(record.cookie).to.include({ httpOnly: true, path: '/' });
          expect(await page.locator('#payload-note').textContent()).to.include('No version');
        }
        expect(errors).to.deep.equal([]);
        await shoot(page.locator('#cookie'), `2-anatomy-${store}`);
      },
    );

    it(
      inCookie
        ? 'forges a cookie for another account that GET /api/me accepts, then a rotation refuses forged and genuine cookies alike'
        : 'signs an id that names no session, then a rotation refuses every cookie alike',
      async () => {
        const { page, errors } = tab;
        // The genuine user, in a browser of her own.
        const victim = await openLab(lab.browser, lab.server.url);
        try {
          await registerAndLogin(victim.page, { username: 'vera', password: 'veras password' });
          await registerAndLogin(page, { username: 'mallory', password: 'mallorys password' });
          await page.getByLabel('Account to impersonate').fill('vera');
          await page.getByRole('button', { name: /^Forge a cookie/ }).click();
          const forged = await waitForText(
            page.locator('#leak-result'),
            /^GET \/api\/me with the forged cookie/,
          );
          if (inCookie) {
            expect(forged).to.match(/: 200, you are vera\. No password/);
            await waitForText(page.locator('#who'), /^Logged in as vera\.$/);
            expect(await page.locator('#leak-result').getAttribute('data-tone')).to.equal('error');
          } else {
            expect(forged).to.match(/: 401\. The signature is valid, but the id names no session/);
            // The browser now holds the forged id, and the store says it names nothing.
            expect(await page.locator('#who').textContent()).to.match(
              /^Not logged in: your browser sent a session cookie, but the server refused it because the server has no session with that id: .* or it never existed\.$/,
            );
          }
          await page
            .getByLabel('Paste a session cookie')
            .fill(`session=${(await jarSession(victim.context))!.value}`);
          await page.getByRole('button', { name: 'Decode it with the key' }).click();
          await waitForText(
            page.locator('#leak-decoded'),
            inCookie ? /"username": "vera"[\s\S]*issuedAt: \d\d:\d\d:\d\d \(login\)/ : /^A signed id, key 1/,
          );
          await shoot(page.locator('#leak'), `6-leaked-key-${store}`);

          expect(await victim.page.evaluate(async () => (await fetch('/api/me')).status)).to.equal(200);
          await page.getByRole('button', { name: 'Rotate the key in the running server' }).click();
          const rotated = await waitForText(
            page.locator('#leak-result'),
            /^The server now holds one new key/,
          );
          expect(rotated).to.include('The forged cookie: REFUSED (invalid).');
          expect(rotated).to.include('This browser’s own cookie: refused too');
          // The genuine session, in the other browser, ended with the forged one.
          await victim.page.reload();
          await victim.page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
          await waitForText(
            victim.page.locator('#who'),
            inCookie
              ? /refused it because it does not open with any key the server holds/
              : /refused it because its signature matches no key the server holds/,
          );
          if (inCookie) await shoot(page.locator('#leak'), '6-leaked-key-rotated-cookie');
          // The only console lines: Chromium's own for the 401s the demo provokes on purpose.
          for (const error of [...errors, ...victim.errors]) expect(error).to.match(/status of 401/);
        } finally {
          await victim.close();
        }
      },
    );

    it('shows the Cookie header of every request, the page’s own files included, and the Set-Cookie answers', async () => {
      const { page, context, errors } = tab;
      const setCookies: number[] = [];
      page.on('response', async (response) => {
        const line = await response.headerValue('set-cookie');
        if (line) setCookies.push(Buffer.byteLength(line));
      });
      await registerAndLogin(page, { username: 'wes', password: 'wess password' });
      const login = page.locator('#wire-log tbody tr', { hasText: 'POST /api/login' }).first();
      expect(await login.locator('td').nth(2).textContent()).to.match(
        new RegExp(
          `^${setCookies.at(-1)!.toLocaleString('en')} bytes: session=<\\d+ bytes>; Path=/;.* HttpOnly`,
        ),
      );
      const value = (await jarSession(context))!.value;
      const header = `session=${value}`.length;
      await page.reload();
      await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
      await page.getByRole('button', { name: 'Who am I?' }).click();
      const me = page.locator('#wire-log tbody tr', { hasText: 'GET /api/me → 200' }).first();
      await me.waitFor();
      // The instance that answered, as /healthz names it: one process here.
      const { instance } = (await (await page.request.get(new URL('/healthz', page.url()).href)).json()) as {
        instance: string;
      };
      expect(await me.locator('td').first().textContent()).to.equal(
        `GET /api/me → 200 (instance ${instance})`,
      );
      expect(await me.locator('td').nth(1).textContent()).to.equal(
        `${header.toLocaleString('en')} bytes: session=${value.length}`,
      );
      // Every request since the reload carried the same cookie: the count is an exact multiple.
      const total = await waitForText(page.locator('#wire-total'), /GET|This page has sent/);
      const [, bytes, requests, files] = /sent ([\d,]+) bytes .* in (\d+) requests, (\d+) of them/.exec(
        total,
      )!;
      expect(Number(bytes!.replaceAll(',', ''))).to.equal(Number(requests) * header);
      expect(Number(files), 'the page, lab.css, lab.js and its modules').to.be.at.least(10);
      expect(errors).to.deep.equal([]);
      if (inCookie) await shoot(page.locator('#wire'), '7-wire-cookie');
    });

    it('words every sentence for this store, clears stale answers on logout, and locks the form while logged in', async () => {
      const { page, errors } = tab;
      expect(await page.locator('#who').getAttribute('role')).to.equal('status');
      expect(await page.locator('.legend li').allTextContents()).to.have.length(3);
      await registerAndLogin(page, { username: 'lena', password: 'lenas password' });
      expect(await page.getByRole('button', { name: 'Register' }).isDisabled()).to.equal(true);
      expect(await page.locator('#fill .bytes-meter').getAttribute('aria-valuemax')).to.equal('4096');
      expect(await page.locator('#fill-lead').textContent()).to.match(
        inCookie
          ? /^This server keeps the whole session in the cookie/
          : /^This server keeps the session in memory; the cookie carries only its id/,
      );
      await page.getByRole('button', { name: 'Who am I?' }).click();
      await waitForText(page.locator('#me'), /"username": "lena"/);
      await page.getByRole('button', { name: 'Add a note' }).click();
      await waitForText(page.locator('#notes-result'), /^Note stored/);
      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await waitForText(
        page.locator('#account-result'),
        inCookie
          ? /^Logged out\. This browser forgot its session cookie\. /
          : /^Logged out\. The server deleted this session, so every copy of its cookie is void too\. /,
      );
      await waitForText(page.locator('#who'), /^Not logged in\.$/);
      expect(await page.locator('#me').isVisible()).to.equal(false);
      expect(await page.locator('#me').textContent()).to.equal('');
      expect(await page.locator('#notes-result').textContent()).to.equal('');
      expect(await page.getByRole('button', { name: 'Register' }).isDisabled()).to.equal(false);
      expect(errors).to.deep.equal([]);
    });
  });
}

describe('the silent drop in Chromium (cookie store, the lab’s switch on)', function () {
  const lab = labSuite();

  it('keeps the old cookie when a Set-Cookie is over 4,096 bytes: the server then sees a stale session', async () => {
    const tab = await openLab(lab.browser, lab.server.url);
    try {
      const { page, context, errors } = tab;
      const sent: number[] = [];
      page.on('response', async (response) => {
        const line = await response.headerValue('set-cookie');
        if (response.url().endsWith('/api/lab/notes-over-budget') && line) sent.push(Buffer.byteLength(line));
      });
      await registerAndLogin(page, { username: 'drew', password: 'drews password' });
      await page.getByLabel('1,000 characters').check();
      const meter = page.locator('#fill .bytes-meter');
      for (const stored of [1000, 2001]) {
        const previous = await meter.getAttribute('aria-valuenow');
        await page.getByRole('button', { name: 'Add a note' }).click();
        await waitForText(page.locator('#notes-result'), new RegExp(`Note stored: ${stored} characters`));
        // The meter is redrawn from the session report that follows the note: wait for it.
        await page.waitForFunction(
          ([selector, old]) => document.querySelector(selector)?.getAttribute('aria-valuenow') !== old,
          ['#fill .bytes-meter', previous] as const,
        );
      }
      const before = (await jarSession(context))!.value;
      const beforeBytes = Number(await meter.getAttribute('aria-valuenow'));
      await page.locator('#over-budget').check();
      await page.getByRole('button', { name: 'Add a note' }).click();
      const text = await waitForText(page.locator('#notes-result'), /dropped it without a word/);
      // What Chromium really did: the over-long Set-Cookie arrived, and the jar kept the old value.
      expect(sent).to.have.length(1);
      expect(sent[0]).to.be.greaterThan(4096);
      expect((await jarSession(context))!.value).to.equal(before);
      expect(text).to.include(`a ${sent[0]!.toLocaleString('en')}-byte Set-Cookie`);
      expect(text).to.include(
        `the server now sees your earlier ${beforeBytes.toLocaleString('en')}-byte cookie, with 2,001 characters of notes`,
      );
      const notes = await page.evaluate(
        async () => (await (await fetch('/api/session')).json()).payload.notes.length,
      );
      expect(notes, 'the server still sees the earlier note').to.equal(2001);
      expect(await page.locator('#over-budget').isChecked(), 'for one answer only').to.equal(false);
      expect(errors).to.deep.equal([]);
      await shoot(page.locator('#fill'), '3-silent-drop');
    } finally {
      await tab.close();
    }
  });
});

describe('live expiry in Chromium (SESSION_IDLE_SECONDS=5)', function () {
  const lab = labSuite({ SESSION_IDLE_SECONDS: '5', SESSION_TTL_SECONDS: '60' });

  it('counts down to the idle expiry, then says the session ended and why', async () => {
    const tab = await openLab(lab.browser, lab.server.url);
    try {
      const { page, context, errors } = tab;
      await registerAndLogin(page, { username: 'ida', password: 'idas password' });
      await waitForText(page.locator('#idle-left'), /^in 0:0[1-3]$/);
      await shoot(page.locator('#cookie .facts'), '2-expiring');
      await waitForText(page.locator('#idle-left'), /^now: the session has ended$/, 8_000);
      const ended = await waitForText(page.locator('#cookie-ended'), /^The session ended at/);
      expect(ended).to.match(/: idle expiry \(the session went unused\)\. .*\(expired_idle\)/);
      await waitForText(page.locator('#who'), /^Not logged in/);
      expect(await jarSession(context), 'the browser dropped it at its Expires').to.equal(undefined);
      expect(errors).to.deep.equal([]);
      await shoot(page.locator('#cookie'), '2-expired');
    } finally {
      await tab.close();
    }
  });
});

describe('the leaked-key panel in production with LAB_ENABLED=1', function () {
  const lab = labSuite({}, { mode: 'production', labEnabled: true, trustProxy: true });

  it('serves no key: it explains the command-line tool instead', async () => {
    const context = await lab.browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-Proto': 'https' } });
    try {
      const page = await context.newPage();
      await page.goto(lab.server.url);
      await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
      expect(await page.locator('#leak-on').isVisible()).to.equal(false);
      expect(await page.locator('#leak-off').isVisible()).to.equal(true);
      expect(await page.locator('#leak-off').textContent()).to.include(
        'npm run cookie -- forge --username alice',
      );
    } finally {
      await context.close();
    }
  });
});
