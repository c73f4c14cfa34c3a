import type { ScheduledEvent } from 'aws-lambda';
import type { ScheduledFunction } from '#functions/define-function.ts';

/** Milliseconds from `now` until the next `hour:minute` UTC. */
export function msUntilNext(daily: { hour: number; minute: number }, now: Date): number {
  const next = new Date(now);
  next.setUTCHours(daily.hour, daily.minute, 0, 0);
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next.getTime() - now.getTime();
}

/** The EventBridge scheduled event a job receives. */
export function scheduledEvent(name: string, at: Date): ScheduledEvent {
  return {
    version: '0',
    id: `local-${name}-${at.getTime()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: at.toISOString(),
    region: 'eu-west-2',
    resources: [`arn:aws:events:eu-west-2:000000000000:rule/${name}`],
    detail: {},
  };
}

/**
 * The local stand-in for EventBridge schedules: each job runs daily at its declared UTC time while
 * the stack is up, one run at a time, and a failed run is reported rather than retried.
 */
export function scheduleJobs(options: {
  jobs: readonly ScheduledFunction[];
  run: (job: ScheduledFunction, event: ScheduledEvent) => Promise<unknown>;
  onError: (job: ScheduledFunction, error: unknown) => void;
}): { stop(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  const arm = (job: ScheduledFunction) => {
    const timer = setTimeout(
      async () => {
        try {
          await options.run(job, scheduledEvent(job.name, new Date()));
        } catch (error) {
          options.onError(job, error);
        }
        arm(job);
      },
      msUntilNext(job.trigger.daily, new Date()),
    );
    timer.unref();
    timers.set(job.name, timer);
  };
  for (const job of options.jobs) arm(job);
  return {
    stop: () => {
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}
