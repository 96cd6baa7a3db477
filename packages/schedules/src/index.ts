export { Schedules, type SchedulesOptions, type ScheduleQueues, type ParsedSchedule } from './schedules.js';
export { parseScheduleSpec, MAX_EVERY_MS, type ScheduleSpec } from './schedule-spec.js';
export { scheduleTtlMs } from './schedule-ttl.js';
export {
  createScheduleRunProcessor,
  runIdempotencyKey,
  type ScheduleRunDeps,
  type ScheduleRunEvent,
} from './schedule-run.js';
export { ScheduleSweeper, type ScheduleSweeperOptions, type SweepResult } from './schedule-sweeper.js';
export { SchedulesErrorCode, InvalidScheduleError, ScheduleOptionError } from './errors.js';
