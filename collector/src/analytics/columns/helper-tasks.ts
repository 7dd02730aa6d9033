/** What the helper thread runs (`helper-thread.ts`): each a pure function of shared arrays. */
import { funnelPart } from './behaviour.js';
import { sessionsPart } from './query-sessions.js';
import { rangeViews } from './repeat-views.js';

export const tasks = { funnelPart, rangeViews, sessionsPart };
export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;
