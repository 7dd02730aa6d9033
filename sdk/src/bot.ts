/** Automation globals left by headless drivers and test runners. */
const automation = [
  '_phantom',
  'callPhantom',
  '__nightmare',
  'Cypress',
  'domAutomation',
  'domAutomationController',
  '__selenium_unwrapped',
  '__webdriver_evaluate',
  '__driver_evaluate',
  '_Selenium_IDE_Recorder',
];

/** True when the page shows automation: webdriver flag, headless or bot UA, driver globals. */
export function isBot(w: Window): boolean {
  const n = w.navigator;
  return (
    !!n.webdriver ||
    /headless|bot\b|crawl|spider|slurp|lighthouse|phantom|prerender/i.test(n.userAgent) ||
    automation.some((k) => k in w)
  );
}
