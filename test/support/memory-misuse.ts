import type { MisuseAlert } from '#domain/alerts/misuse-alert.ts';
import type { MisuseDay } from '#domain/audit/misuse.ts';
import type { MisuseAlertRepository, MisuseCounters } from '#domain/ports.ts';

/** Per-user-day counters in memory, with the DynamoDB adapter's promise: each child counted once a day. */
export class MemoryMisuseCounters implements MisuseCounters {
  readonly markers = new Set<string>();
  readonly days = new Map<
    string,
    { distinctChildren: number; outOfAreaChildren: number; alerted: Set<string> }
  >();
  /** Marker writes attempted: the work an event costs. */
  writes = 0;

  private dayOf(userId: string, day: string) {
    const key = `${userId}#${day}`;
    let summary = this.days.get(key);
    if (!summary) {
      summary = { distinctChildren: 0, outOfAreaChildren: 0, alerted: new Set() };
      this.days.set(key, summary);
    }
    return summary;
  }

  async uncounted(userId: string, day: string, childIds: string[]): Promise<string[]> {
    return [...new Set(childIds)].filter((id) => !this.markers.has(`${userId}#${day}#${id}`));
  }

  async count(
    userId: string,
    day: string,
    children: { childId: string; outOfArea: boolean }[],
  ): Promise<MisuseDay> {
    const summary = this.dayOf(userId, day);
    for (const { childId, outOfArea } of children) {
      this.writes++;
      const marker = `${userId}#${day}#${childId}`;
      if (this.markers.has(marker)) continue;
      this.markers.add(marker);
      summary.distinctChildren++;
      if (outOfArea) summary.outOfAreaChildren++;
    }
    return { ...summary, alerted: [...summary.alerted] };
  }

  async markAlerted(userId: string, day: string, rule: string): Promise<void> {
    this.dayOf(userId, day).alerted.add(rule);
  }
}

/** Misuse alerts in memory, raised once per organisation and ID. */
export class MemoryMisuseAlerts implements Pick<MisuseAlertRepository, 'raise'> {
  readonly alerts = new Map<string, MisuseAlert>();

  async raise(alert: MisuseAlert): Promise<void> {
    const key = `${alert.reviewingOrganisationId}#${alert.alertId}`;
    if (!this.alerts.has(key)) this.alerts.set(key, alert);
  }
}
