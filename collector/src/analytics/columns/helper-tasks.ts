/** What the helper thread runs (`helper-thread.ts`): each a pure function of shared arrays. */
import { funnelPart } from './behaviour.js';
import { rangeViews } from './repeat-views.js';

export const tasks = { funnelPart, rangeViews };
export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;
