import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

export interface LabPage {
  context: BrowserContext;
  page: Page;
  /** Every console error and uncaught page error so far, in order. */
  errors: string[];
  close(): Promise<void>;
}

export const desktop = { width: 1280, height: 900 };

/** A fresh browser profile (empty cookie jar) with the lab page loaded and settled. */
export async function openLab(browser: Browser, url: string, viewport = desktop): Promise<LabPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  await page.goto(url);
  // lab.js marks the page once its first look at the session and the store has landed.
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
  return { context, page, errors, close: () => context.close() };
}

/** Waits until the element's text matches, and returns it; a timeout says what was there. */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await locator.textContent()) ?? '';
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`expected ${pattern}, but the text is "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const alice = { username: 'alice', password: 'correct horse battery' };

/** What a student does in panel 1: type a name and password, Register, then Enter to log in. */
export async function registerAndLogin(page: Page, user = alice): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Register' }).click();
  await waitForText(page.locator('#account-result'), new RegExp(`Account ${user.username} created`));
  await page.getByLabel('Password').press('Enter');
  await waitForText(page.locator('#who'), new RegExp(`Logged in as ${user.username}\\.`));
}

/** The `session` cookie in the browser's jar, as devtools' Application → Cookies lists it. */
export async function jarSession(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === 'session');
}

/** The size the page shows on the bar of panel 3, in bytes. */
export async function barBytes(page: Page): Promise<number> {
  return Number(await page.locator('#fill .bytes-meter').getAttribute('aria-valuenow'));
}

/** The drawn width of panel 3's bar, in CSS pixels. */
export async function barWidth(page: Page): Promise<number> {
  return (await page.locator('#fill .bytes-meter .fill').boundingBox())?.width ?? 0;
}
