import { Module, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@reclaim/platform';
import { LandingFeedConsumer } from './landing-feed.consumer';
import { LandingReadModelRepository } from './landing-read-model.repository';

/** Ingestion's read model for Reclaim's landing page: the consumer that keeps it and the repository that reads it. */
@Module({
  providers: [LandingReadModelRepository, LandingFeedConsumer],
  exports: [LandingReadModelRepository],
})
export class LandingModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly consumer: LandingFeedConsumer,
  ) {}

  onModuleInit(): void {
    this.health.register('landing-feed', () => this.consumer.health());
  }
}
