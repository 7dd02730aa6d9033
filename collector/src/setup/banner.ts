/** The start-up text: where the collector listens, and on the first start the admin key. */
import type { AdminUserResult } from './admin-user.js';
import type { FirstRunResult } from './first-run.js';

export interface BannerInput {
  /** base URL people reach the collector at, e.g. http://localhost:8000 */
  url: string;
  databasePath: string;
  version: string;
  demo: boolean;
  setup: FirstRunResult;
  admin?: AdminUserResult;
}

export function bannerLines(b: BannerInput): string[] {
  const lines = [
    `Sightline collector ${b.version} listening on ${b.url}`,
    `  database: ${b.databasePath}`,
  ];
  const site = b.setup.website;
  if (site) {
    lines.push(`  default website: ${site.name} (${site.domain}) id ${site.id}`);
    lines.push(
      `  snippet: <script defer src="${b.url}/script.js" data-website-id="${site.id}"></script>`,
    );
  }
  if (b.demo) lines.push(`  demo page: ${b.url}/demo/`);
  lines.push(`  API docs: ${b.url}/docs`);
  if (b.setup.created) {
    const { key, given } = b.setup.adminKey;
    lines.push('');
    lines.push(
      given
        ? '  admin API key (from SIGHTLINE_ADMIN_KEY):'
        : '  admin API key (shown only now; store it):',
    );
    lines.push(`    ${key}`);
    lines.push(`  try: curl -H "Authorization: Bearer ${key}" ${b.url}/stats`);
  } else {
    lines.push(
      b.setup.activeKeys > 0
        ? `  ${b.setup.activeKeys} API key(s) exist; the admin key was printed on the first start (only its hash is stored)`
        : '  no active API key: start on a fresh database to create one',
    );
  }
  if (b.admin?.created) {
    lines.push('');
    lines.push(`  admin login: ${b.admin.email} at ${b.url}/api/auth/login`);
    lines.push(
      b.admin.password
        ? `  admin password (shown only now; change it): ${b.admin.password}`
        : '  admin password: the one in SIGHTLINE_ADMIN_PASSWORD',
    );
  }
  return lines;
}
