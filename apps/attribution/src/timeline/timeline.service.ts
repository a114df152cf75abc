import { Injectable } from '@nestjs/common';
import { explainTimeline } from './domain/explain';
import type { TimelineKind } from './domain/entries';
import { TimelineRepository } from './timeline.repository';

/** One cart's timeline as the API answers it and the page shows it. */
export interface Timeline {
  storeId: string;
  cartId: string;
  entries: Array<{ at: string; kind: TimelineKind; text: string; detail: Record<string, unknown> }>;
}

@Injectable()
export class TimelineService {
  constructor(private readonly repository: TimelineRepository) {}

  /** The store's cart, explained; undefined when the store never told us about this cart. */
  async timelineOf(storeId: string, cartId: string): Promise<Timeline | undefined> {
    const stored = await this.repository.entriesOf(storeId, cartId);
    if (stored.length === 0) return undefined;
    const entries = explainTimeline(stored).map((e) => ({
      at: e.at.toISOString(),
      kind: e.kind,
      text: e.text,
      detail: e.detail,
    }));
    return { storeId, cartId, entries };
  }
}
