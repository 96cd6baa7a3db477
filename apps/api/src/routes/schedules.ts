import { Router } from 'express';
import { CrawlStateErrorCode } from '@kumo/crawl-state';
import { ScheduleNotFoundError, ValidationError } from '../errors.js';
import { parseListQuery } from './crawl-list.js';
import type { RouteContext } from './context.js';

/**
 * `POST /v1/schedules`, `GET /v1/schedules`, `GET /v1/schedules/:id`, `DELETE /v1/schedules/:id`: recurring crawls
 * (`Schedules` of `@kumo/schedules`), owned by the key that created them; any other key gets 404. The runs happen
 * in the crawl workers (`schedule` queue): the API only records the schedule and its BullMQ job scheduler.
 */
export function scheduleRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.post('/v1/schedules', async (req, res) => {
    const parsed = ctx.schedules.parse(req.body);
    const schedule = await ctx.schedules.create(req.owner, parsed);
    ctx.logger.info({ scheduleId: schedule.id, cron: schedule.cron, every: schedule.every }, 'schedule created');
    res.status(201).location(`/v1/schedules/${schedule.id}`).json(schedule);
  });

  router.get('/v1/schedules', async (req, res) => {
    const { limit, cursor } = req.query as Record<string, unknown>;
    const options = parseListQuery({ limit, cursor });
    try {
      res.json(await ctx.schedules.list(req.owner, options));
    } catch (error) {
      if ((error as { code?: unknown }).code === CrawlStateErrorCode.INVALID_CURSOR) {
        throw new ValidationError('Invalid query parameters.', [
          { path: 'cursor', message: 'must be a nextCursor returned by this endpoint' },
        ]);
      }
      throw error;
    }
  });

  router.get('/v1/schedules/:id', async (req, res) => {
    const schedule = await ctx.schedules.get(req.owner, req.params.id);
    if (!schedule) throw new ScheduleNotFoundError(req.params.id);
    res.json(schedule);
  });

  router.delete('/v1/schedules/:id', async (req, res) => {
    if (!(await ctx.schedules.delete(req.owner, req.params.id))) throw new ScheduleNotFoundError(req.params.id);
    ctx.logger.info({ scheduleId: req.params.id }, 'schedule deleted');
    res.status(204).end();
  });

  return router;
}
