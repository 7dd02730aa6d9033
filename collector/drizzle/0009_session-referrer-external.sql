-- Custom migration (drizzle-kit cannot declare data changes): a session's referrer is another
-- site's page that sent the visit, taken with its source from the first pageview. Sessions stored
-- before kept the first referrer any pageview had, often the site's own previous page (a direct
-- visit moving through the site) or another site a direct visitor came back from. Direct sessions
-- lose their referrer; others lose one on their own host (with or without www.).
UPDATE `sessions` SET `referrer` = NULL
WHERE `referrer` IS NOT NULL AND (
  `source` = 'direct'
  OR EXISTS (
    SELECT 1 FROM (
      SELECT
        CASE WHEN lower(`hostname`) LIKE 'www.%' THEN substr(`hostname`, 5) ELSE `hostname` END AS h,
        CASE WHEN lower(rest) LIKE 'www.%' THEN substr(rest, 5) ELSE rest END AS bare
      FROM (SELECT substr(`referrer`, instr(`referrer`, '://') + 3) AS rest)
      WHERE `referrer` LIKE 'http://%' OR `referrer` LIKE 'https://%'
    )
    WHERE bare LIKE h OR bare LIKE h || '/%' OR bare LIKE h || '?%' OR bare LIKE h || ':%'
      OR bare LIKE h || '#%'
  )
);
