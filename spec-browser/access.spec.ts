import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { openLab, registerAndLogin, waitForText } from './support/lab-page.ts';
import { labSuite } from './support/lab-suite.ts';
import { shoot } from './support/screenshots.ts';

/** axe-core's WCAG 2.1 A and AA rules (labels, names, contrast of 4.5:1, ARIA), as "rule: where". */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.flatMap((rule) =>
    rule.nodes.map((node) => `${rule.id}: ${node.target.join(' ')} (${node.failureSummary ?? ''})`),
  );
}

describe('the lab page for everyone: keyboard, screen readers, projector, phone', function () {
  const lab = labSuite();

  it('passes axe-core’s WCAG 2.1 AA checks, logged out and logged in with a full cookie', async function () {
    // axe walks every node of seven panels twice: about 40 s on a busy two-core machine.
    this.timeout(180_000);
    const tab = await openLab(lab.browser, lab.server.url);
    try {
      const { page } = tab;
      expect(await violations(page), 'logged out').to.deep.equal([]);
      await registerAndLogin(page);
      await page.getByLabel('1,000 characters').check();
      for (let note = 0; note < 3; note++) {
        await page.getByRole('button', { name: 'Add a note' }).click();
        await waitForText(page.locator('#notes-result'), new RegExp(`Note stored|Refused`));
      }
      expect(await violations(page), 'logged in, warned or refused').to.deep.equal([]);
    } finally {
      await tab.close();
    }
  });

  it('shows where the keyboard is: the first Tab lands on a visibly outlined skip link', async () => {
    const tab = await openLab(lab.browser, lab.server.url);
    try {
      const { page } = tab;
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        const style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        return {
          text: element.textContent,
          outline: style.outlineStyle,
          width: style.outlineWidth,
          top: box.top,
        };
      });
      expect(focused.text).to.equal('Skip to the lab');
      expect(focused.outline).to.equal('solid');
      expect(parseFloat(focused.width)).to.be.at.least(2);
      expect(focused.top, 'on screen once focused').to.be.at.least(0);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal('username');
    } finally {
      await tab.close();
    }
  });

  it('reads from the back of the room: large type and two columns on a 1920-pixel projector', async () => {
    const tab = await openLab(lab.browser, lab.server.url, { width: 1920, height: 1080 });
    try {
      const { page } = tab;
      const layout = await page.evaluate(() => ({
        fontPx: parseFloat(getComputedStyle(document.documentElement).fontSize),
        accountLeft: document.querySelector('#account')!.getBoundingClientRect().left,
        cookieLeft: document.querySelector('#cookie')!.getBoundingClientRect().left,
      }));
      expect(layout.fontPx).to.be.at.least(22);
      expect(layout.cookieLeft, 'panel 2 beside panel 1').to.be.greaterThan(layout.accountLeft);
      await shoot(page, 'projector');
    } finally {
      await tab.close();
    }
  });

  it('fits a phone: one column, no sideways scrolling, every panel reachable', async () => {
    const tab = await openLab(lab.browser, lab.server.url, { width: 390, height: 844 });
    try {
      const { page, errors } = tab;
      await registerAndLogin(page, { username: 'phoebe', password: 'phoebes password' });
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        lefts: ['#account', '#cookie', '#fill', '#replay', '#store'].map(
          (id) => document.querySelector(id)!.getBoundingClientRect().left,
        ),
      }));
      expect(layout.scrollWidth).to.be.at.most(layout.clientWidth);
      expect(new Set(layout.lefts).size, 'one column').to.equal(1);
      expect(errors).to.deep.equal([]);
      await page.locator('#cookie').evaluate((panel) => panel.scrollIntoView({ block: 'start' }));
      await shoot(page, 'phone');
    } finally {
      await tab.close();
    }
  });
});
