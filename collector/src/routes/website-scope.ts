import { assertWebsiteAccess, type Principal } from '../auth/authorize.js';
import { ApiError } from '../http/errors.js';
import type { StatsReader } from '../queries/reader.js';
import type { WebsiteScope } from '../queries/types.js';

/**
 * The websites a read covers: the one asked for (403 if the key is limited to another, 404 if it
 * does not exist), else the key's own website, else all (null).
 */
export function websiteScope(
  reader: StatsReader,
  p: Principal,
  websiteId: string | undefined,
): WebsiteScope {
  if (websiteId !== undefined) {
    assertWebsiteAccess(p, websiteId);
    if (!reader.getWebsite(websiteId))
      throw new ApiError('not_found', `unknown website "${websiteId}"`);
    return [websiteId];
  }
  return p.websites === null ? null : [...p.websites];
}
