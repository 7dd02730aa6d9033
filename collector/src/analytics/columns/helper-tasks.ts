/** What the helper thread runs (`helper-thread.ts`): each a pure function of shared arrays. */
import { activeIds, funnelPart } from './behaviour.js';
import { parityFunnel } from './funnel-touches.js';
import { entryPart, shapesPart } from './more-reports.js';
import { transitionPass } from './paths.js';
import { sessionsPart } from './query-sessions.js';
import { runSums } from './session-aggregates.js';
import { groupPass } from './session-groups.js';
import { rangeViews } from './repeat-views.js';

export const tasks = {
  activeIds,
  entryPart,
  funnelPart,
  groupPass,
  parityFunnel,
  rangeViews,
  runSums,
  shapesPart,
  sessionsPart,
  transitionPass,
};
export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;
