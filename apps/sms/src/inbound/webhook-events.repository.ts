import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError, DependencyUnavailableError, errorMessage } from '@reclaim/core';

/** Webhook events already handled, by the provider's event id: a redelivered webhook changes nothing. */
@Injectable()
export class WebhookEventsRepository {
  constructor(private readonly db: DataSource) {}

  async seen(eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.query('SELECT 1 FROM webhook_events WHERE event_id = $1', [eventId]);
    return rows.length > 0;
  }

  /** Recorded after the event's effects are durable, so a failure in between only repeats harmless effects. */
  async markHandled(eventId: string, kind: 'inbound' | 'status'): Promise<void> {
    await this.query('INSERT INTO webhook_events (event_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      eventId,
      kind,
    ]);
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T> {
    try {
      const result: T = await this.db.query(sql, params);
      return result;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new DependencyUnavailableError(`webhook events: ${errorMessage(error)}`, { cause: error });
    }
  }
}
