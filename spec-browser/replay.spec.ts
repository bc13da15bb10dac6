import { expect } from 'chai';
import { jarSession, openLab, registerAndLogin, waitForText, type LabPage } from './support/lab-page.ts';
import { labSuite } from './support/lab-suite.ts';
import { shoot } from './support/screenshots.ts';

interface Mode {
  store: string;
  /** What the replay of a cookie copied before a plain logout answers. */
  afterLogout: RegExp;
  /** Whether the copy still works, so logout-all has something left to end. */
  copyOutlivesLogout: boolean;
  /** What the server says logout did, in this store's terms. */
  loggedOut: string;
  /** The replay's colour: red when the copy wins, green when the server refused it. */
  tone: 'error' | 'ok';
}

const modes: Mode[] = [
  {
    store: 'cookie',
    afterLogout: /ACCEPTED as alice\./,
    copyOutlivesLogout: true,
    loggedOut: 'Logged out. This browser forgot its session cookie.',
    tone: 'error',
  },
  // A server-side store deletes the session on logout: every copy of its id dies at once.
  {
    store: 'memory',
    afterLogout: /REFUSED \(unknown_session\)/,
    copyOutlivesLogout: false,
    loggedOut: 'Logged out. The server deleted this session, so every copy of its cookie is void too.',
    tone: 'ok',
  },
];

/** What a student does in panel 4: paste the value copied from devtools, press a button. */
async function replay(tab: LabPage, value: string, button: string): Promise<string> {
  const { page } = tab;
  await page.getByLabel('Paste the copied value here').fill(value);
  const result = page.locator('#replay-result');
  const before = await result.textContent();
  await page.getByRole('button', { name: button }).click();
  await page.waitForFunction(
    (previous) => document.querySelector('#replay-result')?.textContent !== previous,
    before,
  );
  return waitForText(result, /Replayed the pasted cookie/);
}

for (const mode of modes) {
  describe(`the replay demo in Chromium (SESSION_STORE=${mode.store})`, function () {
    const lab = labSuite({ SESSION_STORE: mode.store });
    let tab: LabPage;

    beforeEach(async () => (tab = await openLab(lab.browser, lab.server.url)));
    afterEach(async () => tab?.close());

    it(`says which store runs (${mode.store})`, async () => {
      await waitForText(
        tab.page.locator('#store-result'),
        new RegExp(`SESSION_STORE=${mode.store}, and the store answers`),
      );
      await shoot(tab.page.locator('#store'), `5-store-${mode.store}`);
    });

    it(
      mode.copyOutlivesLogout
        ? 'accepts a copied cookie after logout, and refuses it after logout-all'
        : 'refuses a copied cookie at once after logout',
      async () => {
        const { page, context, errors } = tab;
        await registerAndLogin(page);
        // The student copies the value from devtools (Application → Cookies); the test
        // takes it from the same jar.
        const copied = (await jarSession(context))!.value;

        const first = await replay(tab, copied, 'Log out, then replay it');
        expect(first.startsWith(`${mode.loggedOut} Replayed the pasted cookie: `), first).to.equal(true);
        expect(first).to.match(mode.afterLogout);
        expect(await page.locator('#replay-result').getAttribute('data-tone')).to.equal(mode.tone);
        expect(await jarSession(context), 'logout cleared the jar').to.equal(undefined);
        await waitForText(page.locator('#who'), /^Not logged in\.$/);
        await shoot(page.locator('#replay'), `4-replay-after-logout-${mode.store}`);

        if (mode.copyOutlivesLogout) {
          await page.getByLabel('Password').fill('correct horse battery');
          await page.getByLabel('Password').press('Enter');
          await waitForText(page.locator('#who'), /^Logged in as alice\.$/);
          const second = await replay(tab, copied, 'Log out everywhere, then replay it');
          expect(second).to.match(
            /^Logged out everywhere: .* Replayed the pasted cookie: REFUSED \(revoked\): /,
          );
          expect(await jarSession(context)).to.equal(undefined);
          await shoot(page.locator('#replay'), '4-replay-after-logout-all');
        }
        // Every answer of the demo was a 200: a refused replay is an answer, not an error.
        expect(errors).to.deep.equal([]);
      },
    );
  });
}

describe('the replay demo where the lab is switched off (production without LAB_ENABLED=1)', function () {
  const lab = labSuite({}, { labEnabled: false });

  it('says so, and offers no button that would log you out for nothing', async () => {
    const tab = await openLab(lab.browser, lab.server.url);
    try {
      const { page, errors } = tab;
      expect(await page.locator('#replay-off').isVisible()).to.equal(true);
      expect(await page.locator('#replay-off').textContent()).to.include('switched off');
      for (const name of [
        'Log out, then replay it',
        'Log out everywhere, then replay it',
        'Replay it again',
      ]) {
        expect(await page.getByRole('button', { name }).isDisabled(), name).to.equal(true);
      }
      expect(errors).to.deep.equal([]);
    } finally {
      await tab.close();
    }
  });
});
