import { expect } from 'chai';
import {
  alice,
  barBytes,
  barWidth,
  jarSession,
  openLab,
  registerAndLogin,
  waitForText,
  type LabPage,
} from './support/lab-page.ts';
import { labSuite } from './support/lab-suite.ts';
import { shoot } from './support/screenshots.ts';

// What Chromium itself prints for every 4xx a fetch receives, whatever the page does with it.
const refusedNote = /^Failed to load resource: the server responded with a status of 413/;

describe('the lab page in Chromium (cookie store)', function () {
  const lab = labSuite();
  let tab: LabPage;

  beforeEach(async () => (tab = await openLab(lab.browser, lab.server.url)));
  afterEach(async () => tab?.close());

  it('logs nothing to the console when merely loaded, logged out', async () => {
    const { page, errors } = tab;
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#who').textContent()).to.equal('Not logged in.');
    await waitForText(page.locator('#store-result'), /SESSION_STORE=cookie/);
    expect(errors).to.deep.equal([]);
    await shoot(page, 'lab-page');
  });

  it('registers and logs in through the form, from the keyboard', async () => {
    const { page, errors } = tab;
    await registerAndLogin(page);
    expect(await page.locator('#account-result').textContent()).to.include('Welcome alice!');
    expect(await page.getByRole('button', { name: 'Log out everywhere', exact: true }).isEnabled()).to.equal(
      true,
    );
    await page.getByRole('button', { name: 'Who am I?' }).click();
    await waitForText(page.locator('#account-result'), /^GET \/api\/me: the server read your cookie/);
    expect(JSON.parse((await page.locator('#me').textContent()) ?? '{}')).to.include({ username: 'alice' });
    expect(errors).to.deep.equal([]);
    await shoot(page.locator('#account'), '1-account');
  });

  it('keeps the session cookie HttpOnly and SameSite=Lax in the jar, and out of document.cookie', async () => {
    const { page, context, errors } = tab;
    await registerAndLogin(page, { username: 'carol', password: 'carols password' });
    const cookie = await jarSession(context);
    expect(cookie, 'the jar holds a session cookie').to.not.equal(undefined);
    expect(cookie).to.include({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate(() => document.cookie)).not.to.include('session=');
    expect(await page.locator('#document-cookie').textContent()).to.equal('document.cookie → ""');
    expect(await page.locator('#document-cookie-lead').textContent()).to.match(
      /^Empty, even though your browser holds the session cookie right now/,
    );
    await waitForText(page.locator('#payload'), /"username": "carol"/);
    expect(await page.locator('#key-used').textContent()).to.match(/^Key 1 of SESSION_SECRET, the newest/);
    await waitForText(page.locator('#idle-left'), /^in 29:\d\d$/);
    await waitForText(page.locator('#absolute-left'), /^in 23:59:\d\d$/);
    expect(errors).to.deep.equal([]);
  });

  it('grows the bar with each note, warns near the limit, refuses past 4,096 bytes, and the session survives', async () => {
    const { page, context, errors } = tab;
    await registerAndLogin(page, { username: 'dave', password: 'daves password' });
    await page.getByLabel('500 characters').check();
    const sizes = [await barBytes(page)];
    const widths = [await barWidth(page)];
    let warned = false;
    const result = page.locator('#notes-result');
    for (let note = 1; note <= 10; note++) {
      const before = await jarSession(context);
      await page.getByRole('button', { name: 'Add a note' }).click();
      const text = await waitForText(
        result,
        new RegExp(`Note stored: ${note * 500 + note - 1} characters|Refused`),
      );
      if (text.startsWith('Refused')) {
        expect(warned, 'the warning came before the refusal').to.equal(true);
        expect(text).to.match(
          /^Refused \(413\): with that note the cookie would be 4,\d{3} bytes, over the 4,096/,
        );
        expect(text).to.include(
          `You are still logged in as dave, with the same ${sizes.at(-1)!.toLocaleString('en')}-byte cookie.`,
        );
        expect((await jarSession(context))?.value, 'the browser kept its cookie').to.equal(before?.value);
        expect(await page.evaluate(async () => (await fetch('/api/me')).status)).to.equal(200);
        expect(await page.locator('#who').textContent()).to.equal('Logged in as dave.');
        expect(await barBytes(page)).to.equal(sizes.at(-1));
        expect(errors).to.have.length(1);
        expect(errors[0]).to.match(refusedNote);
        await shoot(page.locator('#fill'), '3-fill-refused');
        return;
      }
      await page.waitForFunction((previous) => {
        const meter = document.querySelector('#fill .bytes-meter');
        return Number(meter?.getAttribute('aria-valuenow')) > previous;
      }, sizes.at(-1)!);
      await page.waitForTimeout(350); // the bar's 0.3 s transition
      sizes.push(await barBytes(page));
      widths.push(await barWidth(page));
      expect(widths.at(-1), 'the bar is drawn wider').to.be.greaterThan(widths.at(-2)!);
      const warning = page.locator('#budget-warning');
      if (!warned && (await warning.isVisible())) {
        warned = true;
        expect(sizes.at(-1)).to.be.at.least(0.8 * 4096);
        expect(await warning.textContent()).to.match(/X-Session-Budget: \d{4}\/4096/);
        await shoot(page.locator('#fill'), '3-fill-warning');
      }
    }
    expect.fail(`ten notes of 500 characters were all accepted; sizes: ${sizes.join(', ')}`);
  });

  it('clears the cookie from the jar on logout', async () => {
    const { page, context, errors } = tab;
    await registerAndLogin(page, { username: 'erin', password: 'erins password' });
    expect(await jarSession(context)).to.not.equal(undefined);
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await waitForText(page.locator('#who'), /^Not logged in\.$/);
    expect(await jarSession(context)).to.equal(undefined);
    expect(await page.getByRole('button', { name: 'Log out everywhere', exact: true }).isDisabled()).to.equal(
      true,
    );
    expect(errors).to.deep.equal([]);
  });

  it('tells a wrong password apart from nothing, in a sentence', async () => {
    const { page, errors } = tab;
    await page.getByLabel('Username').fill(alice.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitForText(page.locator('#account-result'), /^Incorrect username or password\.$/);
    expect(await page.locator('#who').textContent()).to.equal('Not logged in.');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/status of 401/);
  });
});
