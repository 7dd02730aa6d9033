/**
 * Automation globals left by headless drivers and test runners. The collector checks the user
 * agent again (isbot), so this list only needs what a user agent does not show.
 */
const AUTOMATION =
  '_phantom callPhantom __nightmare Cypress domAutomation domAutomationController __selenium_unwrapped __webdriver_evaluate';

/**
 * True when the page shows automation: webdriver flag, headless or crawler UA (`…bot/1.0`, so a
 * Cubot phone is not one), driver globals.
 */
export function isBot(w: Window): boolean {
  const n = w.navigator;
  return (
    n.webdriver ||
    /headless|bot\/|crawl|spider|lighthouse|prerender/i.test(n.userAgent) ||
    AUTOMATION.split(' ').some((k) => k in w)
  );
}
